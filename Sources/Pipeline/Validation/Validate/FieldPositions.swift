import Ingest

/// The value index of each known field in one record, looked up once per record in a fixed-size
/// table (no dictionary lookups or allocations per field).
struct FieldPositions {
    /// Column index + 1 of each field by ordinal, 0 when absent (20 fields, 4 spare).
    private var positions: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)

    init(_ columns: Columns) {
        let fields = columns.fields
        withUnsafeMutableBytes(of: &positions) { raw in
            let table = raw.bindMemory(to: UInt16.self)
            fields.withUnsafeBufferPointer { fields in
                for index in 0..<min(fields.count, Int(UInt16.max) - 1) {
                    if let field = fields[index] { table[field.ordinal] = UInt16(index + 1) }
                }
            }
        }
    }

    /// The field's column index, `-1` when the column is absent.
    @inline(__always)
    func index(_ field: CanonicalField) -> Int {
        Int(withUnsafeBytes(of: positions) { $0.load(fromByteOffset: field.ordinal * 2, as: UInt16.self) }) - 1
    }
}

/// A field's value as the text rules see it.
enum FieldText {
    /// Absent column, short record, JSON null, or only whitespace.
    case missing
    /// A string or a JSON number's literal.
    case text(String)
    /// A JSON boolean, array or object.
    case other(RawValue)
}

/// The known fields of one record, read in place.
struct RecordFields {
    private let positions: FieldPositions
    private let values: [RawValue]
    /// The columns, kept only when some field is named by more than one of them (see `Columns.fallbacks`).
    private let columnsWithFallbacks: Columns?
    /// The columns, kept only when some required field has no column and some column was not recognised.
    private let columnsWithAbsences: Columns?

    init(_ record: RawRecord) {
        positions = FieldPositions(record.columns)
        values = record.values
        columnsWithFallbacks = record.columns.hasFallbacks ? record.columns : nil
        columnsWithAbsences = record.columns.absenceNotes.isEmpty ? nil : record.columns
    }

    /// What the rows of a file without a column for `field` say to fix that (see `Columns.absenceNotes`).
    func absenceNote(_ field: CanonicalField) -> String? {
        guard let columns = columnsWithAbsences, positions.index(field) < 0 else { return nil }
        return columns.absenceNotes[field]
    }

    /// The field's value, `nil` when the column is absent or the record short; where it is blank, another
    /// column naming the same field is read.
    @inline(__always)
    func raw(_ field: CanonicalField) -> RawValue? {
        let index = positions.index(field)
        let value = index >= 0 && index < values.count ? values[index] : nil
        guard value?.isBlank ?? true, let other = columnsWithFallbacks?.fallbackIndex(of: field, in: values) else {
            return value
        }
        return values[other]
    }

    @inline(__always)
    func text(_ field: CanonicalField) -> FieldText {
        let text = Self.text(at: positions.index(field), values)
        guard case .missing = text, let other = columnsWithFallbacks?.fallbackIndex(of: field, in: values) else {
            return text
        }
        return Self.text(at: other, values)
    }

    @inline(__always)
    private static func text(at index: Int, _ values: [RawValue]) -> FieldText {
        guard index >= 0, index < values.count else { return .missing }
        return values.withUnsafeBufferPointer { values in
            switch values[index] {
            case .string(let s): return UTF8Bytes.with(s) { UTF8Bytes.trimmed($0).isEmpty } ? .missing : .text(s)
            case .number(let s): return .text(s)
            case .null: return .missing
            case .bool, .json: return .other(values[index])
            }
        }
    }
}

extension CanonicalField {
    /// Declaration order, for table lookups.
    var ordinal: Int {
        switch self {
        case .vertical: return 0
        case .firstName: return 1
        case .lastName: return 2
        case .email: return 3
        case .phone: return 4
        case .zip: return 5
        case .tcpaTimestamp: return 6
        case .tcpaText: return 7
        case .tcpaURL: return 8
        case .ref: return 9
        case .coverageType: return 10
        case .vehicleYear: return 11
        case .homeowner: return 12
        case .loanPurpose: return 13
        case .loanAmount: return 14
        case .creditRange: return 15
        case .monthlyElectricBill: return 16
        case .roofType: return 17
        case .debtAmount: return 18
        case .debtType: return 19
        }
    }
}
