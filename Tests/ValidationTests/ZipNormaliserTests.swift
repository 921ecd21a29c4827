import Testing
@testable import Validation


@Suite struct ZipNormaliserTests {
    @Test(arguments: [
        ("33602", "33602"),
        ("33602-1234", "33602"),
        ("33602 1234", "33602"),
        ("33602 - 1234", "33602"),
        ("336021234", "33602"),
        (" 33602 ", "33602"),
        ("\t33602\r\n", "33602"),
        ("02134", "02134"),
        ("00501", "00501"),
        ("99950", "99950"),
        ("00601", "00601"),  // Puerto Rico
        ("09001", "09001"),  // APO Europe
    ])
    func zipsInUse(raw: String, zip: String) {
        #expect(ZipNormaliser().check(raw) == .valid(zip))
    }

    @Test(arguments: [
        ("2134", "02134"),
        ("501", "00501"),
        ("2134-1234", "02134"),
        ("2134 1234", "02134"),
        ("21341234", "02134"),
        ("5011234", "00501"),
    ])
    func lostLeadingZerosAreRestored(raw: String, zip: String) {
        #expect(ZipNormaliser().check(raw) == .valid(zip))
        #expect(ZipNormaliser(repair: true, mode: .format).check(raw) == .valid(zip))
    }

    @Test(arguments: [
        ("2134", "not a 5-digit ZIP (4 digits)"),
        ("501", "not a 5-digit ZIP (3 digits)"),
        ("2134-1234", "not a 5-digit ZIP (4 digits)"),
        ("21341234", "not a 5-digit ZIP (4 digits)"),
    ])
    func withoutRepairShortZipsAreInvalid(raw: String, detail: String) {
        #expect(ZipNormaliser(repair: false).check(raw) == .invalid(detail: detail))
        #expect(ZipNormaliser(repair: false, mode: .format).check(raw) == .invalid(detail: detail))
    }

    @Test(arguments: [
        ("00000", "ZIP 00000 is not in use"),
        ("99999", "ZIP 99999 is not in use"),
        ("00000-1234", "ZIP 00000 is not in use"),
        ("01133", "ZIP 01133 is no longer in use"),
        ("1234", "ZIP 01234 (leading zeros restored) is not in use"),
        ("123", "ZIP 00123 (leading zeros restored) is not in use"),
    ])
    func zipsNotInUse(raw: String, detail: String) {
        #expect(ZipNormaliser().check(raw) == .invalid(detail: detail))
    }

    @Test(arguments: [
        "", "   ", "12", "123456", "1234567890", "ABCDE", "K1A 0B6", "33602-12", "33602-12345", "33602--1234",
        "33602-", "-33602", "3360 2", "33602.0", "33 602", "+33602", "33602-ABCD",
    ])
    func notZips(raw: String) {
        #expect(ZipNormaliser().check(raw) == .invalid(detail: "not a 5-digit ZIP"))
        #expect(ZipNormaliser(mode: .format).check(raw) == .invalid(detail: "not a 5-digit ZIP"))
    }

    @Test(arguments: [("00000", "00000"), ("99999", "99999"), ("01133", "01133"), ("1234", "01234")])
    func formatModeAcceptsAnyFiveDigits(raw: String, zip: String) {
        #expect(ZipNormaliser(mode: .format).check(raw) == .valid(zip))
    }

    @Test func formatModePadsOnlyOntoAZipPrefixInUse() {
        #expect(
            ZipNormaliser(mode: .format).check("123")
                == .invalid(detail: "ZIP 00123 (leading zeros restored) has no ZIP prefix in use"))
    }

    @Test func tableDecodesAsTheGeneratorCountedIt() {
        let directory = ZipDirectory.shared
        #expect(directory.inUseCount == ZipTable.generatorInUseCount)
        #expect(directory.retiredCount == ZipTable.generatorRetiredCount)
        #expect(directory.prefixCount == ZipTable.generatorPrefixCount)
        #expect(directory.isInUse(33602) && !directory.isInUse(0) && directory.isRetired(1133))
    }
}
