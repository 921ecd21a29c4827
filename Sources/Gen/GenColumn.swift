import LeadModel

/// The columns of a generated batch, in file order.
enum GenColumn: Int, CaseIterable {
    case ref, vertical, firstName, lastName, email, phone, zip, tcpaTimestamp, tcpaText, tcpaURL
    case coverageType, vehicleYear, homeowner
    case loanPurpose, loanAmount, creditRange
    case monthlyElectricBill, roofType
    case debtAmount, debtType
    /// Not an API field: dirty batches carry it to show that unknown columns are kept but never sent.
    case campaign

    /// The API field name (JSONL keys, CSV headers of clean batches).
    var apiName: String {
        switch self {
        case .ref: return "ref"
        case .vertical: return "vertical"
        case .firstName: return "first_name"
        case .lastName: return "last_name"
        case .email: return "email"
        case .phone: return "phone"
        case .zip: return "zip"
        case .tcpaTimestamp: return "tcpa_timestamp"
        case .tcpaText: return "tcpa_text"
        case .tcpaURL: return "tcpa_url"
        case .coverageType: return "coverage_type"
        case .vehicleYear: return "vehicle_year"
        case .homeowner: return "homeowner"
        case .loanPurpose: return "loan_purpose"
        case .loanAmount: return "loan_amount"
        case .creditRange: return "credit_range"
        case .monthlyElectricBill: return "monthly_electric_bill"
        case .roofType: return "roof_type"
        case .debtAmount: return "debt_amount"
        case .debtType: return "debt_type"
        case .campaign: return "campaign"
        }
    }

    /// The header a spreadsheet export would write; each folds to a known alias (CONTRACT §5).
    var spreadsheetHeader: String {
        switch self {
        case .ref: return "External ID"
        case .vertical: return "Vertical"
        case .firstName: return "First Name"
        case .lastName: return "LNAME"
        case .email: return "Email_Address"
        case .phone: return "Phone Number"
        case .zip: return "ZIP Code"
        case .tcpaTimestamp: return "Consent Timestamp"
        case .tcpaText: return "Consent Text"
        case .tcpaURL: return "Page URL"
        case .coverageType: return "Coverage Type"
        case .vehicleYear: return "Vehicle Year"
        case .homeowner: return "Homeowner"
        case .loanPurpose: return "Loan Purpose"
        case .loanAmount: return "Loan Amount"
        case .creditRange: return "Credit Range"
        case .monthlyElectricBill: return "Monthly Electric Bill"
        case .roofType: return "Roof Type"
        case .debtAmount: return "Debt Amount"
        case .debtType: return "Debt Type"
        case .campaign: return "campaign"
        }
    }

    /// The vertical-specific columns of `vertical`.
    static func fields(of vertical: Vertical) -> [GenColumn] {
        switch vertical {
        case .insurance: return [.coverageType, .vehicleYear, .homeowner]
        case .mortgage: return [.loanPurpose, .loanAmount, .creditRange]
        case .solar: return [.monthlyElectricBill, .roofType]
        case .debt: return [.debtAmount, .debtType]
        }
    }

    /// The columns of a batch of `verticals`, with `campaign` when the batch is dirty.
    static func layout(verticals: [Vertical], dirty: Bool) -> [GenColumn] {
        var columns: [GenColumn] = [
            .ref, .vertical, .firstName, .lastName, .email, .phone, .zip, .tcpaTimestamp, .tcpaText, .tcpaURL,
        ]
        for vertical in Vertical.allCases where verticals.contains(vertical) {
            columns += fields(of: vertical)
        }
        if dirty { columns.append(.campaign) }
        return columns
    }
}

/// How a cell's bytes are typed in JSONL; CSV writes every present cell as text.
enum GenCellKind {
    case string
    /// The bytes are a JSON number literal.
    case number
    /// The bytes are `true` or `false`.
    case bool
    /// JSON `null`; an empty CSV cell.
    case null
    /// Not in the record: the key is left out of JSONL, the CSV cell is empty.
    case absent
}

/// One generated record: a byte buffer and a kind per column, reused from row to row.
struct GenRow {
    var cells: [[UInt8]]
    var kinds: [GenCellKind]

    init() {
        cells = Array(repeating: [], count: GenColumn.allCases.count)
        for i in cells.indices { cells[i].reserveCapacity(256) }
        kinds = Array(repeating: .absent, count: GenColumn.allCases.count)
    }

    mutating func reset() {
        for i in cells.indices {
            cells[i].removeAll(keepingCapacity: true)
            kinds[i] = .absent
        }
    }

    mutating func set(_ column: GenColumn, _ bytes: [UInt8], kind: GenCellKind = .string) {
        cells[column.rawValue].removeAll(keepingCapacity: true)
        cells[column.rawValue].append(contentsOf: bytes)
        kinds[column.rawValue] = kind
    }

    mutating func set(_ column: GenColumn, text: String, kind: GenCellKind = .string) {
        cells[column.rawValue].removeAll(keepingCapacity: true)
        cells[column.rawValue].append(contentsOf: text.utf8)
        kinds[column.rawValue] = kind
    }

    /// Empties a cell and sets its kind, for building the value in place with `edit`.
    mutating func clear(_ column: GenColumn, kind: GenCellKind) {
        cells[column.rawValue].removeAll(keepingCapacity: true)
        kinds[column.rawValue] = kind
    }

    mutating func edit(_ column: GenColumn, _ body: (inout [UInt8]) -> Void) {
        body(&cells[column.rawValue])
    }

    subscript(column: GenColumn) -> [UInt8] { cells[column.rawValue] }
}
