import Foundation
import LeadModel
import Testing
@testable import Validation


@Suite struct PhoneNormaliserTests {
    @Test(arguments: [
        // Plain and punctuated forms.
        ("8135550100", "+18135550100"),
        ("(813) 555-0100", "+18135550100"),
        ("813.555.0100", "+18135550100"),
        ("813 555 0100", "+18135550100"),
        ("813/555/0100", "+18135550100"),
        ("  813-555-0100\t", "+18135550100"),
        // Country code and the US exit code.
        ("+1 813 555 0100", "+18135550100"),
        ("+1 (813) 555-0100", "+18135550100"),
        ("1-813-555-0100", "+18135550100"),
        ("1 (813) 555 0100", "+18135550100"),
        ("+18135550100", "+18135550100"),
        ("011 1 813 555 0100", "+18135550100"),
        // The country code typed twice.
        ("+1 1 813 555 0100", "+18135550100"),
        ("(+1) 18135550100", "+18135550100"),
        ("1 1 (813) 555-0100", "+18135550100"),
        // Extensions are dropped.
        ("813-555-0100 x123", "+18135550100"),
        ("813-555-0100x123", "+18135550100"),
        ("813-555-0100 X 12", "+18135550100"),
        ("813-555-0100 ext. 123", "+18135550100"),
        ("813-555-0100 ext 123", "+18135550100"),
        ("813-555-0100 EXT:45", "+18135550100"),
        ("813-555-0100 extension 123", "+18135550100"),
        ("813-555-0100 #123", "+18135550100"),
        ("+1 813 555 0100;ext=77", "+18135550100"),
        // Unicode dashes, no-break spaces, full-width digits.
        ("813\u{2013}555\u{2013}0100", "+18135550100"),
        ("813\u{00A0}555\u{00A0}0100", "+18135550100"),
        ("\u{FEFF}813-555-0100", "+18135550100"),
        ("\u{FF18}\u{FF11}\u{FF13}5550100", "+18135550100"),
        // Scientific notation with every digit: repaired.
        ("1.8135550100E+10", "+18135550100"),
        ("8.135550100E+09", "+18135550100"),
        ("8,135550100e9", "+18135550100"),
        ("1.81355501000E+10", "+18135550100"),
        (" 8.135550100E+09 ", "+18135550100"),
        // Area codes whose exchanges are only partly US lines, on the valid side.
        ("983-200-1234", "+19832001234"),
        ("983-700-1234", "+19837001234"),
        ("212-555-0100", "+12125550100"),
        ("907-555-0100", "+19075550100"),
        ("808-555-0100", "+18085550100"),
    ])
    func validNumbers(raw: String, e164: String) {
        #expect(PhoneNormaliser.check(raw) == .valid(e164: e164))
    }

    @Test(arguments: [
        // Not US lines.
        ("800-555-0100", "toll-free number"),
        ("1-888-555-0100", "toll-free number"),
        ("+1 833 555 0100", "toll-free number"),
        ("900-555-0100", "premium-rate number"),
        ("500-555-0100", "personal number"),
        ("533-555-0100", "personal number"),
        // Numbering plan rules.
        ("999-555-0100", "area code 999 is not assigned"),
        ("555-555-0100", "area code 555 is not assigned"),
        ("911-555-0100", "area code 911 is an N11 service code"),
        ("211-555-0100", "area code 211 is an N11 service code"),
        ("113-555-0100", "area code 113 cannot start with 0 or 1"),
        ("013-555-0100", "area code 013 cannot start with 0 or 1"),
        ("813-055-0100", "exchange 055 cannot start with 0 or 1"),
        ("813-155-0100", "exchange 155 cannot start with 0 or 1"),
        ("800-155-0100", "exchange 155 cannot start with 0 or 1"),
        ("983-600-1234", "exchange 600 is not in use in area code 983"),
        ("524-560-1234", "exchange 560 is not in use in area code 524"),
        // Letters, symbols, digit counts.
        ("1-800-FLOWERS", "contains letters"),
        ("813-555-HELP", "contains letters"),
        ("tel:8135550100", "contains letters"),
        ("813-555-0100 x", "contains letters"),
        ("813-555-0100 ext. 12 office", "contains letters"),
        ("813-555-01é0", "contains letters"),
        ("\u{260E} 813-555-0100", "contains unexpected characters"),
        ("", "no digits"),
        ("   ", "no digits"),
        ("(--)", "no digits"),
        ("555-0100", "has 7 digits, not 10"),
        ("813-555-01000", "has 11 digits, not 10"),
        ("001 813 555 0100", "has 13 digits, not 10"),
        ("8135550100813555010081355501008135550100", "has 40 digits, too many"),
        ("+1 813 555 010", "+1 with 9 digits, not 10"),
        ("+1 2 813 555 0100", "+1 with 11 digits, not 10"),
        ("2 1 813 555 0100", "has 12 digits, not 10"),
        ("+0 813 555 0100", "unknown country code"),
        ("+999 1234 5678", "unknown country code"),
        ("1.234E+3", "has 4 digits, not 10"),
        ("1.5E+2", "scientific notation, not a phone number"),
        ("8.1355501001E+09", "scientific notation of a fraction, not a phone number"),
    ])
    func invalidNumbers(raw: String, detail: String) {
        #expect(PhoneNormaliser.check(raw) == .invalid(.phoneInvalid, detail: detail))
    }

