import Foundation
import Ingest
import TOMLKit

extension Settings {
    /// One TOML key: its dotted path and how it sets a value.
    private struct Key: Sendable {
        let path: String
        let apply: @Sendable (inout Settings, any TOMLValueConvertible, Context) throws -> Void
    }

    struct Context: Sendable {
        let file: String
        let path: String

        func fail(_ expectation: String, _ value: any TOMLValueConvertible) -> ConfigurationError {
            ConfigurationError("\(file): key '\(path)' must be \(expectation) (found \(value.debugDescription))")
        }

        func string(_ v: any TOMLValueConvertible) throws -> String {
            guard let s = v.string else { throw fail("a string", v) }
            return s
        }

        /// A non-empty string: the name of an environment variable, a file, a zone.
        func name(_ v: any TOMLValueConvertible) throws -> String {
            guard let s = v.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("a non-empty string", v)
            }
            return s
        }

        /// A file's path, `nil` for "".
        func path(_ v: any TOMLValueConvertible) throws -> String? {
            let text = try string(v).trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : text
        }

        /// An IANA time zone name Foundation knows.
        func timeZone(_ v: any TOMLValueConvertible) throws -> String {
            let zone = try name(v)
            guard TimeZone(identifier: zone) != nil else {
                throw fail("an IANA time zone name such as \"America/New_York\"", v)
            }
            return zone
        }

        func bool(_ v: any TOMLValueConvertible) throws -> Bool {
            guard let b = v.bool else { throw fail("true or false", v) }
            return b
        }

        func int(_ v: any TOMLValueConvertible, _ range: ClosedRange<Int>) throws -> Int {
            guard let i = v.int, range.contains(i) else {
                throw fail("a whole number from \(range.lowerBound) to \(range.upperBound)", v)
            }
            return i
        }

        func seconds(_ v: any TOMLValueConvertible, _ range: ClosedRange<Double>) throws -> Double {
            try number(v, range, "a number of seconds")
        }

        func number(_ v: any TOMLValueConvertible, _ range: ClosedRange<Double>, _ what: String = "a number")
            throws -> Double
        {
            let d = v.double ?? v.int.map(Double.init)
            guard let d, range.contains(d) else {
                throw fail("\(what) from \(range.lowerBound) to \(range.upperBound)", v)
            }
            return d
        }

