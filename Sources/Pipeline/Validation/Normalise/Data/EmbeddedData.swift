/// Decoding of the generated table literals (base64, range lists), done once per table.
enum EmbeddedData {
    /// Decodes standard base64, skipping whitespace and newlines (the literals are wrapped).
    /// The text is generated, so a character outside the alphabet is a generator bug: it traps.
    static func base64(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="), UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"): continue
            default: preconditionFailure("generated base64 table has byte \(byte)")
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }

    /// `"211,311,560-600"` → 211, 311, 560, 561, ..., 600.
    static func ranges(_ text: String) -> [Int] {
        var result: [Int] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", maxSplits: 1).map { Int($0)! }
            result.append(contentsOf: bounds[0]...(bounds.count == 2 ? bounds[1] : bounds[0]))
        }
        return result
    }
}
