import Foundation
import LeadModel
import Receive
import TOMLKit

/// `[receive]` of leadspool.toml (docs/receive.md lists every key).
struct ReceiveSettings: Sendable {
    var listen = "127.0.0.1:8443"
    var path = "/leads/inbound"
    var directory = "./receive"
    var secretFile: String?
    var tlsCert: String?
    var tlsKey: String?
    var metricsPort: Int?
    var deadlineMilliseconds = 5000
    var rotateLeads = 1000
    var rotateSeconds = 60.0
    var capTimezone = "UTC"
    var rules = ReceiveRules()
    var columns = CRMColumn.all

    static let keys = [
        "listen", "path", "dir", "secret_file", "tls_cert", "tls_key", "metrics_port", "deadline_ms", "rotate_leads",
        "rotate_seconds", "cap_timezone", "verticals", "zip_prefixes", "states", "required_fields", "daily_caps",
        "dedupe_days", "csv_columns",
    ]
}

extension Settings {
    /// Reads the `[receive]` table; unknown keys, wrong types and out-of-range values name the key.
    mutating func applyReceive(_ value: any TOMLValueConvertible, context: Context) throws {
        guard let table = value.table else { throw context.fail("a table", value) }
        for key in table.keys.sorted() {
            let v = table[key]!
            let c = Context(file: context.file, path: "receive." + key)
            switch key {
            case "listen": receive.listen = try c.name(v)
            case "path": receive.path = try c.name(v)
            case "dir": receive.directory = try c.name(v)
            case "secret_file": receive.secretFile = try c.path(v)
            case "tls_cert": receive.tlsCert = try c.path(v)
            case "tls_key": receive.tlsKey = try c.path(v)
            case "metrics_port": receive.metricsPort = try c.int(v, 0...65_535)
            case "deadline_ms": receive.deadlineMilliseconds = try c.int(v, 1...10_000)
            case "rotate_leads": receive.rotateLeads = try c.int(v, 1...1_000_000)
            case "rotate_seconds": receive.rotateSeconds = try c.seconds(v, 0.1...86_400)
            case "cap_timezone": receive.capTimezone = try c.timeZone(v)
            case "verticals": receive.rules.verticals = Set(try Self.verticals(v, c))
            case "zip_prefixes":
                receive.rules.zipPrefixes = try Self.strings(v, c, "a list of ZIP prefixes of 1 to 5 digits") {
                    (1...5).contains($0.utf8.count) && $0.utf8.allSatisfy { (0x30...0x39).contains($0) }
                }
            case "states":
                receive.rules.states = Set(
                    try Self.strings(v, c, "a list of two-letter state codes such as \"FL\"") {
                        ZipState.codes.contains($0)
                    })
            case "required_fields":
                guard let sub = v.table else { throw c.fail("a table of vertical = [fields]", v) }
                for name in sub.keys.sorted() {
                    let inner = Context(file: c.file, path: c.path + "." + name)
                    guard let vertical = Vertical(rawValue: name) else { throw inner.fail("a vertical's name", v) }
                    let fields = ReceiveRules.fields(of: vertical)
                    receive.rules.requiredFields[vertical] = try Self.strings(
                        sub[name]!, inner, "a list of \(name) fields (\(fields.joined(separator: ", ")))",
                        fields.contains)
                }
            case "daily_caps":
                guard let sub = v.table else { throw c.fail("a table of vertical = leads per day", v) }
                for name in sub.keys.sorted() {
                    let inner = Context(file: c.file, path: c.path + "." + name)
                    guard let vertical = Vertical(rawValue: name) else { throw inner.fail("a vertical's name", v) }
                    receive.rules.dailyCaps[vertical] = try inner.int(sub[name]!, 0...10_000_000)
                }
            case "dedupe_days": receive.rules.dedupeDays = try c.int(v, 0...3650)
            case "csv_columns":
                receive.columns = try Self.strings(v, c, "a list of \"field\" or \"Header=field\" entries") {
                    Self.column($0) != nil
                }.compactMap(Self.column)
            default:
                throw ConfigurationError("\(context.file): unknown key 'receive.\(key)'")
            }
        }
    }

    /// `"phone"` or `"Phone Number=phone"`, for a field of the outbox lines.
    static func column(_ entry: String) -> CRMColumn? {
        let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let field = parts.last ?? ""
        guard OutboxLine.fields.contains(field), parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        return CRMColumn(header: parts.count == 2 ? parts[0] : field, field: field)
    }

    private static func strings(
        _ v: any TOMLValueConvertible, _ c: Context, _ what: String, _ valid: (String) -> Bool
    ) throws -> [String] {
        guard let list = v.array else { throw c.fail(what, v) }
        return try list.map { item in
            guard let text = item.string, valid(text) else { throw c.fail(what, v) }
            return text
        }
    }

    private static func verticals(_ v: any TOMLValueConvertible, _ c: Context) throws -> [Vertical] {
        try strings(v, c, "a list of verticals (insurance, mortgage, solar, debt)") { Vertical(rawValue: $0) != nil }
            .compactMap(Vertical.init(rawValue:))
    }
}
