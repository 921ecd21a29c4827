/// How strictly ZIP codes are checked (`zip_check`).
package enum ZipCheckMode: String, Sendable, CaseIterable {
    /// The ZIP must be one in use (from the shipped table).
    case exists
    /// Five digits are enough.
    case format
}

/// The result of normalising a ZIP code.
package enum ZipCheck: Sendable, Equatable {
    case valid(String)
    /// `detail` says why in a few words (e.g. `not a ZIP code in use`).
    case invalid(detail: String)
}

/// ZIP codes to 5 digits (CONTRACT §7).
///
/// Accepted: `12345`, `12345-6789`, `12345 6789`, `123456789`, surrounding spaces. With `repair`, a
/// value whose leading zeros a spreadsheet dropped (`2134`, `501`, `21341234`) gets them back when the
/// result is a real ZIP (mode `.exists`) or starts with a real three-digit ZIP prefix (mode `.format`).
/// In mode `.exists` the ZIP must be in use per the generated `ZipTable` (USPS data via `zipcodes`).
package struct ZipNormaliser: Sendable {
    package var repair: Bool
    package var mode: ZipCheckMode

    package init(repair: Bool = true, mode: ZipCheckMode = .exists) {
        self.repair = repair
        self.mode = mode
    }

    package func check(_ raw: String) -> ZipCheck {
        if let result = raw.utf8.withContiguousStorageIfAvailable(check(utf8:)) {
            return result
        }
        return Array(raw.utf8).withUnsafeBufferPointer(check(utf8:))
    }

    func check(utf8 bytes: UnsafeBufferPointer<UInt8>) -> ZipCheck {
        var start = 0
        var end = bytes.count
        while start < end, Self.isSpace(bytes[start]) { start += 1 }
        while end > start, Self.isSpace(bytes[end - 1]) { end -= 1 }

        // The ZIP: a run of digits.
        var index = start
        var zip = 0
        while index < end, index - start < 9, bytes[index] &- UInt8(ascii: "0") < 10 {
            zip = zip * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        var length = index - start
        if index < end {
            // Then `-` or spaces (or both) and the four digits of ZIP+4.
            guard length <= 5 else { return .invalid(detail: "not a 5-digit ZIP") }
            var separatorEnd = index
            var dashes = 0
            while separatorEnd < end, Self.isSpace(bytes[separatorEnd]) || bytes[separatorEnd] == UInt8(ascii: "-") {
                if bytes[separatorEnd] == UInt8(ascii: "-") { dashes += 1 }
                separatorEnd += 1
            }
            guard dashes <= 1, end - separatorEnd == 4, separatorEnd > index,
                (separatorEnd..<end).allSatisfy({ bytes[$0] &- UInt8(ascii: "0") < 10 })
            else {
                return .invalid(detail: "not a 5-digit ZIP")
            }
        } else if length > 5 {
            // ZIP+4 without separator: 9 digits, or 7-8 when a spreadsheet dropped leading zeros.
            guard length >= 7 else { return .invalid(detail: "not a 5-digit ZIP") }
            zip /= 10_000
            length -= 4
        }
        switch length {
        case 5:
            return settle(zip, padded: false)
        case 3, 4:
            guard repair else { return .invalid(detail: "not a 5-digit ZIP (\(length) digits)") }
            return settle(zip, padded: true)
        default:
            return .invalid(detail: "not a 5-digit ZIP")
        }
    }

    private func settle(_ zip: Int, padded: Bool) -> ZipCheck {
        let text = Self.fiveDigits(zip)
        let directory = ZipDirectory.shared
        switch mode {
        case .exists:
            if directory.isInUse(zip) { return .valid(text) }
            if padded { return .invalid(detail: "ZIP \(text) (leading zeros restored) is not in use") }
            if directory.isRetired(zip) { return .invalid(detail: "ZIP \(text) is no longer in use") }
            return .invalid(detail: "ZIP \(text) is not in use")
        case .format:
            if !padded || directory.hasPrefix(zip / 100) { return .valid(text) }
            return .invalid(detail: "ZIP \(text) (leading zeros restored) has no ZIP prefix in use")
        }
    }

    /// Five ASCII digits; a small string, so no allocation.
    static func fiveDigits(_ zip: Int) -> String {
        String(unsafeUninitializedCapacity: 5) { buffer in
            var rest = zip
            for position in stride(from: 4, through: 0, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            return 5
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }
}
