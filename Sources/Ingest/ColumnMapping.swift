/// Header names a publisher maps to fields outside the alias table (`[publishers.NAME.columns]`), and the
/// columns it leaves unused on purpose (`ignore`), so they are not listed as unrecognised.
///
/// Names are matched as header cells are: case-, space- and punctuation-insensitively.
package struct ColumnMapping: Sendable, Equatable {
    /// Folded header name → field.
    package private(set) var fields: [String: CanonicalField] = [:]
    /// Folded header names.
    package private(set) var ignored: Set<String> = []

    package init() {}

    /// `headers` maps header names as written to fields; later entries win over earlier ones.
    package init(fields headers: [(header: String, field: CanonicalField)], ignore: [String] = []) {
        for (header, field) in headers { map(header, to: field) }
        for header in ignore { self.ignore(header) }
    }

    package mutating func map(_ header: String, to field: CanonicalField) {
        let folded = CanonicalField.fold(header)
        fields[folded] = field
        ignored.remove(folded)
    }

    package mutating func ignore(_ header: String) {
        let folded = CanonicalField.fold(header)
        ignored.insert(folded)
        fields[folded] = nil
    }

    /// This mapping with `other`'s entries added over it (a publisher's own over the `[columns]` of all).
    package func merging(_ other: ColumnMapping) -> ColumnMapping {
        var merged = self
        for (folded, field) in other.fields {
            merged.fields[folded] = field
            merged.ignored.remove(folded)
        }
        for folded in other.ignored {
            merged.ignored.insert(folded)
            merged.fields[folded] = nil
        }
        return merged
    }

    package var isEmpty: Bool { fields.isEmpty && ignored.isEmpty }

    /// The field a header cell is mapped to.
    package func field(for headerCell: some StringProtocol) -> CanonicalField? {
        fields.isEmpty ? nil : fields[CanonicalField.fold(headerCell)]
    }

    package func isIgnored(_ headerCell: some StringProtocol) -> Bool {
        !ignored.isEmpty && ignored.contains(CanonicalField.fold(headerCell))
    }

    /// The TOML table a publisher's mappings go in.
    package static func section(publisher: String) -> String { "[publishers.\(publisher).columns]" }

    /// The TOML line mapping `header` to `field`: `"Zip/Postal" = "zip"`.
    package static func tomlLine(header: String, field: CanonicalField) -> String {
        tomlString(header) + " = \"\(field.rawValue)\""
    }

    /// `text` as a TOML basic string, quotes included.
    package static func tomlString(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }
}
