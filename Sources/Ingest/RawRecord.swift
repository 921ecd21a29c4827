/// One record as the reader found it, before any normalisation.
///
/// Values are kept in the column order of `columns`; a CSV record shorter than its header has
/// the missing trailing values absent (``value(at:)`` answers `nil`), a longer one keeps the extras.
package struct RawRecord: Sendable {
    /// 1-based data record number (the header is not counted; for JSONL the line number).
    package var row: Int
    /// 1-based line of the source where the record starts.
    package var line: Int
    /// Offset in the (decompressed) byte stream where the record starts.
    package var byteOffset: Int
    /// The columns this record's values belong to (shared between the records of a CSV file).
    package var columns: Columns
    /// Values in `columns` order.
    package var values: [RawValue]
    /// Set when the record could not be parsed at all (`RECORD_UNREADABLE`); `values` is then empty.
    package var unreadable: String?
    /// The publisher the batch belongs to (`default` for files directly in `incoming/`).
    package var publisher: String

    package init(
        row: Int, line: Int, byteOffset: Int, columns: Columns, values: [RawValue],
        unreadable: String? = nil, publisher: String = "default"
    ) {
        self.row = row
        self.line = line
        self.byteOffset = byteOffset
        self.columns = columns
        self.values = values
        self.unreadable = unreadable
        self.publisher = publisher
    }

    /// The value at column `index`, or `nil` when the record has fewer values.
    package func value(at index: Int) -> RawValue? {
        index < values.count ? values[index] : nil
    }

    /// The value of a recognised field, or `nil` when the column is absent or the record short. When the
    /// field's column is empty in this record, another column naming the same field is read (see `Columns`).
    package subscript(field: CanonicalField) -> RawValue? {
        guard let index = columns.index(of: field) else { return nil }
        let value = value(at: index)
        guard value?.isBlank ?? true, let other = columns.fallbackIndex(of: field, in: values) else { return value }
        return values[other]
    }
}

/// A value as read. CSV yields only `.string`; JSONL keeps the JSON type so the normaliser can
/// tell `2021` from `"2021"`.
package enum RawValue: Sendable, Hashable {
    case string(String)
    /// A JSON number, as its literal text (so no precision is lost before coercion).
    case number(String)
    case bool(Bool)
    case null
    /// A JSON array or object, as its raw text.
    case json(String)

    /// The value as text, as a report or a rejects file shows it.
    package var text: String {
        switch self {
        case .string(let s), .number(let s), .json(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return ""
        }
    }

    /// True for `null`, and for a string that is empty or only whitespace.
    package var isBlank: Bool {
        switch self {
        case .null: return true
        case .string(let s): return s.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        default: return false
        }
    }
}
