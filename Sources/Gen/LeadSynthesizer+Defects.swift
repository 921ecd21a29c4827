import Ingest
import LeadModel

extension LeadSynthesizer {
    /// How phone numbers look in spreadsheets and web forms; `#` takes the next digit.
    private static let phoneTemplates = [
        "(###) ###-####", "###-###-####", "###.###.####", "### ### ####", "+1 ### ### ####", "+1-###-###-####",
        "1-###-###-####", "1##########", "1 (###) ###-####", "+1 (###) ###-####",
    ].map { Array($0.utf8) }

    private static let formulaNames = [
        "=HYPERLINK(\"https://evil.example/x\",\"Click me\")", "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
    ].map { Array($0.utf8) }

    mutating func apply(_ defect: GenDefect, to row: inout GenRow) {
        switch defect {
        case .phoneFormatted:
            writePhone(digits, template: faults.pick(Self.phoneTemplates), into: &row)
        case .phoneExtension:
            writePhone(digits, template: Self.phoneTemplates[faults.below(3)], into: &row)
            let number = faults.inRange(1...9999)
            let marker = faults.pick([" x", " ext. ", " ext ", " X"])
            row.edit(.phone) { out in
                out += marker.utf8
                GenBytes.appendDigits(number, width: 1, to: &out)
            }
        case .phoneExcelExact, .phoneExcelMangled:
            // Excel's General format shows a long number as 8.13555E+09 (six significant digits, the rest
            // lost); its Scientific format with nine decimals keeps all ten, trailing zeros included.
            let withCountryCode = faults.chance(0.3)
            var all: [UInt8] = withCountryCode ? [UInt8(ascii: "1")] : []
            all += digits
            row.clear(.phone, kind: .string)
            row.edit(.phone) { Self.appendScientific(all, significant: defect == .phoneExcelExact ? nil : 6, to: &$0) }
        case .phoneTollFree:
            writePhone(replacingArea(with: faults.pick(GenTables.tollFreeCodes)),
                template: Self.phoneTemplates[faults.below(4)], into: &row)
        case .phoneCanadian:
            writePhone(replacingArea(with: faults.pick(GenTables.canadianCodes)),
                template: Self.phoneTemplates[faults.below(Self.phoneTemplates.count)], into: &row)
        case .duplicateInBatch:
            row.clear(.phone, kind: .string)
            let earlier = lastCleanPhone[verticalIndex]
            row.edit(.phone) { out in
                if options.e164Phones { out += "+1".utf8 }
                out += earlier
            }
        case .zipPlus4:
            let plus4 = faults.inRange(1...9999)
            let separator = faults.chance(0.7) ? UInt8(ascii: "-") : UInt8(ascii: " ")
            row.edit(.zip) { out in
                out.append(separator)
                GenBytes.appendDigits(plus4, width: 4, to: &out)
            }
        case .zipLostZero:
            // The spreadsheet read the ZIP as a number: the JSON export then has a number too.
            let zip = GenTables.zips[faults.below(GenTables.leadingZeroZipCount)]
            row.set(.zip, Array(zip.dropFirst()), kind: .number)
        case .missingZip:
            row.clear(.zip, kind: .null)
        case .emailCaseSpaces:
            writeEmail(style: 3, into: &row)
        case .missingEmail:
            row.clear(.email, kind: .absent)
        case .emailInvalid:
            writeEmail(style: faults.below(3), into: &row)
        case .nameFormula:
            row.set(.firstName, faults.pick(Self.formulaNames))
        case .missingFirstName:
            row.set(.firstName, text: faults.chance(0.5) ? "" : "   ")
        case .consentTextQuotesNewline:
            row.set(.tcpaText, faults.pick(GenTables.hazardousConsentTexts))
        case .tcpaTextMissing:
            row.set(.tcpaText, text: faults.chance(0.5) ? "" : "  ")
        case .tcpaURLInvalid:
            row.set(.tcpaURL, text: faults.pick(["not a url", "www.example.com/quote", "ftp://files.example.com/form"]))
        case .tcpaTimestampVariant, .tcpaTimestampMissing, .tcpaTimestampUnparseable, .tcpaTimestampNoZone,
            .tcpaTimestampFuture, .tcpaTimestampExpired:
            applyTimestamp(defect, to: &row)
        case .verticalCase:
            let name = vertical.rawValue
            let text = faults.chance(0.5) ? name.prefix(1).uppercased() + name.dropFirst() : " \(name.uppercased()) "
            row.set(.vertical, text: text)
        case .verticalUnknown:
            row.set(.vertical, text: faults.pick(["pets", "home_warranty"]))
        case .verticalFieldsCoercible:
            coerceVerticalFields(of: &row)
        case .verticalFieldInvalid:
            breakVerticalField(of: &row)
        }
    }

