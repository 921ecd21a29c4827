import Ingest

/// A decimal number read from text, kept as significant digits and a decimal point position so no
/// precision is lost (amounts are never parsed through `Double`).
///
/// The value is `0.d1 d2 … dn × 10^point` with `d1 != 0`, trailing zeros removed; zero has no digits.
package struct DecimalText: Sendable {
    package var isNegative: Bool
    /// Significant digits as ASCII bytes, in `storage` (no heap allocation).
    private var storage: (UInt64, UInt64) = (0, 0)
    package private(set) var digitCount = 0
    /// Where the decimal point goes, counted in digits from the left (may be ≤ 0 or > `digitCount`).
    package private(set) var point = 0

    /// More would not survive a JSON reader's `Double` on the API side.
    package static let maxDigits = 15

    package var isZero: Bool { digitCount == 0 }
    package var isWhole: Bool { point >= digitCount }

    private init(isNegative: Bool) { self.isNegative = isNegative }

    private func digit(_ i: Int) -> UInt8 {
        withUnsafeBytes(of: storage) { $0[i] }
    }

    private mutating func append(_ digit: UInt8) {
        let i = digitCount
        withUnsafeMutableBytes(of: &storage) { $0[i] = digit }
        digitCount += 1
    }

    /// The canonical JSON literal: no exponent, no leading or trailing zeros (`385000`, `285.5`, `0.25`).
    package var canonical: String {
        if isZero { return "0" }
        let sign = isNegative ? 1 : 0
        let n = digitCount
        let length: Int
        if point <= 0 {
            length = sign + 2 - point + n
        } else if point >= n {
            length = sign + point
        } else {
            length = sign + n + 1
        }
        return UTF8Bytes.build(count: length) { out in
            var o = 0
            if sign == 1 {
                out[0] = UInt8(ascii: "-")
                o = 1
            }
            if point <= 0 {
                out[o] = UInt8(ascii: "0")
                out[o + 1] = UInt8(ascii: ".")
                o += 2
                for _ in 0..<(-point) {
                    out[o] = UInt8(ascii: "0")
                    o += 1
                }
            }
            for i in 0..<n {
                if i == point, point > 0 {
                    out[o] = UInt8(ascii: ".")
                    o += 1
                }
                out[o] = digit(i)
                o += 1
            }
            while o < length {
                out[o] = UInt8(ascii: "0")
                o += 1
            }
        }
    }

    /// The value as an integer when it is whole (it always fits: at most 15 integer digits).
    package var integerValue: Int? {
        guard isWhole else { return nil }
        var value = 0
        for i in 0..<digitCount { value = value * 10 + Int(digit(i) - 0x30) }
        for _ in digitCount..<max(point, digitCount) { value *= 10 }
        return isNegative ? -value : value
    }

    package enum Failure: Error, Sendable, Equatable {
        case notANumber
        case tooManyDigits
    }

    /// Parses `[sign] [$] digits [. digits] [e|E [sign] digits]` with surrounding whitespace.
    /// With `money`, a `$` (before or after the sign, optionally followed by spaces) and thousands
    /// separators in proper groups of three (`385,000`, not `1,5`) are accepted.
    package static func parse(_ text: String, money: Bool) -> Result<DecimalText, Failure> {
        UTF8Bytes.with(text) { parse($0, money: money) }
    }

    static func parse(_ bytes: UTF8Bytes.Buffer, money: Bool) -> Result<DecimalText, Failure> {
        let range = UTF8Bytes.trimmed(bytes)
        var i = range.lowerBound
        let end = range.upperBound
        var negative = false
        var sawSign = false
        var sawDollar = false
        while i < end {
            let byte = bytes[i]
            if !sawSign, byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                negative = byte == UInt8(ascii: "-")
                sawSign = true
            } else if money, !sawDollar, byte == UInt8(ascii: "$") {
                sawDollar = true
                while i + 1 < end, bytes[i + 1] == 0x20 { i += 1 }
            } else {
                break
            }
            i += 1
        }

        var number = DecimalText(isNegative: negative)
        var pendingZeros = 0  // zeros after the first significant digit, written when a non-zero follows
        var overflow = false
        @inline(__always)
        func significant(_ byte: UInt8) {
            if byte == UInt8(ascii: "0") {
                pendingZeros += 1
                return
            }
            if number.digitCount + pendingZeros + 1 > maxDigits {
                overflow = true
                return
            }
            for _ in 0..<pendingZeros { number.append(UInt8(ascii: "0")) }
            pendingZeros = 0
            number.append(byte)
        }
        var integerDigits = 0
        var groupLength = -1  // digits since the last thousands separator; -1 before the first one
        var firstGroup = 0
        while i < end {
            let byte = bytes[i]
            if UTF8Bytes.isDigit(byte) {
                integerDigits += 1
                if groupLength >= 0 { groupLength += 1 } else { firstGroup += 1 }
                if byte != UInt8(ascii: "0") || number.digitCount > 0 { number.point += 1 }
                if number.digitCount > 0 || byte != UInt8(ascii: "0") { significant(byte) }
            } else if money, byte == UInt8(ascii: ",") {
                guard (1...3).contains(firstGroup), groupLength == -1 || groupLength == 3 else {
                    return .failure(.notANumber)
                }
                groupLength = 0
            } else {
                break
            }
            i += 1
        }
        if groupLength >= 0, groupLength != 3 { return .failure(.notANumber) }
        var fractionDigits = 0
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, UTF8Bytes.isDigit(bytes[i]) {
                fractionDigits += 1
                if number.digitCount == 0, bytes[i] == UInt8(ascii: "0") {
                    number.point -= 1
                } else {
                    significant(bytes[i])
                }
                i += 1
            }
            if fractionDigits == 0 { return .failure(.notANumber) }
        }
        if integerDigits + fractionDigits == 0 { return .failure(.notANumber) }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponent = 0
            var exponentDigits = 0
            while i < end, UTF8Bytes.isDigit(bytes[i]) {
                exponent = min(exponent * 10 + Int(bytes[i] - 0x30), 10_000)
                exponentDigits += 1
                i += 1
            }
            if exponentDigits == 0 { return .failure(.notANumber) }
            number.point += exponentNegative ? -exponent : exponent
        }
        if i != end { return .failure(.notANumber) }
        if number.isZero {
            number.point = 0
            return .success(number)
        }
        if overflow || number.point > maxDigits || number.point < -maxDigits { return .failure(.tooManyDigits) }
        return .success(number)
    }
}
