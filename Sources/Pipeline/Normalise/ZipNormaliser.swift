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
package struct ZipNormaliser: Sendable {
    package var repair: Bool
    package var mode: ZipCheckMode

    package init(repair: Bool = true, mode: ZipCheckMode = .exists) {
        self.repair = repair
        self.mode = mode
    }

    // Interim rule set (format only); the ZIP table replaces it.
    package func check(_ raw: String) -> ZipCheck {
        let trimmed = raw.trimmingASCIIWhitespace()
        let head = trimmed.prefix(5)
        guard head.count == 5, head.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return .invalid(detail: "not a 5-digit ZIP")
        }
        return .valid(String(head))
    }
}
