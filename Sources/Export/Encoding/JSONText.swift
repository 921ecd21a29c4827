import Ingest

/// JSON string literals for Export's callers (the summary, `--output json`, `version`); the escaping is
/// ``JSONString``'s (Ingest), the one for all of leadspool's JSON.
package enum JSONText {
    package static func quoted(_ value: String) -> String {
        JSONString.quoted(value)
    }
}
