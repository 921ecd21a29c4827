/// Writes generated rows as JSON Lines: one object per line, keys in column order, values typed as the
/// API types them (or as a spreadsheet-fed export would have them for dirty cells); absent cells are
/// left out.
struct JSONLRowEncoder {
    let columns: [GenColumn]
    private let keys: [[UInt8]]

    init(columns: [GenColumn]) {
        self.columns = columns
        keys = GenColumn.allCases.map { Array("\"\($0.apiName)\":".utf8) }
    }

    func write(_ row: GenRow, to out: BufferedWriter) throws(GenError) {
        try out.append(UInt8(ascii: "{"))
        var first = true
        for column in columns {
            let kind = row.kinds[column.rawValue]
            if case .absent = kind { continue }
            if !first { try out.append(UInt8(ascii: ",")) }
            first = false
            try out.append(keys[column.rawValue])
            switch kind {
            case .absent: break
            case .null: try out.append("null")
            case .number, .bool: try out.append(row.cells[column.rawValue])
            case .string: try writeString(row.cells[column.rawValue], to: out)
            }
        }
        try out.append("}\n")
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private func writeString(_ bytes: [UInt8], to out: BufferedWriter) throws(GenError) {
        try out.append(UInt8(ascii: "\""))
        if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            try out.append(bytes)
            try out.append(UInt8(ascii: "\""))
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): try out.append("\\\"")
            case UInt8(ascii: "\\"): try out.append("\\\\")
            case 0x0A: try out.append("\\n")
            case 0x0D: try out.append("\\r")
            case 0x09: try out.append("\\t")
            case 0..<0x20:
                try out.append("\\u00")
                try out.append(Self.hex[Int(byte >> 4)])
                try out.append(Self.hex[Int(byte & 0x0F)])
            default: try out.append(byte)
            }
        }
        try out.append(UInt8(ascii: "\""))
    }
}
