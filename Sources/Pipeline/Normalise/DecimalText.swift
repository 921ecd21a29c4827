/// A decimal number read from text, kept as significant digits and a decimal point position so no
/// precision is lost (amounts are never parsed through `Double`).
///
/// The value is `0.d1 d2 … dn × 10^point` with `d1 != 0`, trailing zeros removed; zero has no digits.
package struct DecimalText: Sendable, Equatable {
    package var isNegative: Bool
    /// Significant digits as ASCII bytes (at most ``maxDigits``).
    package var digits: [UInt8]
    /// Where the decimal point goes, counted in digits from the left (may be ≤ 0 or > `digits.count`).
    package var point: Int

    /// More would not survive a JSON reader's `Double` on the API side.
    package static let maxDigits = 15

    package var isZero: Bool { digits.isEmpty }
    package var isWhole: Bool { point >= digits.count }

    /// The canonical JSON literal: no exponent, no leading or trailing zeros (`385000`, `285.5`, `0.25`).
    package var canonical: String {
        var out: [UInt8] = []
        out.reserveCapacity(digits.count + max(0, point - digits.count) + max(0, -point) + 3)
        if isNegative, !isZero { out.append(UInt8(ascii: "-")) }
        if isZero {
            out.append(UInt8(ascii: "0"))
        } else if point <= 0 {
            out.append(contentsOf: "0.".utf8)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
            out.append(contentsOf: digits)
        } else if point >= digits.count {
            out.append(contentsOf: digits)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: point - digits.count))
        } else {
            out.append(contentsOf: digits[..<point])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[point...])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value as an integer when it is whole and fits.
    package var integerValue: Int? {
        guard isWhole, point <= 18 else { return nil }
        var value = 0
        for digit in digits { value = value * 10 + Int(digit - 0x30) }
        for _ in digits.count..<max(point, digits.count) { value *= 10 }
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

        var digits: [UInt8] = []
        var point = 0
        var integerDigits = 0
        var groupLength = -1  // digits since the last thousands separator; -1 before the first one
        var firstGroup = 0
        while i < end {
            let byte = bytes[i]
            if UTF8Bytes.isDigit(byte) {
                integerDigits += 1
                if groupLength >= 0 { groupLength += 1 } else { firstGroup += 1 }
                if byte != UInt8(ascii: "0") || !digits.isEmpty { digits.append(byte) }
                if !digits.isEmpty { point += 1 }
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
                if bytes[i] != UInt8(ascii: "0") || !digits.isEmpty {
                    digits.append(bytes[i])
                } else {
                    point -= 1
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
            point += exponentNegative ? -exponent : exponent
        }
        if i != end { return .failure(.notANumber) }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.count > maxDigits || (!digits.isEmpty && point > maxDigits) || point < -maxDigits {
            return digits.isEmpty ? .success(DecimalText(isNegative: negative, digits: [], point: 0))
                : .failure(.tooManyDigits)
        }
        return .success(DecimalText(isNegative: negative, digits: digits, point: digits.isEmpty ? 0 : point))
    }
}
