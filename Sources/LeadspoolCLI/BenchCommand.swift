import ArgumentParser
import Foundation
import Ingest
import Pipeline

/// Stage measurements for `make bench` (hidden: an operator never needs it).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_bench", abstract: "Measure one stage (used by make bench).", shouldDisplay: false,
        subcommands: [BenchIngest.self, BenchLedger.self])
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

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
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
    @Option(help: "Rows per reserve call.") var reserveWindow = SendFeed.groupSize
    @Option(help: "Rows per markSending call (one synced commit each).") var markWindow =
        SubmitConfiguration(token: APIToken("bench")).markBatchSize
    @Option(help: "Rows per record call.") var recordWindow = RunJob.recordGroup
    @Flag(help: "Commit markSending without fsync (not how run works; shows the fsync share).")
    var noSyncMarks = false
    @Option(help: "wal_autocheckpoint, in pages.") var checkpointPages = Ledger.Configuration().checkpointPages
    @Option(help: "Page size of the new bench ledger.") var pageSize = Ledger.Configuration().newFilePageSize
    @Option(help: "Page cache, in MiB.") var cacheMib = Ledger.Configuration().cacheSizeMiB
    @Option(help: "Memory-mapped reads, in MiB.") var mmapMib = Ledger.Configuration().mmapSizeMiB

    func run() async throws {
        var configuration = Ledger.Configuration()
        configuration.syncSendMarks = !noSyncMarks
        configuration.checkpointPages = checkpointPages
        configuration.cacheSizeMiB = cacheMib
        configuration.newFilePageSize = pageSize
        configuration.mmapSizeMiB = mmapMib
        let r = try LedgerBenchmark.run(
            path: path, leads: leads, preloadKeys: preload, reserveWindow: reserveWindow, sendWindow: markWindow,
            recordWindow: recordWindow, configuration: configuration)
        let sync = noSyncMarks ? "unsynced" : "synced"
        let rates = "\(Int(r.leadsPerSecond)) leads/s wall, \(Int(r.leadsPerCPUSecond)) leads per CPU-second"
        let stages =
            "reserve \(r.reserveSeconds.rounded3) s, mark \(r.markSeconds.rounded3) s in \(r.markCalls) \(sync) "
            + "commits, record \(r.recordSeconds.rounded3) s"
        let groups = "\(r.reserveWindow)/\(r.sendWindow)/\(r.recordWindow)"
        print("\(rates) (\(stages) for \(r.leads) leads; groups reserve/mark/record \(groups))")
    }
}
