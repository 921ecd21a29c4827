/// One CSV cell: RFC 4180 quoting and, for text leadspool writes, formula-injection neutralisation.
///
/// Quoting: a cell containing `,` `"` CR or LF (or the file's own delimiter) is wrapped in `"` with
/// inner `"` doubled; any other cell is written as is. Neutralisation (CONTRACT §6): a cell that starts
/// with `=`, `+`, `-`, `@`, TAB or CR gets a leading `'`, so a spreadsheet shows it as text instead of
/// evaluating it.
package enum CSVCell {
    /// The cell as it appears in the file (tests and non-hot paths; rows use the cursor writer).
    package static func encode(_ value: String, neutralise: Bool) -> String {
        withUTF8(value) { bytes in
            let capacity = maxEncodedCount(bytes.count)
            return String(unsafeUninitializedCapacity: capacity) { out in
                write(bytes, neutralise: neutralise, at: out.baseAddress!) - out.baseAddress!
            }
        }
    }

    /// True when a spreadsheet could read a cell starting with `byte` as a formula.
    @inline(__always)
    package static func isFormulaTrigger(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
        default: return false
        }
    }

    /// Upper bound of the encoded size of `n` bytes: quotes, the `'` prefix, every byte doubled.
    @inline(__always)
    static func maxEncodedCount(_ n: Int) -> Int { 2 * n + 3 }

    /// Writes the encoded cell at `cursor` (room for ``maxEncodedCount(_:)`` bytes) and answers the
    /// cursor past it. `delimiter` is the file's cell separator when it is not `,` (`;` or TAB).
    @inline(__always)
    static func write(
        _ bytes: UnsafeBufferPointer<UInt8>, neutralise: Bool, delimiter: UInt8 = UInt8(ascii: ","),
        at cursor: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return cursor }
        var p = cursor
        let prefix = neutralise && isFormulaTrigger(source.pointee)
        if !ByteScan.hasCSVSpecial(bytes) && (delimiter == UInt8(ascii: ",") || !bytes.contains(delimiter)) {
            if prefix {
                p.pointee = UInt8(ascii: "'")
                p += 1
            }
            p.update(from: source, count: bytes.count)
            return p + bytes.count
        }
        p.pointee = UInt8(ascii: "\"")
        p += 1
        if prefix {
            p.pointee = UInt8(ascii: "'")
            p += 1
        }
        for byte in bytes {
            p.pointee = byte
            p += 1
            if byte == UInt8(ascii: "\"") {
                p.pointee = byte
                p += 1
            }
        }
        p.pointee = UInt8(ascii: "\"")
        return p + 1
    }
}

extension OutputBuffer {
    /// Appends one CSV cell (no separator).
    @inline(__always)
    mutating func csvCell(
        _ bytes: UnsafeBufferPointer<UInt8>, neutralise: Bool, delimiter: UInt8 = UInt8(ascii: ",")
    ) throws {
        let bound = CSVCell.maxEncodedCount(bytes.count)
        var p = try reserve(bound)
        p.write(atMost: bound) { CSVCell.write(bytes, neutralise: neutralise, delimiter: delimiter, at: $0) }
        commit(p)
    }

    @inline(__always)
    mutating func csvCell(_ text: String, neutralise: Bool, delimiter: UInt8 = UInt8(ascii: ",")) throws {
        try withUTF8(text) { bytes in try csvCell(bytes, neutralise: neutralise, delimiter: delimiter) }
    }
}
