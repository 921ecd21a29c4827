import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `leadspool watch` as a child process of the test, in a `TempSpool`.
final class WatchProcess {
    let process = Process()
    private let stderrURL: URL
    private let stdoutURL: URL

    init(spool: TempSpool, endpoint: String, extra: [String] = []) throws {
        stderrURL = URL(fileURLWithPath: spool.base + "/watch.stderr")
        stdoutURL = URL(fileURLWithPath: spool.base + "/watch.stdout")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        process.executableURL = LeadspoolBinary.url
        process.arguments =
            [
                "watch", "--config", spool.base + "/leadspool.toml", "--spool", spool.root, "--endpoint", endpoint,
                "--scan-interval", "0.2",
            ] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: spool.base)
        var environment = ProcessInfo.processInfo.environment
        environment["DL_API_URL"] = nil
        environment["DL_API_KEY"] = "dl_test_watch"
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    /// Polls `condition` until it holds; fails the test after `limit` seconds (a hang guard, not a
    /// speed check: the conditions normally hold within a second).
    @discardableResult
    func wait(
        for what: String, limit: Double = 60, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () throws -> Bool
    ) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("watch never got to: \(what)\nstderr:\n\(stderr)", sourceLocation: sourceLocation)
        return false
    }

    /// Sends `signal` and waits for the exit status.
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite("watch", .serialized)
struct WatchTests {
    private func done(_ spool: TempSpool, _ name: String) -> Bool {
        ((try? spool.list("done")) ?? []).contains { $0.hasPrefix(name) }
    }

    private func csv(_ rows: Int, seed: Int) throws -> Data {
        let result = try runLeadspool(["gen", "--rows", "\(rows)", "--seed", "\(seed)", "--vertical", "solar"])
        try #require(result.status == 0)
        return result.stdout
    }

    @Test func picksUpFilesRenamedInLinkedInAndInNewPublisherFolders() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let sandbox = try SandboxProcess()
        defer { sandbox.stop() }
        let watch = try WatchProcess(spool: spool, endpoint: sandbox.endpoint)
        watch.wait(for: "watching") { watch.stderr.contains("watching") }

        // An upload renamed into place.
        let first = try csv(20, seed: 1)
        try first.write(to: URL(fileURLWithPath: spool.base + "/upload.tmp"))
        #expect(rename(spool.base + "/upload.tmp", spool.root + "/incoming/renamed.csv") == 0)
        watch.wait(for: "renamed.csv in done/") { done(spool, "renamed.csv") }

        // An upload linked into place, its temporary name unlinked (no IN_MOVED_TO event).
        let second = try csv(20, seed: 2)
        try second.write(to: URL(fileURLWithPath: spool.root + "/incoming/.linked.part"))
        #expect(link(spool.root + "/incoming/.linked.part", spool.root + "/incoming/linked.csv") == 0)
        #expect(unlink(spool.root + "/incoming/.linked.part") == 0)
        watch.wait(for: "linked.csv in done/") { done(spool, "linked.csv") }

        // A publisher folder made after the watcher started.
        try FileManager.default.createDirectory(atPath: spool.root + "/incoming/acme", withIntermediateDirectories: true)
        try csv(20, seed: 3).write(to: URL(fileURLWithPath: spool.root + "/incoming/acme/late.csv"))
        watch.wait(for: "acme/late.csv in done/") {
            ((try? spool.list("done/acme")) ?? []).contains("late.csv")
        }

