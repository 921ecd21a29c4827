import Ingest

/// Splits CSV that leadspool wrote (RFC 4180 in the file's dialect: quoted cells may hold the delimiter, CR
/// and LF; rows end in CRLF, or LF, outside quotes) into rows, fed in chunks of any size. Each row is handed
/// over whole, its line end included, with the offset where its last cell starts. Memory is bounded by the
/// longest row that spans chunks.
struct CSVRowSplitter {
    let dialect: CSVDialect
    /// The start of a row that the previous chunks did not complete.
    private var carried: [UInt8] = []
    private var inQuotes = false
    /// Offset of the current row's last cell, counted from the row's start (carried bytes included).
    private var lastCell = 0
    private var previousWasCR = false

    init(dialect: CSVDialect) { self.dialect = dialect }

    /// True when no partial row is pending (every byte fed so far belonged to a complete row).
    var isEmpty: Bool { carried.isEmpty }

    mutating func feed(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void
    ) throws {
        var rowStart = 0
        for i in bytes.indices {
            let byte = bytes[i]
            defer { previousWasCR = byte == 0x0D }
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
                continue
            }
            if inQuotes { continue }
            if byte == dialect.delimiter {
                lastCell = carried.count + i + 1 - rowStart
            } else if byte == 0x0A, previousWasCR || !dialect.crlf {
                let piece = UnsafeBufferPointer(rebasing: bytes[rowStart...i])
                if carried.isEmpty {
                    try body(piece, lastCell)
                } else {
                    carried.append(contentsOf: piece)
                    try carried.withUnsafeBufferPointer { try body($0, lastCell) }
                    carried.removeAll(keepingCapacity: true)
                }
                rowStart = i + 1
                lastCell = 0
            }
        }
        carried.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[rowStart...]))
    }
}
