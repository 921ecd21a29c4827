/// The state (USPS code: `FL`, `NY`, `DC`, `PR`, ...) of a 5-digit ZIP, from ``ZipStateTable``.
package enum ZipState {
    /// Two bytes per prefix 000...999.
    private static let prefixBytes: [UInt8] = Array(ZipStateTable.prefixes.utf8.filter { $0 > 0x20 })

    /// Every state code the table knows.
    package static let codes: Set<String> = {
        var codes = Set(ZipStateTable.exceptions.values)
        for prefix in 0..<1000 { if let code = code(prefix: prefix) { codes.insert(code) } }
        return codes
    }()

    /// The state of `zip` (5 ASCII digits), or `nil` for a ZIP in no known state.
    package static func state(ofZip zip: String) -> String? {
        guard zip.utf8.count == 5, let number = Int(zip) else { return nil }
        if let exception = ZipStateTable.exceptions[number] { return exception }
        return code(prefix: number / 100)
    }

    private static func code(prefix: Int) -> String? {
        let first = prefixBytes[prefix * 2]
        guard first != UInt8(ascii: "-") else { return nil }
        return String(decoding: [first, prefixBytes[prefix * 2 + 1]], as: UTF8.self)
    }
}
