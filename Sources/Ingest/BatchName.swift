extension BatchFacts {
    /// `<yyyyMMdd'T'HHmmss'Z'>-<upload name>-<first 12 hex of the SHA-256>` for a claim at `claimedAt` of the
    /// file named `uploadName` (CONTRACT §6): the upload name (``BatchName/uploadPart(_:)``) tells a publisher
    /// which report answers which file; the hash stays last, so a name still ends in what identifies the
    /// content. An upload name with nothing left after sanitising gives `<time>-<hash>`.
    package func batchName(claimedAt unixSeconds: Int64, uploadName: String) -> String {
        let part = BatchName.uploadPart(uploadName)
        return UTCTime.compact(unixSeconds) + "-" + (part.isEmpty ? "" : part + "-") + sha256.prefix(12)
    }
}

/// The upload name's part of a batch name.
package enum BatchName {
    /// At most this many characters of the upload name.
    package static let maxUploadCharacters = 40

    /// The upload name without its folder and its `.gz`, `.csv`, `.jsonl` or `.ndjson` suffixes, every
    /// character outside `[A-Za-z0-9._-]` (spaces, accents, quotes, control characters) as `_` with runs of
    /// `_` made one, no `.`, `_` or `-` at either end (a name never looks hidden or like an option), cut to
    /// ``maxUploadCharacters``.
    package static func uploadPart(_ uploadName: String) -> String {
        var name = Substring(uploadName.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        for suffix in [".gz", ".csv", ".jsonl", ".ndjson"] where name.lowercased().hasSuffix(suffix) {
            name = name.dropLast(suffix.count)
        }
        var out: [UInt8] = []
        for scalar in name.unicodeScalars {
            let allowed = scalar.isASCII
                && (("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "." || scalar == "-" || scalar == "_")
            let byte = allowed ? UInt8(scalar.value) : UInt8(ascii: "_")
            if byte == UInt8(ascii: "_"), out.last == UInt8(ascii: "_") { continue }
            out.append(byte)
        }
        func isEdge(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        while let first = out.first, isEdge(first) { out.removeFirst() }
        if out.count > maxUploadCharacters { out.removeLast(out.count - maxUploadCharacters) }
        while let last = out.last, isEdge(last) { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }
}
