import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `leadspool retry` with the real binary, spool, ledger and sandbox: leads left `failed` or `unknown` by a
/// run are re-driven from the archived original, and only those.
@Suite struct RetryTests {
    static let token = "dl_test_e2e_retry"

    /// A run against an API answering 5xx three times in four leaves some leads `failed` (5 attempts, the
    /// 1-2-4-8 s schedule on a clock scaled by 0.01). A retry against a healthy API sends exactly those
    /// leads, once each, with the keys they were first sent with, and rewrites the reports in place.
    @Test func failedLeadsAreRedrivenAndReportsRewrittenInPlace() throws {
        let spool = try TempSpool(timeScale: 0.01)
        defer { spool.remove() }
        let gen = try spool.invoke(
            [
                "gen", "--rows", "60", "--seed", "11", "--vertical", "insurance",
                "--output", spool.root + "/incoming/generated.csv",
            ],
            environment: [:])
        try #require(gen.status == 0, "\(gen.output)")
        let flaky = try SandboxProcess(extra: ["--error-rate", "0.75"])
        defer { flaky.stop() }
        let run = try spool.run(endpoint: flaky.endpoint, token: Self.token)
        try #require(run.status == 0 || run.status == 69, "\(run.output)")
        let before = try spool.allResults()
        let failed = Set(before.filter { $0.outcome == "failed" }.map(\.leadKey))
        try #require(!failed.isEmpty && failed.count < before.count, "some leads failed, some did not")
        #expect(before.filter { $0.outcome == "failed" }.allSatisfy { $0.reasonCode == "SERVER_ERROR_EXHAUSTED" })
        let firstKeys = try flaky.attemptKeys()
        flaky.stop()
        let summaryBefore = try spool.summary()
        #expect((summaryBefore["retries"] as? Int ?? 0) > 0)
        let reportsBefore = try spool.list("reports")

        let healthy = try SandboxProcess()
        defer { healthy.stop() }
        let retry = try spool.retry(endpoint: healthy.endpoint, token: Self.token)
        #expect(retry.status == 0, "\(retry.output)")
        #expect(retry.output.contains("re-drove \(failed.count) leads (\(failed.count) failed)"), "\(retry.output)")
        let sent = try healthy.attemptKeys()
        #expect(Set(sent.keys) == failed, "only the failed leads were sent again; accepted ones got nothing")
        for (lead, keys) in sent {
            let first = try #require(firstKeys[lead])
            #expect(keys.count == 1 && Set(first).count == 1 && keys == [first[0]], "\(lead): \(first) then \(keys)")
        }

        #expect(try spool.list("reports") == reportsBefore, "the same batch name: reports rewritten in place")
        let after = try spool.allResults()
        #expect(after.map(\.row) == before.map(\.row))
        for (old, new) in zip(before, after) {
            if old.outcome == "failed" {
                #expect(new.outcome == "accepted" || new.outcome == "rejected", "row \(new.row): \(new.outcome)")
            } else {
                #expect(new.outcome == old.outcome && new.leadID == old.leadID, "row \(new.row) unchanged")
            }
        }
        let accepted = after.filter { $0.outcome == "accepted" }.count
        let summary = try spool.summary()
        let outcomes = try #require(summary["outcomes"] as? [String: Any])
        #expect(outcomes["accepted"] as? Int == accepted)
        #expect((outcomes["failed"] as? Int ?? 0) == 0)
        // The summary and the rows count every request of both passes, not the retry's alone.
        let posts = (firstKeys.values.map(\.count) + sent.values.map(\.count)).reduce(0, +)
        #expect(summary["attempts"] as? Int == posts)
        #expect(summary["retries"] as? Int == summaryBefore["retries"] as? Int, "the healthy API needed no retry")
        let attemptsOfLead = Dictionary(uniqueKeysWithValues: try spool.resultLines().map { ($0.leadKey, $0.attempts) })
        for (lead, keys) in firstKeys {
            #expect(attemptsOfLead[lead] == keys.count + (sent[lead]?.count ?? 0), "\(lead)")
        }

        // The ledger's roll-up agrees with the rewritten reports.
        let report = try spool.invoke(
            ["report", "--spool", spool.root, "--by", "vertical", "--format", "json"], environment: [:])
        #expect(report.status == 0, "\(report.output)")
        let groups = try #require(try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as? [[String: Any]])
        #expect(groups.map { $0["accepted"] as? Int ?? 0 }.reduce(0, +) == accepted)
        #expect(groups.map { $0["failed"] as? Int ?? -1 }.reduce(0, +) == 0)
        #expect(groups.map { $0["leads"] as? Int ?? 0 }.reduce(0, +) == after.count)

        // Nothing is left to re-drive.
        let again = try spool.retry(endpoint: healthy.endpoint, token: Self.token)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.contains("nothing to re-drive"), "\(again.output)")
        #expect(try healthy.attemptKeys() == sent)
    }

    /// `ambiguous = "hold"` and an API that drops every connection: every lead is `unknown`. With the
    /// originals compressed by `archive_gzip`, a dry run lists them, `--outcome failed` leaves them, `--batch`
    /// picks one batch, and each held lead is sent again with the Idempotency-Key of its first attempt.
    @Test func unknownLeadsAreResentWithTheSameKeyFromAGzipArchive() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\narchive_gzip = true\n[api]\nambiguous = \"hold\"\n")
        defer { spool.remove() }
        let insurance = try spool.dropRecent("insurance-clean.csv")
        try spool.drop(fixture: "debt-mixed.csv", recent: true)
        let dropping = try SandboxProcess(extra: ["--drop-rate", "1"])
        defer { dropping.stop() }
        let run = try spool.run(endpoint: dropping.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        #expect(try spool.list("done") == ["debt-mixed.csv.gz", "insurance-clean.csv.gz"])
        let held = try spool.allResults().filter { $0.outcome == "unknown" }
        #expect(held.allSatisfy { $0.reasonCode == "AMBIGUOUS_HELD" })
        let insuranceHeld = try spool.results(matching: insurance.hashPrefix).filter { $0.outcome == "unknown" }
        try #require(insuranceHeld.count == 5 && held.count > 5)
        let firstKeys = try dropping.attemptKeys()
        dropping.stop()

        let healthy = try SandboxProcess()
        defer { healthy.stop() }
        let dry = try spool.retry(endpoint: healthy.endpoint, token: Self.token, extra: ["--dry-run"])
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.output.contains("would re-drive 5 leads (5 unknown)"), "\(dry.output)")
        #expect(dry.output.split(separator: "\n").filter { $0.contains("would re-drive") }.count == 2)
        let recent = try spool.retry(
            endpoint: healthy.endpoint, token: Self.token, extra: ["--dry-run", "--since", "1d"])
        #expect(recent.output.split(separator: "\n").filter { $0.contains("would re-drive") }.count == 2)
        let future = try spool.retry(
            endpoint: healthy.endpoint, token: Self.token, extra: ["--dry-run", "--since", "2999-01-01"])
        #expect(future.status == 0 && future.output.contains("nothing to re-drive"), "\(future.output)")
        let badDate = try spool.retry(endpoint: healthy.endpoint, token: Self.token, extra: ["--since", "soon"])
        #expect(badDate.status == 64, "\(badDate.output)")
        let onlyFailed = try spool.retry(endpoint: healthy.endpoint, token: Self.token, extra: ["--outcome", "failed"])
        #expect(onlyFailed.status == 0, "\(onlyFailed.output)")
        #expect(onlyFailed.output.contains("nothing to re-drive"), "\(onlyFailed.output)")
        #expect(try healthy.attemptKeys().isEmpty, "neither sent anything")

        let one = try spool.retry(
            endpoint: healthy.endpoint, token: Self.token, extra: ["--batch", String(insurance.hashPrefix.prefix(8))])
        #expect(one.status == 0, "\(one.output)")
        #expect(Set(try healthy.attemptKeys().keys) == Set(insuranceHeld.map(\.leadKey)), "only that batch")
        #expect(try spool.results(matching: insurance.hashPrefix).allSatisfy { $0.outcome != "unknown" })

        let rest = try spool.retry(endpoint: healthy.endpoint, token: Self.token)
        #expect(rest.status == 0, "\(rest.output)")
        let sent = try healthy.attemptKeys()
        #expect(Set(sent.keys) == Set(held.map(\.leadKey)))
        for (lead, keys) in sent {
            let first = try #require(firstKeys[lead])
            #expect(keys.count == 1 && keys == [first[0]], "\(lead): \(first) then \(keys)")
        }
        #expect(try spool.allResults().allSatisfy { $0.outcome != "unknown" })
        #expect(try spool.list("done") == ["debt-mixed.csv.gz", "insurance-clean.csv.gz"], "originals stay archived")
    }

    /// The original in `done/` is gone, or a file of its name has other content: the batch is skipped
    /// with exit 73 and a message, nothing is sent, its reports stay.
    @Test(arguments: ["deleted", "replaced"])
    func missingOriginalIsReportedAndSkipped(_ case: String) throws {
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nambiguous = \"hold\"\n")
        defer { spool.remove() }
        let batch = try spool.dropRecent("insurance-clean.csv")
        let dropping = try SandboxProcess(extra: ["--drop-rate", "1"])
        defer { dropping.stop() }
        #expect(try spool.run(endpoint: dropping.endpoint, token: Self.token).status == 0)
        let original = spool.root + "/done/insurance-clean.csv"
        if `case` == "deleted" {
            try FileManager.default.removeItem(atPath: original)
        } else {
            try Data(batch.content.dropLast(40)).write(to: URL(fileURLWithPath: original))
        }

        let healthy = try SandboxProcess()
        defer { healthy.stop() }
        let retry = try spool.retry(endpoint: healthy.endpoint, token: Self.token)
        #expect(retry.status == 73, "\(retry.output)")
        #expect(retry.output.contains("original insurance-clean.csv not found"), "\(retry.output)")
        #expect(try healthy.attemptKeys().isEmpty)
        #expect(try spool.results(matching: batch.hashPrefix).allSatisfy { $0.outcome == "unknown" })
    }

    /// 40 leads held `unknown` by a run whose API dropped every connection.
    func heldBatch(_ spool: TempSpool) throws -> [TempSpool.Row] {
        let gen = try spool.invoke(
            ["gen", "--rows", "40", "--seed", "21", "--vertical", "mixed", "--output", spool.root + "/incoming/g.csv"],
            environment: [:])
        try #require(gen.status == 0, "\(gen.output)")
        let dropping = try SandboxProcess(extra: ["--drop-rate", "1"])
        defer { dropping.stop() }
        let run = try spool.run(endpoint: dropping.endpoint, token: Self.token)
        try #require(run.status == 0, "\(run.output)")
        let held = try spool.allResults().filter { $0.outcome == "unknown" }
        try #require(held.count == 40)
        return held
    }

    /// Two retries at once: one re-drives, the other is refused (75) or finds nothing; no lead is sent twice.
    @Test func concurrentRetriesSendEachLeadOnce() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nambiguous = \"hold\"\n")
        defer { spool.remove() }
        let held = try heldBatch(spool)
        let slow = try SandboxProcess(extra: ["--latency-ms", "100..200"])
        defer { slow.stop() }
        let results = ResultsBox()
        let endpoint = slow.endpoint
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = try? spool.retry(endpoint: endpoint, token: Self.token)
            results.set(index, result)
        }
        let statuses = results.all.map { $0?.status ?? -1 }.sorted()
        #expect(statuses == [0, 0] || statuses == [0, 75], "\(results.all.map { $0?.output ?? "" })")
        let sent = try slow.attemptKeys()
        #expect(Set(sent.keys) == Set(held.map(\.leadKey)))
        #expect(sent.values.allSatisfy { $0.count == 1 }, "no lead sent twice")
        #expect(try spool.allResults().allSatisfy { $0.outcome != "unknown" })
    }

    /// A 401 stops the retry: the answers got before it are reported, leads it had not sent keep their
    /// `unknown`; the next retry sends every lead without an answer in the ledger (leads cut off in flight by
    /// the stop again with the same key) and nothing else.
    @Test func refusedTokenStopsTheRetryAndTheNextOneFinishes() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nambiguous = \"hold\"\nmax_in_flight = 4\n")
        defer { spool.remove() }
        let held = try heldBatch(spool)
        let refusing = try SandboxProcess(extra: ["--latency-ms", "20..40", "--fail-auth-after", "10"])
        defer { refusing.stop() }
        let stopped = try spool.retry(endpoint: refusing.endpoint, token: Self.token)
        #expect(stopped.status == 77, "\(stopped.output)")
        let answered = Set(try refusing.stats().statusesByLead.filter { $0.value.contains(200) }.keys)
        let firstKeys = try refusing.attemptKeys()
        let between = try spool.allResults()
        let settled = Set(between.filter { $0.outcome == "accepted" || $0.outcome == "rejected" }.map(\.leadKey))
        #expect(!settled.isEmpty && settled.isSubset(of: answered), "answers before the stop are reported")
        #expect(between.filter { $0.outcome == "unknown" }.count == 40 - settled.count, "the rest stay unknown")

        let healthy = try SandboxProcess()
        defer { healthy.stop() }
        let finished = try spool.retry(endpoint: healthy.endpoint, token: Self.token)
        #expect(finished.status == 0, "\(finished.output)")
        let sent = try healthy.attemptKeys()
        #expect(Set(sent.keys) == Set(held.map(\.leadKey)).subtracting(settled))
        for lead in Set(sent.keys).intersection(firstKeys.keys) {
            #expect(sent[lead] == [firstKeys[lead]?.last ?? ""], "\(lead): sent again with the same key")
        }
        #expect(try spool.allResults().allSatisfy { $0.outcome != "unknown" })
    }

    @Test func definitiveOutcomesAndUnknownBatchesAreUsageErrors() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        for outcome in ["accepted", "failed,rejected", "invalid", "duplicate", "bogus"] {
            let refused = try spool.retry(
                endpoint: "http://127.0.0.1:9/webhook/lead", token: Self.token, extra: ["--outcome", outcome])
            #expect(refused.status == 64, "\(outcome): \(refused.output)")
            #expect(refused.output.contains("failed and unknown"), "\(refused.output)")
        }
        let noLedger = try spool.retry(endpoint: "http://127.0.0.1:9/webhook/lead", token: Self.token)
        #expect(noLedger.status == 0, "\(noLedger.output)")
        #expect(noLedger.output.contains("nothing to retry"))

        try spool.dropRecent("insurance-clean.csv")
        let api = try SandboxProcess()
        defer { api.stop() }
        #expect(try spool.run(endpoint: api.endpoint, token: Self.token).status == 0)
        let unknown = try spool.retry(endpoint: api.endpoint, token: Self.token, extra: ["--batch", "ffffffff"])
        #expect(unknown.status == 64, "\(unknown.output)")
        let nothing = try spool.retry(endpoint: api.endpoint, token: Self.token)
        #expect(nothing.status == 0 && nothing.output.contains("nothing to re-drive"), "\(nothing.output)")
    }
}