    private func replacingArea(with areaCode: Int) -> [UInt8] {
        var out: [UInt8] = []
        GenBytes.appendDigits(areaCode, width: 3, to: &out)
        out += digits[3...]
        return out
    }

    private func writePhone(_ number: [UInt8], template: [UInt8], into row: inout GenRow) {
        row.clear(.phone, kind: .string)
        row.edit(.phone) { out in
            var next = 0
            for byte in template {
                if byte == UInt8(ascii: "#") {
                    out.append(number[next])
                    next += 1
                } else {
                    out.append(byte)
                }
            }
        }
    }

    /// `digits` in Excel's scientific notation: rounded to `significant` digits with trailing zeros
    /// dropped (General format), or all digits kept (`nil`): a mantissa shorter than the number then
    /// always means digits were lost.
    static func appendScientific(_ digits: [UInt8], significant: Int?, to out: inout [UInt8]) {
        var mantissa = digits
        var exponent = digits.count - 1
        if let significant, significant < digits.count {
            mantissa = Array(digits.prefix(significant))
            if digits[significant] >= UInt8(ascii: "5") {
                var i = significant - 1
                while i >= 0, mantissa[i] == UInt8(ascii: "9") {
                    mantissa[i] = UInt8(ascii: "0")
                    i -= 1
                }
                if i >= 0 {
                    mantissa[i] += 1
                } else {
                    mantissa.insert(UInt8(ascii: "1"), at: 0)
                    mantissa.removeLast()
                    exponent += 1
                }
            }
        }
        if significant != nil {
            while mantissa.count > 1, mantissa.last == UInt8(ascii: "0") { mantissa.removeLast() }
        }
        out.append(mantissa[0])
        if mantissa.count > 1 {
            out.append(UInt8(ascii: "."))
            out += mantissa[1...]
        }
        out += "E+".utf8
        GenBytes.appendDigits(exponent, width: 2, to: &out)
    }