        func oneOf(_ v: any TOMLValueConvertible, _ choices: [String]) throws -> String {
            guard let s = v.string, choices.contains(s) else {
                throw fail("one of " + choices.map { "\"\($0)\"" }.joined(separator: ", "), v)
            }
            return s
        }
    }

    private static let keys: [Key] = [
        Key(path: "spool") { s, v, c in s.spool = try c.string(v) },
        Key(path: "ledger") { s, v, c in s.ledger = try c.string(v) },
        Key(path: "settle_seconds") { s, v, c in s.settleSeconds = try c.seconds(v, 0...86_400) },
        Key(path: "archive_gzip") { s, v, c in s.archiveGzip = try c.bool(v) },
        Key(path: "archive_mode") { s, v, c in
            // An octal mode as a string ("0640"), as chmod takes it.
            guard let text = v.string, (3...4).contains(text.count), let mode = UInt32(text, radix: 8),
                mode & 0o7000 == 0
            else { throw c.fail("an octal file mode as a string, such as \"0640\"", v) }
            s.archiveMode = mode
        },
        Key(path: "max_record_bytes") { s, v, c in s.maxRecordBytes = try c.int(v, 1024...(1 << 30)) },
        Key(path: "encoding") { s, v, c in s.encoding = EncodingSetting(name: try c.oneOf(v, EncodingSetting.names))! },
        Key(path: "log_format") { s, v, c in
            s.logFormat = LogFormat(rawValue: try c.oneOf(v, LogFormat.allCases.map(\.rawValue)))!
        },
        Key(path: "api.endpoint") { s, v, c in
            let text = try c.string(v)
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme), url.host?.isEmpty == false
            else { throw c.fail("an absolute http:// or https:// URL", v) }
            s.endpoint = text
        },
        Key(path: "api.token_env") { s, v, c in s.tokenEnv = try c.name(v) },
        // An empty string leaves an optional key unset, as the README's example writes them.
        Key(path: "api.token_file") { s, v, c in s.tokenFile = v.string == "" ? nil : try c.name(v) },
        Key(path: "api.timeout_seconds") { s, v, c in s.timeoutSeconds = try c.seconds(v, 0.1...600) },
        Key(path: "api.max_in_flight") { s, v, c in s.maxInFlight = try c.int(v, 1...1024) },
        Key(path: "api.rate_limit") { s, v, c in
            let r = try c.number(v, 0...100_000, "a number of requests per second")
            s.rateLimit = r == 0 ? nil : r
        },
        Key(path: "api.ambiguous") { s, v, c in s.ambiguous = try c.oneOf(v, ["retry", "hold"]) },
        Key(path: "api.retry_after_max_seconds") { s, v, c in s.retryAfterMaxSeconds = try c.seconds(v, 1...86_400) },
        Key(path: "api.max_rate_limit_waits") { s, v, c in s.maxRateLimitWaits = try c.int(v, 0...1000) },
        Key(path: "api.jitter") { s, v, c in s.jitter = try c.bool(v) },
        // PEM files; "" leaves the setting unset.
        Key(path: "api.ca_file") { s, v, c in s.caFile = try c.path(v) },
        Key(path: "api.ca_only") { s, v, c in s.caOnly = try c.bool(v) },
        Key(path: "api.client_certificate") { s, v, c in s.clientCertificate = try c.path(v) },
        Key(path: "api.client_key") { s, v, c in s.clientKey = try c.path(v) },
        Key(path: "validate.default_vertical") { s, v, c in
            s.defaultVertical = v.string == "" ? nil : try c.oneOf(v, ["insurance", "mortgage", "solar", "debt"])
        },
        Key(path: "validate.repair_zip") { s, v, c in s.repairZip = try c.bool(v) },
        Key(path: "validate.zip_check") { s, v, c in s.zipCheck = try c.oneOf(v, ["exists", "format"]) },
        Key(path: "validate.assume_timezone") { s, v, c in
            s.assumeTimezone = v.string == "" ? nil : try c.timeZone(v)
        },
        Key(path: "validate.tcpa_max_age_days") { s, v, c in s.tcpaMaxAgeDays = try c.int(v, 1...3650) },
        Key(path: "dedupe.dedupe_days") { s, v, c in s.dedupeDays = try c.int(v, 0...3650) },
        Key(path: "reports.redact") { s, v, c in s.redact = try c.bool(v) },
        Key(path: "reports.rejects_encoding") { s, v, c in
            s.rejectsInInputEncoding = try c.oneOf(v, ["utf-8", "same"]) == "same"
        },
        Key(path: "reports.timezone") { s, v, c in s.reportTimezone = v.string == "" ? "UTC" : try c.timeZone(v) },
        Key(path: "watch.scan_interval_seconds") { s, v, c in s.scanIntervalSeconds = try c.seconds(v, 0.1...3600) },
        Key(path: "watch.drain_seconds") { s, v, c in s.drainSeconds = try c.seconds(v, 0...3600) },
    ]

    private static let verticals: Set<String> = ["insurance", "mortgage", "solar", "debt"]

    /// Every key path this loader accepts, in table order, then `dedupe.vertical_days.<vertical>` for each
    /// vertical, the `[columns]` table (HEADER standing for any header) and each key of ``publisherKeys``
    /// (NAME standing for any publisher). `leadspool init` writes each of them but ``testOnlyKeyPaths``,
    /// and refuses to run when it does not know one.
    static var keyPaths: [String] {
        let publisher = publisherKeys.flatMap { key in
            key == "columns" ? columnKeys("publishers.NAME.columns") : ["publishers.NAME." + key]
        }
        return keys.map(\.path) + verticals.sorted().map { "dedupe.vertical_days." + $0 } + columnKeys("columns")
            + publisher
    }

    /// The keys of a `[publishers.NAME]` table; `applyPublishers` refuses any other.
    private static let publisherKeys = ["token_env", "encoding", "timezone", "columns"]

    private static func columnKeys(_ table: String) -> [String] { [table + ".HEADER", table + ".ignore"] }

    /// Keys for the tests only, which `leadspool init` and the README leave out: none (end-to-end tests
    /// shorten the retry schedule with a debug build's environment, not with a setting).
    static let testOnlyKeyPaths: Set<String> = []

    /// Applies a TOML document. Unknown keys, wrong types and out-of-range values are errors
    /// naming the key and the file.
    mutating func apply(toml text: String, file: String) throws {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                "\(file):\(error.source.begin.line):\(error.source.begin.column): not valid TOML: \(error.description)")
        }
        let byPath = Dictionary(uniqueKeysWithValues: Self.keys.map { ($0.path, $0) })
        try walk(table, prefix: "", file: file, byPath: byPath)
    }

    private mutating func walk(_ table: TOMLTable, prefix: String, file: String, byPath: [String: Key]) throws {
        for key in table.keys.sorted() {
            guard let value = table[key] else { continue }
            let path = prefix.isEmpty ? key : prefix + "." + key
            let context = Context(file: file, path: path)
            if path == "dedupe.vertical_days" {
                guard let sub = value.table else { throw context.fail("a table of vertical = days", value) }
                for vertical in sub.keys.sorted() {
                    let inner = Context(file: file, path: path + "." + vertical)
                    guard Self.verticals.contains(vertical) else {
                        throw ConfigurationError("\(file): unknown vertical '\(vertical)' in '\(path)'")
                    }
                    dedupeDaysByVertical[vertical] = try inner.int(sub[vertical]!, 0...3650)
                }
                continue
            }
            if path == "publishers" {
                guard let sub = value.table else { throw context.fail("a table of publishers", value) }
                try applyPublishers(sub, file: file)
                continue
            }
            if path == "receive" {
                try applyReceive(value, context: context)
                continue
            }
            if path == "columns" {
                columns = try Self.columnMapping(value, context: context)
                continue
            }
            if let known = byPath[path] {
                try known.apply(&self, value, context)
            } else if let sub = value.table, byPath.keys.contains(where: { $0.hasPrefix(path + ".") }) {
                try walk(sub, prefix: path, file: file, byPath: byPath)
            } else {
                throw ConfigurationError("\(file): unknown key '\(path)'")
            }
        }
    }

    private mutating func applyPublishers(_ table: TOMLTable, file: String) throws {
        for name in table.keys.sorted() {
            let path = "publishers." + name
            guard let sub = table[name]?.table else {
                throw ConfigurationError("\(file): '\(path)' must be a table")
            }
            guard Publisher.isValidName(name) else {
                throw ConfigurationError(
                    "\(file): '\(path)': a publisher is named as its folder in incoming/ (letters, digits, . _ -)")
            }
            var publisher = PublisherSettings()
            for key in sub.keys.sorted() {
                let context = Context(file: file, path: path + "." + key)
                guard Self.publisherKeys.contains(key) else {
                    throw ConfigurationError("\(file): unknown key '\(path).\(key)'")
                }
                switch key {
                case "token_env": publisher.tokenEnv = try context.name(sub[key]!)
                case "encoding":
                    publisher.encoding = EncodingSetting(name: try context.oneOf(sub[key]!, EncodingSetting.names))!
                case "timezone": publisher.timezone = try context.timeZone(sub[key]!)
                case "columns": publisher.columns = try Self.columnMapping(sub[key]!, context: context)
                default: throw ConfigurationError("\(file): unknown key '\(path).\(key)'")
                }
            }
            publishers[name] = publisher
        }
    }

    /// A `[columns]` table: `"Header as written" = "field"` lines, and `ignore = ["Header", ...]` for columns
    /// left unused on purpose.
    private static func columnMapping(_ value: any TOMLValueConvertible, context: Context) throws -> ColumnMapping {
        guard let table = value.table else {
            throw context.fail("a table of \"Header\" = \"field\" lines and ignore = [\"Header\", ...]", value)
        }
        var mapping = ColumnMapping()
        for header in table.keys.sorted() {
            let entry = table[header]!
            let inner = Context(file: context.file, path: context.path + "." + header)
            if header == "ignore" {
                guard let list = entry.array else { throw inner.fail("a list of header names", entry) }
                for item in list {
                    guard let name = item.string else { throw inner.fail("a list of header names", entry) }
                    mapping.ignore(name)
                }
                continue
            }
            guard let name = entry.string, let field = CanonicalField(rawValue: name) ?? CanonicalField.match(name)
            else {
                let fields = CanonicalField.allCases.map(\.rawValue).joined(separator: ", ")
                throw inner.fail("the name of a field (\(fields))", entry)
            }
            mapping.map(header, to: field)
        }
        return mapping
    }
}
