/// The four verticals the API knows.
package enum Vertical: String, CaseIterable, Sendable, Hashable, Codable {
    case insurance, mortgage, solar, debt

    /// Case-insensitive, surrounding whitespace ignored.
    package init?(parsing text: some StringProtocol) {
        let trimmed = text.trimmingASCIIWhitespace().lowercased()
        self.init(rawValue: trimmed)
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII spaces, tabs, CR and LF.
    package func trimmingASCIIWhitespace() -> Substring {
        let s = Substring(self)
        var start = s.startIndex
        var end = s.endIndex
        while start < end, s[start].isASCIIWhitespaceLike { start = s.index(after: start) }
        while end > start, s[s.index(before: end)].isASCIIWhitespaceLike { end = s.index(before: end) }
        return s[start..<end]
    }
}

extension Character {
    fileprivate var isASCIIWhitespaceLike: Bool {
        self == " " || self == "\t" || self == "\n" || self == "\r" || self == "\r\n"
    }
}
