import ArgumentParser
import Export
import Foundation
import Ingest
import LeadLedger
import LeadModel
import Submission
import Validation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stage measurements for `make bench` (hidden: an operator never needs it).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadspool-bench", abstract: "Measure one stage (used by make bench).",
        subcommands: [BenchIngest.self, BenchLedger.self, BenchRollupFill.self, BenchCheckReports.self])
}

struct BenchIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Read every record of a file: first pass (hash, gzip check) and parse.")

    @Argument var file: String

    func run() async throws {
        let clock = ContinuousClock()
        let t0 = clock.now
        let facts = try BatchFile.inspect(path: file)
        let t1 = clock.now
        var reader = try BatchFile.reader(path: file, facts: facts, configuration: ReaderConfiguration())
        var rows = 0
        var values = 0
        var unreadable = 0
        while let record = try reader.next() {
            rows += 1
            values += record.values.count
            if record.unreadable != nil { unreadable += 1 }
        }
        let t2 = clock.now
        let prepass = (t1 - t0).seconds
        let parse = (t2 - t1).seconds
        let mb = Double(facts.contentBytes) / 1_000_000
        print(
            "{\"file\":\"\(file)\",\"content_bytes\":\(facts.contentBytes),\"rows\":\(rows),\"values\":\(values),"
                + "\"unreadable\":\(unreadable),\"prepass_s\":\(prepass.rounded3),\"parse_s\":\(parse.rounded3),"
                + "\"parse_mb_s\":\((mb / parse).rounded1),\"total_mb_s\":\((mb / (prepass + parse)).rounded1),"
                + "\"rows_s\":\((Double(rows) / (prepass + parse)).rounded(.down))}")
    }
}


extension Double {
    var rounded3: Double { (self * 1000).rounded() / 1000 }
    var rounded1: Double { (self * 10).rounded() / 10 }
}

struct BenchLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Reserve, mark sending and record outcomes on a fresh ledger.")

    @Option var leads = 200_000
    @Option var preload = 0
    @Option var path = "bench-data/ledger-bench.sqlite"
    // The groups `run` uses: `SendFeed` reserves, the submitter marks, `RunJob` records.
    @Option(help: "Rows per reserve call.") var reserveWindow = 4096
    @Option(help: "Rows per markSending call (one synced commit each).") var markWindow =
        SubmitConfiguration(token: APIToken("bench")).markBatchSize
    @Option(help: "Rows per record call.") var recordWindow = 64
    @Flag(help: "Commit markSending without fsync (not how run works; shows the fsync share).")
    var noSyncMarks = false
    @Option(help: "wal_autocheckpoint, in pages.") var checkpointPages = Ledger.Configuration().checkpointPages
    @Option(help: "Page size of the new bench ledger.") var pageSize = Ledger.Configuration().newFilePageSize
    @Option(help: "Page cache, in MiB.") var cacheMib = Ledger.Configuration().cacheSizeMiB
    @Option(help: "Memory-mapped reads, in MiB.") var mmapMib = Ledger.Configuration().mmapSizeMiB
    @Option(help: "Keys the recent-keys table holds before a merge.")
    var recentKeys = Ledger.Configuration().recentKeysLimit
    @Flag(help: "Keep the preloaded ledger beside --path and start from a copy of it next time.")
    var keepPreload = false

    func run() async throws {
        var configuration = Ledger.Configuration()
        configuration.syncSendMarks = !noSyncMarks
        configuration.checkpointPages = checkpointPages
        configuration.cacheSizeMiB = cacheMib
        configuration.newFilePageSize = pageSize
        configuration.mmapSizeMiB = mmapMib
        configuration.recentKeysLimit = recentKeys
        let r = try LedgerBenchmark.run(
            path: path, leads: leads, preloadKeys: preload, reserveWindow: reserveWindow, sendWindow: markWindow,
            recordWindow: recordWindow, configuration: configuration, keepPreload: keepPreload)
        let sync = noSyncMarks ? "unsynced" : "synced"
        let rates = "\(Int(r.leadsPerSecond)) leads/s wall, \(Int(r.leadsPerCPUSecond)) leads per CPU-second"
        let stages =
            "reserve \(r.reserveSeconds.rounded3) s, mark \(r.markSeconds.rounded3) s in \(r.markCalls) \(sync) "
            + "commits, record \(r.recordSeconds.rounded3) s"
        let groups = "\(r.reserveWindow)/\(r.sendWindow)/\(r.recordWindow)"
        print("\(rates) (\(stages) for \(r.leads) leads; groups reserve/mark/record \(groups))")
    }
}

