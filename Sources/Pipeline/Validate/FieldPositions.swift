import Ingest

/// The value index of each known field in one record, looked up once per record in a fixed-size
/// table (no dictionary lookups or allocations per field).
struct FieldPositions {
    private var positions = SIMD32<Int32>(repeating: -1)

    init(_ columns: Columns) {
        for (index, field) in columns.fields.enumerated() {
            if let field { positions[field.ordinal] = Int32(truncatingIfNeeded: index) }
        }
    }

    /// The field's value in `record`, `nil` when the column is absent or the record short.
    @inline(__always)
    func value(_ field: CanonicalField, in record: RawRecord) -> RawValue? {
        let index = Int(positions[field.ordinal])
        return index >= 0 && index < record.values.count ? record.values[index] : nil
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
