/// Writes generated rows as RFC 4180 CSV: a cell holding `,`, `"`, CR or LF is quoted, with inner
/// quotes doubled; everything else is written as is.
struct CSVRowEncoder {
    let columns: [GenColumn]
    /// Dirty batches imitate a spreadsheet export: header names as people type them, CRLF line ends
    /// and a UTF-8 byte order mark. Clean batches use API field names and LF.
    let spreadsheetStyle: Bool

    func writeHeader(to out: BufferedWriter) throws(GenError) {
        if spreadsheetStyle { try out.append([0xEF, 0xBB, 0xBF]) }
        for (i, column) in columns.enumerated() {
            if i > 0 { try out.append(UInt8(ascii: ",")) }
            try writeCell(Array((spreadsheetStyle ? column.spreadsheetHeader : column.apiName).utf8), to: out)
        }
        try endLine(out)
    }

    func write(_ row: GenRow, to out: BufferedWriter) throws(GenError) {
        var first = true
        for column in columns {
            if !first { try out.append(UInt8(ascii: ",")) }
            first = false
            switch row.kinds[column.rawValue] {
            case .absent, .null: continue
            case .string, .number, .bool: try writeCell(row.cells[column.rawValue], to: out)
            }
        }
        try endLine(out)
    }

    private func endLine(_ out: BufferedWriter) throws(GenError) {
        if spreadsheetStyle { try out.append(UInt8(ascii: "\r")) }
        try out.append(UInt8(ascii: "\n"))
    }

    private func writeCell(_ cell: [UInt8], to out: BufferedWriter) throws(GenError) {
        var needsQuotes = false
        for byte in cell where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else {
            try out.append(cell)
            return
        }
        try out.append(UInt8(ascii: "\""))
        for byte in cell {
            if byte == UInt8(ascii: "\"") { try out.append(byte) }
            try out.append(byte)
        }
        try out.append(UInt8(ascii: "\""))
    }
}
