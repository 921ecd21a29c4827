/// The fields leadspool knows by name. Header cells are matched to these case-, space- and
/// punctuation-insensitively, with the aliases of CONTRACT §5.
package enum CanonicalField: String, CaseIterable, Sendable, Hashable {
    case vertical
    case firstName = "first_name"
    case lastName = "last_name"
    case email
    case phone
    case zip
    case tcpaTimestamp = "tcpa_timestamp"
    case tcpaText = "tcpa_text"
    case tcpaURL = "tcpa_url"
    case ref
    case coverageType = "coverage_type"
    case vehicleYear = "vehicle_year"
    case homeowner
    case loanPurpose = "loan_purpose"
    case loanAmount = "loan_amount"
    case creditRange = "credit_range"
    case monthlyElectricBill = "monthly_electric_bill"
    case roofType = "roof_type"
    case debtAmount = "debt_amount"
    case debtType = "debt_type"

    /// Other spellings accepted for this field (before folding).
    package var aliases: [String] {
        switch self {
        case .firstName: return ["fname", "first", "given_name"]
        case .lastName: return ["lname", "last", "surname", "family_name"]
        case .email: return ["email_address", "e_mail"]
        case .phone:
            return [
                "phone_number", "phone1", "mobile", "mobile_phone", "cell", "cell_phone", "telephone",
                "primary_phone",
            ]
        case .zip: return ["zipcode", "zip_code", "postal_code", "postcode", "postal"]
        case .tcpaTimestamp:
            return ["consent_timestamp", "tcpa_consent_timestamp", "consent_date", "consent_time"]
        case .tcpaText: return ["consent_text", "consent_language", "tcpa_language", "disclosure"]
        case .tcpaURL: return ["consent_url", "page_url", "landing_page", "source_url"]
        case .ref: return ["lead_ref", "external_id", "lead_id_external", "publisher_lead_id"]
        default: return []
        }
    }

    /// Folds a header cell for matching: ASCII letters and digits only, lowercased.
    package static func fold(_ name: some StringProtocol) -> String {
        var out = [UInt8]()
        out.reserveCapacity(name.utf8.count)
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): out.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(byte + 32)
            default: continue
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let byFoldedName: [String: (field: CanonicalField, exact: Bool)] = {
        var table: [String: (field: CanonicalField, exact: Bool)] = [:]
        for field in CanonicalField.allCases {
            table[fold(field.rawValue)] = (field, true)
            for alias in field.aliases { table[fold(alias)] = (field, false) }
        }
        return table
    }()

    /// The field a header cell names, if any.
    package static func match(_ headerCell: some StringProtocol) -> CanonicalField? {
        byFoldedName[fold(headerCell)]?.field
    }

    /// The field a header cell names, and whether by the field's own name (`exact`) or by an alias.
    package static func matchWithKind(_ headerCell: some StringProtocol) -> (field: CanonicalField, exact: Bool)? {
        byFoldedName[fold(headerCell)]
    }
}

/// The columns of a batch: their names as written and the recognised field of each.
package final class Columns: Sendable {
    /// Header cells exactly as written in the file (JSONL: the keys, in first-seen order).
    package let names: [String]
    /// The recognised field of each column, `nil` for unknown columns.
    package let fields: [CanonicalField?]
    private let indexByField: [CanonicalField: Int]
    /// Columns that name a field another column took, in the same order of preference: read when the
    /// chosen column is empty in a record (a file with `phone` twice, or `phone` and `mobile`).
    private let fallbacksByField: [CanonicalField: [Int]]
    /// The separators of the CSV file the names came from; `nil` for JSONL keys.
    package let dialect: CSVDialect?
    /// The publisher whose mapping was applied (named in the hints of ``ColumnReport``).
    package let publisher: String
    /// Columns that name no field, by the alias table or the publisher's mapping, and are not ignored on
    /// purpose, in header order.
    package let unrecognised: [Int]
    /// For each required field without a column, the note its rows' "missing" reason carries (see
    /// ``ColumnReport``); empty when every required field has a column or every column was recognised.
    package let absenceNotes: [CanonicalField: String]

    package init(
        names: [String], dialect: CSVDialect? = nil, mapping: ColumnMapping = ColumnMapping(),
        publisher: String = "default"
    ) {
        self.names = names
        self.dialect = dialect
        self.publisher = publisher
        var fields = [CanonicalField?](repeating: nil, count: names.count)
        var index: [CanonicalField: Int] = [:]
        var fallbacks: [CanonicalField: [Int]] = [:]
        // A publisher's mapping ranks above the field's own name (it was written for this file's header).
        let matches = names.map { name -> (field: CanonicalField, rank: Int)? in
            if let mapped = mapping.field(for: name) { return (mapped, 0) }
            if mapping.isIgnored(name) { return nil }
            return CanonicalField.matchWithKind(name).map { ($0.field, $0.exact ? 1 : 2) }
        }
        // A column under the field's own name wins over aliases wherever it stands (a file with an empty
        // `mobile` column before `phone` means `phone`); among columns of one kind the first wins. A column
        // that loses is kept as an unknown column, and read for the field where the winner is empty.
        for rank in 0...2 {
            for (i, match) in matches.enumerated() {
                guard let match, match.rank == rank else { continue }
                if index[match.field] == nil {
                    index[match.field] = i
                    fields[i] = match.field
                } else {
                    fallbacks[match.field, default: []].append(i)
                }
            }
        }
        self.fields = fields
        self.indexByField = index
        self.fallbacksByField = fallbacks
        let unrecognised = names.indices.filter { matches[$0] == nil && !mapping.isIgnored(names[$0]) }
        self.unrecognised = unrecognised
        self.absenceNotes = ColumnReport.absenceNotes(
            names: names, present: Set(index.keys), unrecognised: unrecognised, publisher: publisher)
    }

    package func index(of field: CanonicalField) -> Int? { indexByField[field] }

    /// The first other column naming `field` whose value in `values` is not blank, for a record where the
    /// field's own column is blank or absent; `nil` when there is none (as for most files).
    package func fallbackIndex(of field: CanonicalField, in values: [RawValue]) -> Int? {
        fallbacksByField[field]?.first { $0 < values.count && !values[$0].isBlank }
    }

    /// Whether some field is named by more than one column.
    package var hasFallbacks: Bool { !fallbacksByField.isEmpty }
}