extension TempSpool {
    func retry(endpoint: String, token: String, extra: [String] = []) throws -> (status: Int32, output: String) {
        try invoke(
            ["retry", "--config", base + "/leadspool.toml", "--spool", root, "--endpoint", endpoint] + extra,
            environment: ["DL_API_KEY": token])
    }

    /// The one batch's `summary.json`.
    func summary() throws -> [String: Any] {
        let names = try list("reports").filter { $0.hasSuffix(".summary.json") }
        try #require(names.count == 1, "\(names)")
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/reports/" + names[0]))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

extension SandboxProcess {
    /// `vertical|phone` → the `Idempotency-Key` of each attempt, from `GET /_sandbox/stats`.
    func attemptKeys() throws -> [String: [String]] {
        let url = URL(string: endpoint.replacingOccurrences(of: "/webhook/lead", with: "/_sandbox/stats"))!
        let box = StatsBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: url) { data, _, _ in
            box.data = data
            done.signal()
        }.resume()
        done.wait()
        let data = try #require(box.data)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let leads = object["leads"] as? [String: [String: Any]] ?? [:]
        return leads.mapValues { lead in
            (lead["attempts"] as? [[String: Any]] ?? []).map { $0["idempotency_key"] as? String ?? "" }
        }
    }
}

private final class StatsBox: @unchecked Sendable {
    var data: Data?
}

private final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [(status: Int32, output: String)?] = [nil, nil]

    func set(_ index: Int, _ result: (status: Int32, output: String)?) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    var all: [(status: Int32, output: String)?] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}
