/// A small RFC 4180 reader for checking outputs in tests: quoted cells with doubled quotes, commas and
/// line breaks inside quotes, CRLF or LF line ends, a leading UTF-8 BOM skipped. Not the product's
/// reader: tests must not check the product with itself.
func parseCSV(_ text: String, delimiter: UInt8 = UInt8(ascii: ",")) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var cell: [UInt8] = []
    var bytes = Array(text.utf8)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var i = 0
    var inQuotes = false
    var cellStarted = false
    func endCell() {
        record.append(String(decoding: cell, as: UTF8.self))
        cell.removeAll()
        cellStarted = false
    }
    while i < bytes.count {
        let byte = bytes[i]
        if inQuotes {
            if byte == UInt8(ascii: "\"") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                    cell.append(byte)
                    i += 1
                } else {
                    inQuotes = false
                }
            } else {
                cell.append(byte)
            }
        } else {
            switch byte {
            case UInt8(ascii: "\""): inQuotes = true; cellStarted = true
            case delimiter: endCell(); cellStarted = true
            case 0x0D, 0x0A:
                if byte == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                endCell()
                records.append(record)
                record.removeAll()
            default: cell.append(byte); cellStarted = true
            }
        }
        i += 1
    }
    if cellStarted || !cell.isEmpty || !record.isEmpty {
        endCell()
        records.append(record)
    }
    return records
}
