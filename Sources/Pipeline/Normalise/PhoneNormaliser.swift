/// The result of normalising a phone number.
package enum PhoneCheck: Sendable, Equatable {
    /// A valid US consumer number (fixed line or mobile), in E.164 (`+18135550100`).
    case valid(e164: String)
    /// `code` is `PHONE_INVALID`, `PHONE_NOT_US` or `PHONE_EXCEL_MANGLED`; `detail` says why in a few words
    /// (e.g. `toll-free number`, `area code 999 is not assigned`, `Canadian number`).
    case invalid(ReasonCode, detail: String)
}

/// Phone numbers to E.164, US consumer lines only (CONTRACT §7).
package enum PhoneNormaliser {
    // Interim rule set (10 digits, optional leading 1); the area-code tables replace it.
    package static func check(_ raw: String) -> PhoneCheck {
        var digits: [UInt8] = []
        for byte in raw.utf8 where byte >= 0x30 && byte <= 0x39 { digits.append(byte) }
        if digits.count == 11, digits[0] == UInt8(ascii: "1") { digits.removeFirst() }
        guard digits.count == 10, digits[0] >= UInt8(ascii: "2"), digits[3] >= UInt8(ascii: "2") else {
            return .invalid(.phoneInvalid, detail: "not a 10-digit NANP number")
        }
        return .valid(e164: "+1" + String(decoding: digits, as: UTF8.self))
    }
}
