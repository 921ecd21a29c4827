/// What a header tells about its columns beyond the fields it names: the closest field of a column nobody
/// recognised, and what the rows of a file without a required column should say to fix it.
///
/// A suggestion must be plausible, not merely the least bad: a header matches a field when its words are
/// the field's (or an alias's) words, at least one of them distinctive (`zip`, `lead`, `cell`; not `id`,
/// `date`, `code`), or when it is one typo away from a name (`Emial`, `Frist Name`). A field another
/// column already names is never suggested, and a tie between two fields suggests neither.
package enum ColumnReport {
    /// Fields every lead needs whatever its vertical (`vertical` may come from `default_vertical`).
    package static let requiredFields: [CanonicalField] = [
        .firstName, .lastName, .email, .phone, .zip, .tcpaTimestamp, .tcpaText, .tcpaURL,
    ]

    /// The field an unrecognised header most plausibly means, among the fields not in `present`.
    package static func closestField(to header: String, excluding present: Set<CanonicalField> = [])
        -> CanonicalField?
    {
        let folded = CanonicalField.fold(header)
        guard !folded.isEmpty else { return nil }
        // One typo away from a whole name.
        var typo: Set<CanonicalField> = []
        for (name, field) in foldedNames where !present.contains(field) {
            let allowed = name.count >= 9 ? 2 : name.count >= 5 ? 1 : 0
            if allowed > 0, abs(name.count - folded.count) <= allowed, distance(folded, name) <= allowed {
                typo.insert(field)
            }
        }
        if typo.count == 1 { return typo.first }
        if typo.count > 1 { return nil }
        // Shared words.
        let words = Self.words(header).filter { !stopWords.contains($0) }
        guard !words.isEmpty else { return nil }
        var best: (field: CanonicalField, matched: Int, strong: Int)?
        var tied = false
        for field in CanonicalField.allCases where !present.contains(field) {
            let own = wordsByField[field] ?? []
            var matched = 0
            var strong = 0
            for word in words {
                let hit = own.contains(word)
                    ? word
                    : word.count >= 5 ? own.first { $0.count >= 5 && distance(word, $0) <= 1 } : nil
                guard let hit else { continue }
                matched += 1
                if !weakWords.contains(hit) { strong += 1 }
            }
            guard strong > 0, matched * 2 >= words.count else { continue }
            if let current = best {
                if (matched, strong) > (current.matched, current.strong) {
                    best = (field, matched, strong)
                    tied = false
                } else if (matched, strong) == (current.matched, current.strong) {
                    tied = true
                }
            } else {
                best = (field, matched, strong)
            }
        }
        return tied ? nil : best?.field
    }

    /// The notes of ``Columns/absenceNotes``: one per required field without a column, when some column
    /// was not recognised (it may be that field under a name leadspool does not know).
    static func absenceNotes(names: [String], present: Set<CanonicalField>, unrecognised: [Int], publisher: String)
        -> [CanonicalField: String]
    {
        let absent = requiredFields.filter { !present.contains($0) }
        guard !absent.isEmpty, !unrecognised.isEmpty else { return [:] }
        let suggestions = unrecognised.map { closestField(to: names[$0], excluding: present) }
        var notes: [CanonicalField: String] = [:]
        for field in absent {
            let candidates = zip(unrecognised, suggestions).filter { $0.1 == field }.map { names[$0.0] }
            notes[field] = absenceNote(
                field: field, unrecognised: unrecognised.map { names[$0] }, candidate: candidates.first,
                publisher: publisher)
        }
        return notes
    }

    /// `no column for zip; columns not recognised: Zip/Postal — add "Zip/Postal" = "zip" under
    /// [publishers.default.columns]`.
    package static func absenceNote(
        field: CanonicalField, unrecognised: [String], candidate: String?, publisher: String
    ) -> String {
        let shown = unrecognised.prefix(6).map(shownName).joined(separator: ", ")
            + (unrecognised.count > 6 ? ", …" : "")
        let section = ColumnMapping.section(publisher: publisher)
        let fix =
            if let candidate {
                "add \(ColumnMapping.tomlLine(header: candidate, field: field)) under \(section)"
            } else {
                "if one of them holds \(field.rawValue), map it under \(section): \"<header>\" = \"\(field.rawValue)\""
            }
        return "no column for \(field.rawValue); columns not recognised: \(shown) — \(fix)"
    }

    /// A header name as a message shows it: control characters made spaces, at most 40 characters.
    package static func shownName(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars.prefix(40) {
            out.unicodeScalars.append(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? " " : scalar)
        }
        return name.unicodeScalars.count > 40 ? out + "…" : out
    }

    // MARK: Matching

    /// Words that say nothing about the field (`Phone No.`, `Zip of lead`).
    private static let stopWords: Set<String> = ["no", "nbr", "num", "of", "the", "a", "s"]
    /// Words several kinds of column use: alone they suggest nothing (`Campaign ID`, `Source`, `Date`).
    private static let weakWords: Set<String> = [
        "id", "code", "name", "number", "type", "amount", "date", "time", "text", "url", "source", "page",
        "address", "primary", "range", "e", "consent", "tcpa",
    ]

    private static let foldedNames: [(String, CanonicalField)] = CanonicalField.allCases.flatMap { field in
        ([field.rawValue] + field.aliases).map { (CanonicalField.fold($0), field) }
    }

    private static let wordsByField: [CanonicalField: Set<String>] = {
        var table: [CanonicalField: Set<String>] = [:]
        for field in CanonicalField.allCases {
            for name in [field.rawValue] + field.aliases {
                table[field, default: []].formUnion(words(name))
                table[field, default: []].insert(CanonicalField.fold(name))
            }
        }
        return table
    }()

    /// Lowercased ASCII words: split at anything but letters, and where a lowercase letter meets an uppercase
    /// one (`LeadID` is `lead`, `id`); digits are left out (`Zip5` is `zip`, `Address 2` is `address`).
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var previousLower = false
        func flush() {
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                current.append(byte)
                previousLower = true
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if previousLower { flush() }
                current.append(byte + 32)
                previousLower = false
            default:
                flush()
                previousLower = false
            }
        }
        flush()
        return words
    }

    /// Edit distance with adjacent transpositions (optimal string alignment), on bytes.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}

extension Columns {
    /// Each column that names a field, with that field, in header order (also a column read only where
    /// another column of the same field is blank).
    package var recognised: [(name: String, field: CanonicalField)] {
        names.indices.compactMap { i in
            (fields[i] ?? (unrecognised.contains(i) ? nil : CanonicalField.match(names[i]))).map { (names[i], $0) }
        }
    }

    /// Fields that have a column.
    package var presentFields: Set<CanonicalField> { Set(fields.compactMap { $0 }) }

    /// The closest plausible field of an unrecognised column (see ``ColumnReport/closestField(to:excluding:)``).
    package func suggestion(forColumn index: Int) -> CanonicalField? {
        ColumnReport.closestField(to: names[index], excluding: presentFields)
    }

    /// Required fields without a column.
    package var absentRequiredFields: [CanonicalField] {
        let present = presentFields
        return ColumnReport.requiredFields.filter { !present.contains($0) }
    }
}
