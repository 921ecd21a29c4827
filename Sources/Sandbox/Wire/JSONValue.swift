/// A parsed JSON value.
///
/// Numbers keep whether they were written as integers, because the API types `vehicle_year` as an
/// integer and `loan_amount` as any number.
enum JSONValue: Sendable, Equatable {
    case string(String)
    case number(Double, isInteger: Bool)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

/// Where a body stopped being JSON.
struct JSONParseError: Error, Equatable {
    let offset: Int
}
