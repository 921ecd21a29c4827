import Foundation
import Ingest
import LeadModel
import Validation

/// Records and validators for the validation tests. "Now" is 2026-05-01T12:00:00Z.
enum ValidatorFixture {
    static let now: Int64 = 1_777_636_800

    /// A valid insurance row, as a CSV reader yields it.
    static let validFields: [(String, RawValue)] = [
        ("vertical", .string("insurance")),
        ("first_name", .string("Maria")),
        ("last_name", .string("G.")),
        ("email", .string("m@example.com")),
        ("phone", .string("(813) 555-0100")),
        ("zip", .string("33601")),
        ("tcpa_timestamp", .string("2026-04-27T09:14:22Z")),
        ("tcpa_text", .string("By submitting this form you consent...")),
        ("tcpa_url", .string("https://seo.example.com/page")),
    ]

    static func record(_ fields: [(String, RawValue)], row: Int = 1, line: Int? = nil) -> RawRecord {
        RawRecord(
            row: row, line: line ?? row + 1, byteOffset: 0, columns: Columns(names: fields.map(\.0)),
            values: fields.map(\.1)
        )
    }

    /// The valid row with some fields replaced (`nil` drops the column) and others appended.
    static func record(_ changes: [String: RawValue?], row: Int = 1) -> RawRecord {
        var fields: [(String, RawValue)] = []
        for (name, value) in validFields {
            if let change = changes[name] {
                if let change { fields.append((name, change)) }
            } else {
                fields.append((name, value))
            }
        }
        for (name, value) in changes.sorted(by: { $0.key < $1.key })
        where !validFields.contains(where: { $0.0 == name }) {
            if let value { fields.append((name, value)) }
        }
        return record(fields, row: row)
    }

    static func validator(_ configuration: Validator.Configuration = .init()) -> Validator {
        // The configurations used in tests are all valid.
        try! Validator(configuration: configuration, now: now)
    }

    static func check(_ changes: [String: RawValue?], _ configuration: Validator.Configuration = .init())
        -> CheckedRecord
    {
        validator(configuration).check(record(changes))
    }

    /// A problem's text without the advice that follows what was found (`. Expected …, e.g. …. Fix: …`).
    static func found(_ text: String) -> String {
        text.range(of: ". Expected ", options: .backwards).map { String(text[..<$0.lowerBound]) } ?? text
    }

    /// The problems with their texts cut to what was found.
    static func found(_ problems: [Problem]) -> [Problem] {
        problems.map { Problem($0.code, field: $0.field, value: $0.value, text: found($0.text)) }
    }
}
