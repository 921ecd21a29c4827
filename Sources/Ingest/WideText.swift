/// Recognises UTF-16 and UTF-32 text by its first bytes, so such a file is quarantined with a reason a
/// publisher can act on, rather than as "not a text file" (its ASCII characters carry NUL bytes).
enum WideText {
    /// The encoding's name when `bytes` (the file's first bytes, at least 4 when the file has them) start
    /// with its byte order mark, or look like ASCII in it; `nil` otherwise.
    static func encoding(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.count >= 2 else { return nil }
        let b = Array(bytes.prefix(4))
        if b.count == 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0 { return "UTF-32" }
        if b.count == 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF { return "UTF-32" }
        if b[0] == 0xFF && b[1] == 0xFE { return "UTF-16" }
        if b[0] == 0xFE && b[1] == 0xFF { return "UTF-16" }
        guard b.count == 4 else { return nil }
        if b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0 { return "UTF-16" }
        if b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0 { return "UTF-16" }
        return nil
    }

    static func reason(_ encoding: String) -> String {
        "the file is \(encoding) text, not UTF-8 (a spreadsheet's \"Unicode Text\" export?): save it as \"CSV UTF-8\""
    }
}