        #expect(watch.stop() == 0)
        #expect(try spool.list("incoming") == ["acme"])
        #expect(try spool.list("incoming/acme").isEmpty)
        #expect(try spool.list("work").allSatisfy { (try? spool.list("work/" + $0))?.isEmpty == true })
        let stats = try sandbox.stats()
        #expect(stats.total == 60)
        #expect(stats.submissionsPerLead.allSatisfy { $0 == 1 })
        #expect(try spool.allResults().count == 60)
    }

    @Test func withoutInotifyTheScanFindsFiles() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let sandbox = try SandboxProcess()
        defer { sandbox.stop() }
        let watch = try WatchProcess(spool: spool, endpoint: sandbox.endpoint, extra: ["--no-inotify"])
        watch.wait(for: "watching") { watch.stderr.contains("watching") }
        #expect(watch.stderr.contains("watch.inotify=false"))
        try csv(10, seed: 4).write(to: URL(fileURLWithPath: spool.root + "/incoming/polled.csv"))
        watch.wait(for: "polled.csv in done/") { done(spool, "polled.csv") }
        #expect(watch.stop() == 0)
        #expect(try sandbox.stats().total == 10)
    }

    /// A finished file that is not a batch (`notes.txt`) is named once, not at every scan; once more if it
    /// goes and comes back.
    @Test func aFileOfAnotherKindIsNamedOnce() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let sandbox = try SandboxProcess()
        defer { sandbox.stop() }
        try "not leads\n".write(toFile: spool.root + "/incoming/notes.txt", atomically: true, encoding: .utf8)
        let watch = try WatchProcess(spool: spool, endpoint: sandbox.endpoint, extra: ["--no-inotify"])
        watch.wait(for: "watching") { watch.stderr.contains("watching") }
        func batch(_ n: Int) throws {
            try csv(5, seed: 20 + n).write(to: URL(fileURLWithPath: spool.root + "/incoming/b\(n).csv"))
            watch.wait(for: "b\(n).csv in done/") { done(spool, "b\(n).csv") }
        }
        try batch(1)
        try batch(2)
        #expect(watch.stderr.components(separatedBy: "not claimed: not a batch file name").count - 1 == 1)
        // Taken away and dropped again later, it is named again.
        try FileManager.default.removeItem(atPath: spool.root + "/incoming/notes.txt")
        try batch(3)
        try "not leads\n".write(toFile: spool.root + "/incoming/notes.txt", atomically: true, encoding: .utf8)
        try batch(4)
        #expect(watch.stop() == 0)
        #expect(watch.stderr.components(separatedBy: "not claimed: not a batch file name").count - 1 == 2)
        #expect(watch.stderr.contains("notes.txt"))
        #expect(try spool.list("incoming").contains("notes.txt"))
    }

    @Test func sigtermDrainsExitsZeroAndTheNextRunFinishesWithoutResending() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nmax_in_flight = 4\n")
        defer { spool.remove() }
        // Slow answers, so the batch is mid-way when the signal comes.
        let sandbox = try SandboxProcess(extra: ["--latency-ms", "50..50"])
        defer { sandbox.stop() }
        let watch = try WatchProcess(spool: spool, endpoint: sandbox.endpoint)
        watch.wait(for: "watching") { watch.stderr.contains("watching") }
        let rows = 2_000
        try csv(rows, seed: 5).write(to: URL(fileURLWithPath: spool.root + "/incoming/big.csv"))
        watch.wait(for: "some leads answered") { try sandbox.stats().total >= 40 }

        #expect(watch.stop(SIGTERM) == 0)
        #expect(watch.stderr.contains("SIGTERM"))
        // The batch stays claimed for the next run; its reports say what finished and what did not.
        #expect(try spool.list("work") == ["big.csv"])
        #expect(try spool.list("done").isEmpty)
        let partial = try spool.allResults()
        #expect(partial.count == rows)
        let notSubmitted = partial.filter { $0.reasonCode == "NOT_SUBMITTED" }
        let answered = partial.filter { $0.outcome == "accepted" || $0.outcome == "rejected" }
        #expect(!notSubmitted.isEmpty)
        #expect(answered.count == (try sandbox.stats().total))
        #expect(answered.count + notSubmitted.count == rows)

        // A run (against a quick sandbox) takes the orphaned claim and sends only what was left.
        let before = try sandbox.stats()
        sandbox.stop()
        let quick = try SandboxProcess()
        defer { quick.stop() }
        let run = try spool.run(endpoint: quick.endpoint, token: "dl_test_watch")
        #expect(run.status == 0, "\(run.output)")
        #expect(try spool.list("work").isEmpty)
        let final = try spool.allResults()
        #expect(final.count == rows)
        #expect(final.allSatisfy { $0.outcome == "accepted" || $0.outcome == "rejected" })
        let after = try quick.stats()
        #expect(before.total + after.total == rows)
        #expect(Set(before.statusesByLead.keys).isDisjoint(with: after.statusesByLead.keys))
        #expect((before.submissionsPerLead + after.submissionsPerLead).allSatisfy { $0 == 1 })
    }

    @Test func aBatchThatFailsIsTriedAgainLaterWhileTheWatcherRuns() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let sandbox = try SandboxProcess()
        defer { sandbox.stop() }
        let watch = try WatchProcess(spool: spool, endpoint: sandbox.endpoint)
        watch.wait(for: "watching") { watch.stderr.contains("watching") }
        // Reports cannot be written while `reports` is a file.
        try FileManager.default.removeItem(atPath: spool.root + "/reports")
        try Data().write(to: URL(fileURLWithPath: spool.root + "/reports"))
        try csv(10, seed: 6).write(to: URL(fileURLWithPath: spool.root + "/incoming/retried.csv"))
        watch.wait(for: "the failure logged") { watch.stderr.contains("tried again in") }
        #expect(watch.process.isRunning)
        #expect(try spool.list("work") == ["retried.csv"])

        try FileManager.default.removeItem(atPath: spool.root + "/reports")
        try FileManager.default.createDirectory(atPath: spool.root + "/reports", withIntermediateDirectories: true)
        watch.wait(for: "retried.csv in done/") { done(spool, "retried.csv") }
        #expect(watch.stop() == 0)
        #expect(try spool.allResults().count == 10)
        // The failed attempt had sent its leads already; the retry re-sent none of them.
        let stats = try sandbox.stats()
        #expect(stats.total == 10)
        #expect(stats.submissionsPerLead.allSatisfy { $0 == 1 })
    }

    @Test func metricsExposeTheRunsFigures() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\n[publishers.acme]\ntoken_env = \"DL_API_KEY\"\n")
        defer { spool.remove() }
        let sandbox = try SandboxProcess()
        defer { sandbox.stop() }
        let watch = try WatchProcess(spool: spool, endpoint: sandbox.endpoint, extra: ["--metrics-port", "0"])
        watch.wait(for: "watching") { watch.stderr.contains("metrics.url=") }
        let text = watch.stderr
        let start = try #require(text.range(of: "metrics.url=")).upperBound
        let url = String(text[start...].prefix { !$0.isWhitespace })
        func value(_ metrics: String, _ series: String) -> Double? {
            metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }
                .flatMap { Double($0.split(separator: " ").last!) }
        }
        /// The sum of every series of `name` whose labels include each of `labels` (`key="value"`).
        func sum(_ metrics: String, _ name: String, _ labels: [String] = []) -> Double {
            metrics.split(separator: "\n").filter { line in
                line.hasPrefix(name + "{") && labels.allSatisfy { line.contains($0) }
            }.compactMap { Double($0.split(separator: " ").last!) }.reduce(0, +)
        }

        // Before any batch, the series alerts use are there at 0.
        let before = try Self.get(url)
        for publisher in ["default", "acme"] {
            for vertical in ["insurance", "mortgage", "solar", "debt", "none"] {
                for outcome in ["accepted", "rejected", "invalid", "duplicate", "failed", "unknown", "pending"] {
                    let labels = #"outcome="\#(outcome)",vertical="\#(vertical)",publisher="\#(publisher)""#
                    let series = "leadspool_leads_total{\(labels)}"
                    #expect(value(before, series) == 0, "\(series)")
                }
                let revenue = #"leadspool_revenue_dollars_total{vertical="\#(vertical)",publisher="\#(publisher)"}"#
                #expect(value(before, revenue) == 0, "\(revenue)")
            }
        }
        for result in ["done", "stopped", "quarantined", "failed", "busy"] {
            #expect(value(before, #"leadspool_batches_total{result="\#(result)"}"#) == 0, "\(result)")
        }
        #expect(value(before, "leadspool_last_batch_success_timestamp_seconds") == 0)
        let ledgerBefore = try #require(value(before, "leadspool_ledger_bytes"))
        #expect(ledgerBefore > 0)
        #expect((value(before, "process_start_time_seconds") ?? 0) > Date().timeIntervalSince1970 - 600)

        let dropped = Date().timeIntervalSince1970
        try csv(25, seed: 7).write(to: URL(fileURLWithPath: spool.root + "/incoming/m.csv"))
        watch.wait(for: "m.csv in done/") { done(spool, "m.csv") }
        // The batch is counted just after its file is archived: read the figures once it is.
        var metrics = ""
        watch.wait(for: "the batch counted") {
            metrics = try Self.get(url)
            return value(metrics, #"leadspool_batches_total{result="done"}"#) == 1
        }

        let accepted = try spool.allResults().filter { $0.outcome == "accepted" }.count
        let rejected = 25 - accepted
        #expect(value(metrics, "leadspool_submissions_total") == 25)
        // The names of before: a sum over the labels gives the old `{outcome}` figures.
        #expect(sum(metrics, "leadspool_leads_total", [#"outcome="accepted""#]) == Double(accepted))
        #expect(sum(metrics, "leadspool_leads_total", [#"outcome="rejected""#]) == Double(rejected))
        #expect(
            value(metrics, #"leadspool_leads_total{outcome="accepted",vertical="solar",publisher="default"}"#)
                == Double(accepted))
        #expect(
            value(metrics, #"leadspool_leads_total{outcome="rejected",vertical="solar",publisher="default"}"#)
                == Double(rejected))
        #expect(sum(metrics, "leadspool_leads_total", [#"publisher="acme""#]) == 0)
        // Revenue: the accepted bids of the results, in dollars.
        let revenue = try #require(
            value(metrics, #"leadspool_revenue_dollars_total{vertical="solar",publisher="default"}"#))
        #expect(abs(revenue - (try Self.acceptedRevenue(spool))) < 0.005)
        #expect(accepted == 0 || revenue > 0)
        #expect(sum(metrics, "leadspool_revenue_dollars_total", [#"vertical="insurance""#]) == 0)
        let success = try #require(value(metrics, "leadspool_last_batch_success_timestamp_seconds"))
        #expect(success >= dropped - 1 && success <= Date().timeIntervalSince1970 + 1)
        #expect((value(metrics, "leadspool_ledger_bytes") ?? 0) > ledgerBefore)
        #expect(value(metrics, "leadspool_retries_total") == 0)
        #expect(value(metrics, "leadspool_rate_limited_total") == 0)
        #expect(value(metrics, "leadspool_in_flight") == 0)
        #expect((value(metrics, "leadspool_concurrency_limit") ?? 0) >= 1)
        #expect(value(metrics, "leadspool_request_duration_seconds_count") == 25)
        #expect(value(metrics, "leadspool_files_waiting") == 0)
        #expect(value(metrics, #"leadspool_batches_total{result="failed"}"#) == 0)
        #expect(watch.stop(SIGINT) == 0)
    }

    /// The accepted leads' bids in the batch reports, in dollars.
    private static func acceptedRevenue(_ spool: TempSpool) throws -> Double {
        var cents = 0
        for name in try spool.list("reports") where name.hasSuffix(".results.jsonl") {
            let text = try String(contentsOfFile: spool.root + "/reports/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                guard object["outcome"] as? String == "accepted", let bid = object["bid_amount"] as? Double else {
                    continue
                }
                cents += Int((bid * 100).rounded())
            }
        }
        return Double(cents) / 100
    }

    @Test func aSecondSignalExitsAtOnce() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nmax_in_flight = 2\n[watch]\ndrain_seconds = 600\n")
        defer { spool.remove() }
        // Answers so slow that the drain would take minutes.
        let sandbox = try SandboxProcess(extra: ["--latency-ms", "5000..5000"])
        defer { sandbox.stop() }
        let watch = try WatchProcess(spool: spool, endpoint: sandbox.endpoint)
        watch.wait(for: "watching") { watch.stderr.contains("watching") }
        try csv(50, seed: 8).write(to: URL(fileURLWithPath: spool.root + "/incoming/slow.csv"))
        watch.wait(for: "leads in flight") { try Self.sendingLeads(ledger: spool.root + "/ledger.sqlite") > 0 }
        kill(watch.process.processIdentifier, SIGTERM)
        watch.wait(for: "the drain begun") { watch.stderr.contains("SIGTERM") }
        #expect(watch.stop(SIGTERM) == 128 + SIGTERM)
        #expect(watch.stderr.contains("second SIGTERM"))
        // The next run resumes: every row gets one final outcome.
        sandbox.stop()
        let healthy = try SandboxProcess()
        defer { healthy.stop() }
        let run = try spool.run(endpoint: healthy.endpoint, token: "dl_test_watch")
        #expect(run.status == 0, "\(run.output)")
        #expect(try spool.allResults().count == 50)
        #expect(try spool.list("work").isEmpty)
    }

    /// Leads marked `sending` in the ledger, read with the sqlite3 shell (not the product).
    static func sendingLeads(ledger: String) throws -> Int {
        let result = try runTool(
            "/usr/bin/sqlite3", ["-readonly", ledger, "select count(*) from leads where state = 'sending'"],
            stdin: Data())
        return Int(String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    static func get(_ url: String) throws -> String {
        final class Box: @unchecked Sendable { var data: Data? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: URL(string: url)!) { data, _, _ in
            box.data = data
            done.signal()
        }.resume()
        done.wait()
        return String(decoding: try #require(box.data), as: UTF8.self)
    }
}