struct BenchRollupFill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup-fill", abstract: "Fill a fresh ledger with answered leads for timing `report`.")

    @Option var leads = 10_000_000
    @Option var batches = 1_000
    @Option var days = 30
    @Option var path = "bench-data/rollup-bench.sqlite"

    func run() async throws {
        let seconds = try LedgerBenchmark.fillForRollup(
            path: path, leads: leads, batches: batches, days: days, now: Date())
        print("{\"leads\":\(leads),\"batches\":\(batches),\"days\":\(days),\"fill_s\":\(seconds.rounded3)}")
    }
}

/// What writing the reports adds to `check`'s work, in one process: the same single-threaded pass over a file
/// (read, validate, dedupe in batch, fold into a tally) once without and once with the report writer, best of
/// `repeats` each, in CPU time (user + system, so the kernel's share of the writes counts) and wall time.
/// `check` itself reads and validates on a second thread, so this is the added work, not the added wall time
/// of a `check` on two idle cores.
struct BenchCheckReports: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-reports", abstract: "Time a check pass without and with report writing.")

    @Argument var file: String
    @Option var now: Int64?
    @Option var repeats = 2

    func run() async throws {
        let now = self.now ?? Int64(Date().timeIntervalSince1970)
        let validator = try Validator(configuration: Validator.Configuration(), now: now)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-reports-\(UUID())").path
        try FileSystem.makeDirectory(directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var without = (cpu: Double.infinity, wall: Double.infinity)
        var with = (cpu: Double.infinity, wall: Double.infinity)
        var rows = 0
        for _ in 0..<max(1, repeats) {
            let plain = try pass(validator: validator, reports: nil, now: now)
            without = (min(without.cpu, plain.cpu), min(without.wall, plain.wall))
            let timed = try pass(validator: validator, reports: directory, now: now)
            with = (min(with.cpu, timed.cpu), min(with.wall, timed.wall))
            rows = timed.rows
        }
        let overhead = (with.cpu - without.cpu) / without.cpu * 100
        print(
            "{\"rows\":\(rows),\"without_reports_cpu_s\":\(without.cpu.rounded3),"
                + "\"with_reports_cpu_s\":\(with.cpu.rounded3),\"overhead_pct\":\(overhead.rounded1),"
                + "\"without_reports_wall_s\":\(without.wall.rounded3),\"with_reports_wall_s\":\(with.wall.rounded3)}")
    }

    private func pass(
        validator: Validator, reports: String?, now: Int64
    ) throws -> (cpu: Double, wall: Double, rows: Int) {
        let clock = ContinuousClock()
        let started = clock.now
        let cpuStarted = LedgerBenchmark.cpuTime()
        let facts = try BatchFile.inspect(path: file)
        var reader = try BatchFile.reader(path: file, facts: facts, configuration: ReaderConfiguration())
        let batch = facts.batchName(claimedAt: now)
        let writer = try reports.map {
            try BatchReportWriter(
                batch: batch, publisher: Publisher.defaultName, configuration: ReportConfiguration(directory: $0))
        }
        var deduper = BatchDeduper()
        var rows = 0
        while let raw = try reader.next() {
            var checked = validator.check(raw)
            _ = deduper.check(&checked)
            let result = checked.localResult()
            rows += 1
            try writer?.add(result, raw: raw)
        }
        if let writer {
            let claimed = Date(timeIntervalSince1970: TimeInterval(now))
            _ = try writer.finish(
                summary: SummaryInputs(
                    batch: batch, fileName: FileSystem.baseName(file), publisher: Publisher.defaultName,
                    claimedAt: claimed, finishedAt: claimed, stageSeconds: [], mode: .check))
        }
        return (LedgerBenchmark.cpuTime() - cpuStarted, (clock.now - started).seconds, rows)
    }
}
