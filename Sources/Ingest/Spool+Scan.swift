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

/// A folder in `incoming/` whose name is not a publisher name (`..weird`, `.hidden`, `bad name`): the
/// files in it are not processed.
package struct IgnoredFolder: Sendable, Hashable {
    package var path: String
    package var name: String
    /// Why, for logs and `status`.
    package var reason: String
    /// Regular files directly in it.
    package var files: Int
}

/// What a scan of `incoming/` found.
package struct SpoolScan: Sendable {
    /// Ready to claim, oldest first.
    package var ready: [IncomingFile] = []
    /// Data files still settling.
    package var settling: [IncomingFile] = []
    /// Folders or files refused, with the reason (e.g. a publisher folder with a bad name). Every folder of
    /// `ignoredFolders` is here too.
    package var refused: [(path: String, reason: String)] = []
    /// Folders that are not publisher folders, dot-named ones included, with how many files wait in them.
    package var ignoredFolders: [IgnoredFolder] = []
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

    /// Why a folder of `incoming/` named `name` is not a publisher folder.
    package static func notAPublisherFolder(_ name: String) -> String {
        let rule: String
        if name.hasPrefix(".") || name.hasPrefix("-") {
            rule = "names must not start with \".\" or \"-\""
        } else if name.utf8.count > 64 {
            rule = "names must be at most 64 bytes"
        } else {
            rule = "names must be plain: letters, digits, \".\", \"_\" and \"-\" only"
        }
        return "not a publisher folder: \(rule); files in it are not processed"
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
                    if Publisher.isValidName(name) {
                        visit(path, publisher: name, allowSubfolders: false)
                    } else {
                        // Dot-named folders too: a publisher who uploads into `.acme/` must hear why nothing
                        // happens.
                        let reason = Spool.notAPublisherFolder(name)
                        let files = FileSystem.list(path).count {
                            FileSystem.status(path + "/" + $0)?.isRegular == true
                        }
                        result.refused.append((path, reason))
                        result.ignoredFolders.append(
                            IgnoredFolder(path: path, name: name, reason: reason, files: files))
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
