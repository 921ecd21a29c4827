/// A data file found in `incoming/`.
package struct IncomingFile: Sendable, Hashable {
    package var path: String
    package var name: String
    package var publisher: String
    package var size: Int
    package var mtimeNanos: Int64
    /// A `<name>.ready` marker exists beside it.
    package var hasMarker: Bool
}

/// What a scan of `incoming/` found.
package struct SpoolScan: Sendable {
    /// Ready to claim, oldest first.
    package var ready: [IncomingFile] = []
    /// Data files still settling.
    package var settling: [IncomingFile] = []
    /// Folders or files refused, with the reason (e.g. a publisher folder with a bad name).
    package var refused: [(path: String, reason: String)] = []
}

extension Spool {
    /// True for names the spool never claims: dotfiles, temporary upload names, markers.
    package static func isIgnoredName(_ name: String) -> Bool {
        if name.hasPrefix(".") { return true }
        let lower = name.lowercased()
        for suffix in [".tmp", ".part", ".partial", ".filepart", ".ready", ".crdownload", "~"]
        where lower.hasSuffix(suffix) {
            return true
        }
        return false
    }

    /// Lists `incoming/` and its publisher folders. A file is ready when its marker exists, or
    /// when its size and mtime have not changed for `settleSeconds` as of `nowNanos` (a changing
    /// file gets a new mtime, so the age of the mtime is the time without change).
    package func scan(nowNanos: Int64, settleSeconds: Double) -> SpoolScan {
        var result = SpoolScan()
        let settleNanos = Int64(settleSeconds * 1_000_000_000)
        func visit(_ dir: String, publisher: String, allowSubfolders: Bool) {
            let names = Set(FileSystem.list(dir))
            for name in names.sorted() {
                let path = dir + "/" + name
                guard let st = FileSystem.status(path) else { continue }
                if st.isDirectory && allowSubfolders {
                    if name.hasPrefix(".") { continue }
                    if Publisher.isValidName(name) {
                        visit(path, publisher: name, allowSubfolders: false)
                    } else {
                        result.refused.append(
                            (path, "publisher folder name is not a plain folder name (letters, digits, . _ -)"))
                    }
                    continue
                }
                guard st.isRegular, !Spool.isIgnoredName(name) else { continue }
                guard BatchFile.format(ofName: name) != nil || names.contains(name + ".ready") else {
                    result.refused.append(
                        (path, "not a batch file name (.csv, .jsonl or .ndjson, each optionally .gz); "
                            + "a <name>.ready file beside it has it read anyway"))
                    continue
                }
                let file = IncomingFile(
                    path: path, name: name, publisher: publisher, size: st.size, mtimeNanos: st.mtimeNanos,
                    hasMarker: names.contains(name + ".ready"))
                if file.hasMarker || nowNanos - st.mtimeNanos >= settleNanos {
                    result.ready.append(file)
                } else {
                    result.settling.append(file)
                }
            }
        }
        visit(incoming, publisher: Publisher.defaultName, allowSubfolders: true)
        result.ready.sort { ($0.mtimeNanos, $0.path) < ($1.mtimeNanos, $1.path) }
        return result
    }
}
