import Ingest

/// Builds small JSON documents by hand: the sandbox's answers have fixed shapes, and writing them
/// directly is cheaper than going through an encoder per request.
struct JSONWriter {
    private(set) var text = ""
    private var needsComma = false

    init(capacity: Int = 64) {
        text.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        separate()
        text.append("{")
        needsComma = false
    }

    mutating func endObject() {
        text.append("}")
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        text.append("[")
        needsComma = false
    }

    mutating func endArray() {
        text.append("]")
        needsComma = true
    }

    mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        text.append(":")
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    mutating func int(_ value: Int) {
        raw(String(value))
    }

    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    /// A number written with a fixed count of decimals from an integer count of `1 / 10^decimals`
    /// units, so money and times never show binary floating-point noise.
    mutating func fixedPoint(_ units: Int64, decimals: Int) {
        raw(Self.fixedPointText(units, decimals: decimals, trimZeros: false))
    }

    /// A price in cents written the way the provider's sample shows it (`18.5`, `21.05`, `30.0`).
    mutating func cents(_ cents: Int) {
        raw(Self.fixedPointText(Int64(cents), decimals: 2, trimZeros: true))
    }

    mutating func raw(_ json: String) {
        separate()
        text.append(json)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { text.append(",") }
    }

    private mutating func appendQuoted(_ value: String) {
        text.append(JSONString.quoted(value))
    }

    static func fixedPointText(_ units: Int64, decimals: Int, trimZeros: Bool) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(scale)
        var fraction = String(magnitude % UInt64(scale))
        fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
        if trimZeros {
            while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
        }
        return (units < 0 ? "-" : "") + String(whole) + (decimals > 0 ? "." + fraction : "")
    }
}