    @Test(arguments: [
        ("416-555-0100", "Canadian number (area code 416)"),
        ("+1 (604) 555-0100", "Canadian number (area code 604)"),
        ("787-555-0100", "Puerto Rico number (area code 787)"),
        ("671-555-0100", "Guam number (area code 671)"),
        ("340-555-0100", "U.S. Virgin Islands number (area code 340)"),
        ("876-555-0100", "Jamaica number (area code 876)"),
        ("809-555-0100", "Dominican Republic number (area code 809)"),
        ("+44 20 7946 0958", "United Kingdom number (+44)"),
        ("+52 55 1234 5678", "Mexico number (+52)"),
        ("011 44 20 7946 0958", "United Kingdom number (+44)"),
        ("+7 495 123 45 67", "Russia number (+7)"),
        ("+353 1 234 5678", "Ireland number (+353)"),
        ("+800 1234 5678", "international service number (+800)"),
    ])
    func notUSNumbers(raw: String, detail: String) {
        #expect(PhoneNormaliser.check(raw) == .invalid(.phoneNotUS, detail: detail))
    }

    @Test(arguments: ["1.81356E+10", "8.13555E+09", "8,13555E+09", "1.813555e10", "1E+10", "8.1355501E+09"])
    func scientificNotationThatLostDigits(raw: String) {
        #expect(
            PhoneNormaliser.check(raw)
                == .invalid(.phoneExcelMangled, detail: "digits lost to spreadsheet scientific notation"))
    }

    @Test func everyKindOfAreaCodeDecodesAsTheGeneratorCountedIt() {
        let plan = NANPPlan.shared
        var counts: [Character: Int] = [:]
        for npa in 0..<1000 {
            let char: Character
            switch plan.kind(areaCode: npa) {
            case .unassigned: char = "."
            case .usLine: char = "U"
            case .tollFree: char = "T"
            case .premiumRate: char = "$"
            case .personal: char = "P"
            case .otherRegion:
                char = Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(plan.regionIndex(areaCode: npa))))
            }
            counts[char, default: 0] += 1
        }
        #expect(counts == NANPTable.generatorCounts)
        #expect(plan.exceptionAreaCodeCount == NANPTable.generatorExceptionAreaCodeCount)
        #expect(plan.countryNames.compactMap { $0 }.count == NANPTable.generatorCountryCodeCount)
        #expect(plan.regionCodes.count == plan.regionNames.count)
        #expect(plan.regionCodes[plan.regionIndex(areaCode: 416)] == "CA")
    }

    /// The bridge for scripts/oracle_phone.py: with LEADSPOOL_ORACLE_INPUT set, checks every line of that file
    /// and writes `input<TAB>E.164-or-code` lines to LEADSPOOL_ORACLE_OUTPUT; without, runs on a small sample.
    @Test func oracleBatch() throws {
        let environment = ProcessInfo.processInfo.environment
        if let input = environment["LEADSPOOL_ORACLE_INPUT"], let output = environment["LEADSPOOL_ORACLE_OUTPUT"] {
            let lines = try String(contentsOfFile: input, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false)
            let answers = Self.oracleAnswers(lines.last == "" ? lines.dropLast() : lines[...])
            try answers.write(toFile: output, atomically: true, encoding: .utf8)
            #expect(answers.split(separator: "\n").count == lines.count - (lines.last == "" ? 1 : 0))
        } else {
            let sample = ["+1 813 555 0100", "800-555-0100", "416-555-0100", "1.81356E+10"]
            #expect(
                Self.oracleAnswers(sample.map { Substring($0) }[...])
                    == "+1 813 555 0100\t+18135550100\n800-555-0100\tPHONE_INVALID\n"
                    + "416-555-0100\tPHONE_NOT_US\n1.81356E+10\tPHONE_EXCEL_MANGLED\n")
        }
    }

    static func oracleAnswers(_ lines: ArraySlice<Substring>) -> String {
        var text = ""
        for line in lines {
            text += line
            text += "\t"
            switch PhoneNormaliser.check(String(line)) {
            case .valid(let e164): text += e164
            case .invalid(let code, _): text += code.rawValue
            }
            text += "\n"
        }
        return text
    }
}
