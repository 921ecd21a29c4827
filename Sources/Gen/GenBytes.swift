import Ingest

/// Number and time formatting straight into byte arrays: the generator writes millions of cells, and
/// `String(describing:)` or a formatter per cell would dominate its run time.
enum GenBytes {
    /// `value` zero-padded to at least `width` digits (`value >= 0`).
    static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var scratch: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &scratch) { digits in
            repeat {
                digits[count] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                v /= 10
                count += 1
            } while v > 0
            while count < width {
                digits[count] = 0x30
                count += 1
            }
            while count > 0 {
                count -= 1
                out.append(digits[count])
            }
        }
    }

    /// A signed decimal integer.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendDigits(-value, width: 1, to: &out)
        } else {
            appendDigits(value, width: 1, to: &out)
        }
    }

    /// `385000` as `$385,000`, as a spreadsheet's currency format shows it.
    static func appendCurrency(_ value: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "$"))
        if value >= 1000 {
            appendThousands(value / 1000, to: &out)
            out.append(UInt8(ascii: ","))
            appendDigits(value % 1000, width: 3, to: &out)
        } else {
            appendDigits(value, width: 1, to: &out)
        }
    }

    private static func appendThousands(_ value: Int, to out: inout [UInt8]) {
        if value >= 1000 {
            appendThousands(value / 1000, to: &out)
            out.append(UInt8(ascii: ","))
            appendDigits(value % 1000, width: 3, to: &out)
        } else {
            appendDigits(value, width: 1, to: &out)
        }
    }

    /// Date and time of `seconds` as `YYYY-MM-DD<separator>HH:MM:SS`, without a zone.
    static func appendDateTime(_ seconds: Int64, separator: UInt8, to out: inout [UInt8]) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secs = Int(seconds - days * 86_400)
        let (year, month, day) = UTCTime.civil(fromDays: days)
        appendDigits(Int(year), width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(day, width: 2, to: &out)
        out.append(separator)
        appendDigits(secs / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(secs / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(secs % 60, width: 2, to: &out)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    static func appendISO8601(_ seconds: Int64, to out: inout [UInt8]) {
        appendDateTime(seconds, separator: UInt8(ascii: "T"), to: &out)
        out.append(UInt8(ascii: "Z"))
    }
}
