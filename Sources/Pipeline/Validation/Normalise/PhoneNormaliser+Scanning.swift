import LeadModel

/// The less common shapes of a phone value: extensions, non-ASCII characters, scientific notation.
extension PhoneNormaliser {
    /// The end of an extension marker (`extension`, `ext`, `x`, any case) starting at `index`.
    static func extensionMarkerEnd(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        for marker in ["extension", "ext", "x"] {
            var position = index
            var matched = true
            for expected in marker.utf8 {
                guard position < bytes.count, bytes[position] | 0x20 == expected else {
                    matched = false
                    break
                }
                position += 1
            }
            if matched { return position }
        }
        return nil
    }

    /// Whether the bytes from `start` are the rest of an extension: optional separators
    /// (`.`, `:`, `=`, `-`, `#`, spaces), 1 to 10 digits, then only spaces.
    static func isExtension(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var index = start
        let end = bytes.count
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "="),
                UInt8(ascii: "-"), UInt8(ascii: "#"):
                index += 1
                continue
            default:
                break
            }
            break
        }
        let digitsStart = index
        while index < end, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        guard (1...10).contains(index - digitsStart) else { return false }
        while index < end, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
        return index == end
    }

    /// The Unicode scalar value of the UTF-8 sequence at `index` and its length in bytes.
    /// A truncated or malformed sequence gives U+FFFD (reported as an unexpected character).
    static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let lead = bytes[index]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard length > 1, index + length <= bytes.count else { return (0xFFFD, 1) }
        var scalar = UInt32(lead) & (0x7F >> UInt32(length))
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return (0xFFFD, 1) }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        return (scalar, length)
    }

    /// A value in spreadsheet scientific notation (`1.8135550100E+10`, `8,13555e9`), or `nil` when the
    /// value is not in that shape. Repaired when every digit is there; mangled when the mantissa is
    /// shorter than the number (the lost digits may or may not have been zeros).
    static func scientific(_ bytes: UnsafeBufferPointer<UInt8>) -> PhoneCheck? {
        var start = 0
        var end = bytes.count
        while start < end, isASCIISpace(bytes[start]) { start += 1 }
        while end > start, isASCIISpace(bytes[end - 1]) { end -= 1 }
        var index = start
        if index < end, bytes[index] == UInt8(ascii: "+") { index += 1 }
        guard index < end, bytes[index] &- UInt8(ascii: "1") < 9 else { return nil }
        var digits = DigitRun()
        digits.append(bytes[index] - UInt8(ascii: "0"))
        index += 1
        var fraction = DigitRun()
        var fractionStart = index
        if index < end, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            fractionStart = index
            while index < end, bytes[index] &- UInt8(ascii: "0") < 10 {
                fraction.append(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            guard fraction.count > 0 else { return nil }
        }
        let fractionEnd = index
        guard index < end, bytes[index] | 0x20 == UInt8(ascii: "e") else { return nil }
        index += 1
        if index < end, bytes[index] == UInt8(ascii: "+") { index += 1 }
        var exponent = 0
        let exponentStart = index
        while index < end, bytes[index] &- UInt8(ascii: "0") < 10, index - exponentStart < 3 {
            exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        guard index > exponentStart, index == end else { return nil }

        // Digits past the exponent must be zeros, or the value is not a whole number.
        let kept = min(fraction.count, exponent)
        for position in (fractionStart + kept)..<fractionEnd where bytes[position] != UInt8(ascii: "0") {
            return .invalid(.phoneInvalid, detail: "scientific notation of a fraction, not a phone number")
        }
        let length = 1 + exponent
        if kept < exponent {
            guard length == 10 || length == 11 else {
                return .invalid(.phoneInvalid, detail: "scientific notation, not a phone number")
            }
            return .invalid(.phoneExcelMangled, detail: "digits lost to spreadsheet scientific notation")
        }
        for position in fractionStart..<(fractionStart + kept) {
            digits.append(bytes[position] - UInt8(ascii: "0"))
        }
        return classify(digits, plus: false)
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }
}