    /// Style 0–2 are invalid addresses; 3 is a valid one in mixed case with spaces around it.
    private func writeEmail(style: Int, into row: inout GenRow) {
        let first = GenTables.firstNames[firstName].1
        let last = GenTables.lastNames[lastName].1
        let domain = GenTables.emailDomains[emailDomain]
        row.clear(.email, kind: .string)
        row.edit(.email) { out in
            switch style {
            case 0:
                out += first; out += "..".utf8; out += last
                GenBytes.appendDigits(rowNumber, width: 1, to: &out)
                out += "@example".utf8
            case 1:
                out += first; out += ".".utf8; out += last
                GenBytes.appendDigits(rowNumber, width: 1, to: &out)
                out.append(UInt8(ascii: "."))
                out += domain
            case 2:
                out += first; out += " ".utf8; out += last
                GenBytes.appendDigits(rowNumber, width: 1, to: &out)
                out.append(UInt8(ascii: "@"))
                out += domain
            default:
                out.append(UInt8(ascii: " "))
                out.append(first[0] - 32)
                out += first.dropFirst()
                out.append(UInt8(ascii: "."))
                out.append(last[0] - 32)
                out += last.dropFirst()
                GenBytes.appendDigits(rowNumber, width: 1, to: &out)
                out.append(UInt8(ascii: "@"))
                out += domain.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }
                out.append(UInt8(ascii: " "))
            }
        }
    }

    private mutating func applyTimestamp(_ defect: GenDefect, to row: inout GenRow) {
        let style = faults.below(3)
        var time = consentTime
        switch defect {
        case .tcpaTimestampFuture: time = options.now + Int64(faults.inRange(3600...(10 * 86_400)))
        case .tcpaTimestampExpired: time = options.now - 200 * 86_400 - Int64(faults.inRange(0...86_400))
        default: break
        }
        let offsetHours = faults.pick([-4, -5, -7, -8, 0])
        let millis = faults.below(1000)
        let word = faults.pick(["yesterday", "last Tuesday"])
        row.clear(.tcpaTimestamp, kind: .string)
        row.edit(.tcpaTimestamp) { out in
            switch defect {
            case .tcpaTimestampVariant:
                switch style {
                case 0:
                    GenBytes.appendDateTime(time + Int64(offsetHours * 3600), separator: UInt8(ascii: "T"), to: &out)
                    out.append(offsetHours < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                    GenBytes.appendDigits(abs(offsetHours), width: 2, to: &out)
                    out += ":00".utf8
                case 1:
                    GenBytes.appendDateTime(time, separator: UInt8(ascii: " "), to: &out)
                    out.append(UInt8(ascii: "Z"))
                default:
                    GenBytes.appendDateTime(time, separator: UInt8(ascii: "T"), to: &out)
                    out.append(UInt8(ascii: "."))
                    GenBytes.appendDigits(millis, width: 3, to: &out)
                    out.append(UInt8(ascii: "Z"))
                }
            case .tcpaTimestampNoZone:
                GenBytes.appendDateTime(time, separator: style == 0 ? UInt8(ascii: "T") : UInt8(ascii: " "), to: &out)
            case .tcpaTimestampUnparseable:
                if style == 0 {
                    out += word.utf8
                } else {
                    // A US-style date as a spreadsheet shows it: no ISO 8601, no zone.
                    let days = time / 86_400
                    let (year, month, day) = UTCTime.civil(fromDays: days)
                    GenBytes.appendDigits(month, width: 2, to: &out)
                    out.append(UInt8(ascii: "/"))
                    GenBytes.appendDigits(day, width: 2, to: &out)
                    out.append(UInt8(ascii: "/"))
                    GenBytes.appendDigits(Int(year), width: 4, to: &out)
                }
            case .tcpaTimestampMissing:
                break
            default:
                GenBytes.appendISO8601(time, to: &out)
            }
        }
    }

    private mutating func coerceVerticalFields(of row: inout GenRow) {
        switch vertical {
        case .insurance:
            row.set(.vehicleYear, text: String(vehicleYear))
            let yes = faults.chance(0.5) ? "yes" : "1"
            let no = faults.chance(0.5) ? "no" : "0"
            row.set(.homeowner, text: homeowner ? yes : no)
        case .mortgage:
            row.clear(.loanAmount, kind: .string)
            row.edit(.loanAmount) { GenBytes.appendCurrency(loanAmount, to: &$0) }
        case .solar:
            row.clear(.monthlyElectricBill, kind: .string)
            row.edit(.monthlyElectricBill) { GenBytes.appendCurrency(electricBill, to: &$0) }
        case .debt:
            break
        }
    }

    private mutating func breakVerticalField(of row: inout GenRow) {
        switch vertical {
        case .insurance:
            switch faults.below(3) {
            case 0: row.set(.vehicleYear, text: "20x1")
            case 1: row.set(.vehicleYear, text: "1875", kind: .number)
            default: row.set(.homeowner, text: "maybe")
            }
        case .mortgage:
            row.set(.loanAmount, text: faults.chance(0.5) ? "-5" : "0", kind: .number)
        case .solar:
            row.set(.monthlyElectricBill, text: faults.chance(0.5) ? "-5" : "0", kind: .number)
        case .debt:
            break
        }
    }
}
