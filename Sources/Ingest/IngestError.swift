/// A run-level or file-level failure of the ingest stage. Record-level problems are values
/// (`RawRecord.unreadable`), never this error.
package struct IngestError: Error, Sendable, CustomStringConvertible {
    package enum Code: String, Sendable {
        /// The file cannot be read as a batch at all; it goes to `failed/`.
        case unreadableFile = "UNREADABLE_FILE"
        /// The operating system refused a read, rename or write; the batch is retried later.
        case io = "IO_ERROR"
        /// The spool is not usable (bad layout, bad publisher name...).
        case spool = "SPOOL_ERROR"
    }

    package var code: Code
    /// Human text; never contains record values.
    package var message: String
    /// The (decompressed) byte offset where reading stopped, when known.
    package var byteOffset: Int?
    /// The line where reading stopped, when known.
    package var line: Int?

    package init(_ code: Code, _ message: String, byteOffset: Int? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.byteOffset = byteOffset
        self.line = line
    }

    /// The message, then where reading stopped: `(line 3, byte 120)`; the byte is left out at the start of
    /// the file, where the line says all.
    package var description: String {
        var place: [String] = []
        if let line { place.append("line \(line)") }
        if let byteOffset, byteOffset > 0 || line == nil { place.append("byte \(byteOffset)") }
        return place.isEmpty ? message : message + " (" + place.joined(separator: ", ") + ")"
    }

    package static func unreadable(_ message: String, byteOffset: Int? = nil, line: Int? = nil) -> IngestError {
        IngestError(.unreadableFile, message, byteOffset: byteOffset, line: line)
    }
}
