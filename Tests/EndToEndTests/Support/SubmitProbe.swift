import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One arrival of a lead at the sandbox, as `GET /_sandbox/stats` reports it.
struct SandboxAttempt {
    /// Seconds since the sandbox started.
    var time: Double
    /// `nil` when the sandbox dropped the connection.
    var status: Int?
    var idempotencyKey: String?
    /// `accepted`, a rejection reason, or `nil` when nothing was decided (errors, forced answers).
    var decision: String?

    /// An answer the client must never send the lead again after (CONTRACT: 200, 400, 422).
    var isDefinitive: Bool { status.map { [200, 400, 422].contains($0) } ?? false }
}

/// The sandbox's record of every attempt, per lead key (`vertical|phone`).
struct SandboxRecord {
    var uptime: Double
    var byLead: [String: [SandboxAttempt]]

    var allAttempts: [SandboxAttempt] { byLead.values.flatMap { $0 } }
}

extension SandboxProcess {
    /// `GET /_sandbox/stats`, with every field of every attempt.
    func record() throws -> SandboxRecord {
        let url = URL(string: endpoint.replacingOccurrences(of: "/webhook/lead", with: "/_sandbox/stats"))!
        let box = FetchBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: url) { data, _, _ in
            box.data = data
            done.signal()
        }.resume()
        done.wait()
        let data = try #require(box.data, "no stats from the sandbox")
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let leads = object["leads"] as? [String: [String: Any]] ?? [:]
        return SandboxRecord(
            uptime: (object["uptime"] as? NSNumber)?.doubleValue ?? -1,
            byLead: leads.mapValues { lead in
                (lead["attempts"] as? [[String: Any]] ?? []).map { attempt in
                    SandboxAttempt(
                        time: (attempt["t"] as? NSNumber)?.doubleValue ?? -1, status: attempt["status"] as? Int,
                        idempotencyKey: attempt["idempotency_key"] as? String,
                        decision: attempt["decision"] as? String)
                }
            })
    }
}

private final class FetchBox: @unchecked Sendable {
    var data: Data?
}

/// One line of a `results.jsonl`, with the fields the submit tests check.
struct ResultLine {
    var row: Int
    var outcome: String
    var reasonCode: String?
    var reason: String?
    var httpStatus: Int?
    var attempts: Int
    var leadID: String?
    /// `vertical|phone`, as the sandbox keys its stats.
    var leadKey: String
}

extension TempSpool {
    /// Starts `leadspool run --quiet` on this spool in the background (output discarded), for tests that
    /// signal or kill it.
    func startRun(endpoint: String, token: String) throws -> Process {
        let process = Process()
        process.executableURL = LeadspoolBinary.url
        process.arguments = [
            "run", "--quiet", "--config", base + "/leadspool.toml", "--spool", root, "--endpoint", endpoint,
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: base)
        var environment = ProcessInfo.processInfo.environment
        environment["DL_API_KEY"] = token
        environment["LEADSPOOL_DEBUG_TIME_SCALE"] = timeScale.map { "\($0)" }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Every line of every `results.jsonl` in the spool's reports.
    func resultLines() throws -> [ResultLine] {
        try list("reports").filter { $0.hasSuffix(".results.jsonl") }.flatMap { name in
            let text = try String(contentsOfFile: root + "/reports/" + name, encoding: .utf8)
            return try text.split(separator: "\n").map { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return ResultLine(
                    row: try #require(object["row"] as? Int), outcome: try #require(object["outcome"] as? String),
                    reasonCode: object["reason_code"] as? String, reason: object["reason"] as? String,
                    httpStatus: object["http_status"] as? Int,
                    attempts: object["attempts"] as? Int ?? 0, leadID: object["lead_id"] as? String,
                    leadKey: "\(object["vertical"] as? String ?? "")|\(object["phone"] as? String ?? "")")
            }
        }
    }

    /// `leadspool gen` into `incoming/<name>`: valid leads (no defects), recent consent.
    func generate(_ name: String, rows: Int, seed: Int, vertical: String = "mixed") throws {
        let gen = try runLeadspool([
            "gen", "--rows", "\(rows)", "--seed", "\(seed)", "--vertical", vertical, "--output",
            root + "/incoming/" + name,
        ])
        try #require(gen.status == 0, "\(gen.stderr)")
    }

    /// Rows of the ledger's `leads` table for one query, read with the sqlite3 shell (not the product).
    func ledgerRows(_ sql: String) throws -> [[String]] {
        let result = try runTool("/usr/bin/sqlite3", ["-separator", "|", root + "/ledger.sqlite", sql], stdin: Data())
        try #require(result.status == 0, "sqlite3 failed on \(sql)")
        return String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
    }
}

/// A config for the submit tests: no settle time, `[api]` keys as given (e.g. `ambiguous`).
func submitConfig(_ api: [String: String]) -> String {
    "settle_seconds = 0\n[api]\n" + api.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)\n" }.joined()
}
