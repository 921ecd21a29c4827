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

    func run() async throws {
        let r = try LedgerBenchmark.run(path: path, leads: leads, preloadKeys: preload)
        print(
            "\(Int(r.leadsPerSecond)) leads/s wall, \(Int(r.leadsPerCPUSecond)) leads per CPU-second "
                + "(reserve \(r.reserveSeconds.rounded3) s, mark \(r.markSeconds.rounded3) s, "
                + "record \(r.recordSeconds.rounded3) s for \(r.leads) leads)")
    }
}
