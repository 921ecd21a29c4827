/// The columns of `rejects.csv`: the union of the rejected records' columns, in first-seen order.
///
/// A column is its name plus its occurrence among same-named columns of the record, so a CSV header
/// with two `notes` columns keeps both, and a JSONL key is one column however many lines carry it.
/// Cells past the end of a CSV header (a record longer than its header) are unnamed columns.
/// Memory grows with the number of distinct column names, never with the number of rows.
struct ColumnUnion {
    private struct Key: Hashable {
        var name: String
        var occurrence: Int
    }

    private(set) var names: [String] = []
    private var positionByKey: [Key: Int] = [:]

    var count: Int { names.count }

    /// The union position of each cell of a record with these column names and `extra` unnamed
    /// trailing cells; new columns are added at the end.
    mutating func positions(of recordNames: [String], extra: Int) -> [Int] {
        var occurrences: [String: Int] = [:]
        var positions: [Int] = []
        positions.reserveCapacity(recordNames.count + extra)
        func place(_ name: String) {
            let occurrence = occurrences[name, default: 0]
            occurrences[name] = occurrence + 1
            let key = Key(name: name, occurrence: occurrence)
            if let position = positionByKey[key] {
                positions.append(position)
            } else {
                names.append(name)
                positionByKey[key] = names.count - 1
                positions.append(names.count - 1)
            }
        }
        for name in recordNames { place(name) }
        for _ in 0..<max(0, extra) { place("") }
        return positions
    }
}
