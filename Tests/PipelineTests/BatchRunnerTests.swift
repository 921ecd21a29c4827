import Export
import Foundation
import Ingest
import LeadGenerator
import LeadLedger
import LeadModel
import Logging
import Pipeline
import Submission
import Synchronization
import Testing

/// The batch run as a library: a real spool and SQLite ledger in a temporary directory, generated batches,
/// a transport behind the one seam in front of the network, and a sink that collects every result row.
@Suite struct BatchRunnerTests {
    @Test func everyRowGetsOneResultAndEveryLeadIsSentOnce() async throws {
        let bed = try TestBed()
        defer { bed.remove() }
        try bed.drop("leads.csv", rows: 120, dirty: 0.3, seed: 3)
        let transport = ScriptedTransport()
        let runner = try await bed.runner(transport: transport)

        let pass = await runner.pass { _, _ in }
        #expect(pass.processed == 1)
        #expect(pass.exitCode == .ok)
        let rows = bed.results.rows
        // Every row once, in input order, whatever its fate.
        #expect(rows.map(\.row) == Array(1...120))
        let accepted = rows.filter { $0.outcome == .accepted }.count
        #expect(accepted > 0)
        #expect(rows.contains { $0.outcome == .invalid })
        #expect(!rows.contains { $0.outcome == .pending || $0.outcome == .unknown })
        // Each lead that went out went out once, under a key of its own.
        let keys = transport.keys
        #expect(keys.count == accepted)
        #expect(Set(keys).count == keys.count)
        #expect(FileSystem.status(bed.spool + "/done/leads.csv") != nil)

        // The same content dropped again is the same batch: its rows are reported again, nothing is re-sent.
        try bed.drop("again.csv", rows: 120, dirty: 0.3, seed: 3)
        let again = await runner.pass { _, _ in }
        #expect(again.processed == 1)
        #expect(transport.keys.count == accepted)
        #expect(bed.results.rows.count == 240)
        #expect(bed.results.rows.suffix(120).map(\.outcome) == rows.map(\.outcome))
        await runner.close()
    }

    @Test func checkWritesNoLedgerRows() async throws {
        let bed = try TestBed()
        defer { bed.remove() }
        // A ledger that exists (check consults it read-only).
        let runner = try await bed.runner(transport: ScriptedTransport())
        await runner.close()
        let path = try bed.drop("check.csv", rows: 60, dirty: 0.2, seed: 5)

        let configuration = try bed.configuration()
        let lookup = try #require(
            try LedgerLookup.openReadOnly(
                path: configuration.ledgerPath, keyPath: configuration.ledgerKeyPath,
                configuration: configuration.ledger))
        let now = Int64(Date().timeIntervalSince1970)
        let job = CheckJob(
            path: path, validator: try configuration.makeValidator(now: now, publisher: Publisher.defaultName),
            sinks: bed.results, ledger: lookup, now: now, logger: bed.logger)
        guard case .checked = job.run() else {
            Issue.record("check did not check the file")
            return
        }
        #expect(bed.results.rows.map(\.row) == Array(1...60))
        #expect(bed.results.rows.contains { $0.outcome == .valid })

        let ledger = try bed.openLedger()
        #expect(try ledger.batchStatus(id: try BatchFile.inspect(path: path).sha256) == nil)
        #expect(try ledger.rollup(since: nil, until: nil, by: [.batch]).isEmpty)
    }

    @Test func aStopMidBatchLeavesTheUnsentRowsPending() async throws {
        let bed = try TestBed()
        defer { bed.remove() }
        try bed.drop("stopped.csv", rows: 200, dirty: 0, seed: 9)
        let transport = ScriptedTransport()
        let runner = try await bed.runner(transport: transport, maxInFlight: 2)
        // The first stop signal, as `run` gets it, after the fifth request: nothing new starts.
        transport.afterRequest = { count in if count == 5 { runner.drain() } }

        let pass = await runner.pass { _, _ in }
        #expect(pass.interrupted)
        #expect(pass.exitCode == .ok)
        let rows = bed.results.rows
        #expect(rows.map(\.row) == Array(1...200))
        let sent = transport.keys.count
        #expect(sent >= 5 && sent < 200)
        #expect(rows.filter { $0.outcome == .accepted }.count == sent)
        let pending = rows.filter { $0.outcome == .pending }
        #expect(pending.count == 200 - sent)
        #expect(pending.allSatisfy { $0.reasonCode == .notSubmitted })
        // The file waits in work/ for the next run, which sends only what was not sent.
        #expect(FileSystem.status(bed.spool + "/work/stopped.csv") != nil)
        await runner.close()

        let next = try await bed.runner(transport: transport)
        transport.afterRequest = nil
        let resumed = await next.pass { _, _ in }
        #expect(resumed.processed == 1)
        #expect(transport.keys.count == 200)
        #expect(Set(transport.keys).count == 200)
        #expect(bed.results.rows.suffix(200).allSatisfy { $0.outcome == .accepted })
        await next.close()
    }
}

/// A temporary spool with its ledger, and the results of every batch run over it.
private struct TestBed {
    let root: String
    let results = CollectedResults()
    let logger = Logger(label: "leadspool.test") { _ in SwiftLogNoOpLogHandler() }
    /// The generated batches' "now": one for the bed, so equal options give equal files.
    let now = Int64(Date().timeIntervalSince1970)

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("batch-runner-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root + "/spool/incoming", withIntermediateDirectories: true)
    }

    var spool: String { root + "/spool" }

    func configuration() throws -> BatchRunConfiguration {
        var configuration = BatchRunConfiguration(spool: spool)
        configuration.settleSeconds = 0
        return configuration
    }

    func runner(transport: ScriptedTransport, maxInFlight: Int = 8) async throws -> BatchRunner<CollectedResults> {
        let logger = self.logger
        return try await BatchRunner.open(
            configuration: try configuration(),
            senders: {
                try await SenderPool.open(
                    token: APIToken("dl_test_runner"), publisherTokens: [:], logger: logger,
                    configuration: { token in
                        var configuration = SubmitConfiguration(endpoint: "http://127.0.0.1:9/lead", token: token)
                        configuration.maxInFlight = maxInFlight
                        return configuration
                    },
                    transport: { _ in transport })
            },
            sinks: results, observer: nil, logger: logger)
    }

    func openLedger() throws -> Ledger {
        let configuration = try configuration()
        return try Ledger(
            path: configuration.ledgerPath, keyPath: configuration.ledgerKeyPath, configuration: configuration.ledger,
            logger: logger)
    }

    /// Writes a generated batch into `incoming/`; answers its path.
    @discardableResult
    func drop(_ name: String, rows: Int, dirty: Double, seed: UInt64) throws -> String {
        let path = spool + "/incoming/" + name
        let options = GenOptions(
            rows: rows, dirty: dirty, seed: seed, verticals: Vertical.allCases, now: now, e164Phones: false)
        let file = try GenOutputFile(path: path)
        _ = try GenRun(options: options, format: .csv, gzip: false).write(
            to: file.descriptor, name: path, defectsLog: nil)
        try file.commit()
        return path
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// Accepts every lead, keeping the `Idempotency-Key` of each request.
private final class ScriptedTransport: LeadTransport, @unchecked Sendable {
    private let state = Mutex<[String]>([])
    /// Called after each request with how many were made.
    var afterRequest: (@Sendable (Int) -> Void)? {
        get { hook.withLock { $0 } }
        set { hook.withLock { $0 = newValue } }
    }
    private let hook = Mutex<(@Sendable (Int) -> Void)?>(nil)

    var keys: [String] { state.withLock { $0 } }

    func send(_ request: SubmitRequest) async throws -> TransportResponse {
        let count = state.withLock { keys in
            keys.append(request.idempotencyKey)
            return keys.count
        }
        afterRequest?(count)
        return TransportResponse(status: 200, body: Array(#"{"status":"accepted","bid_amount":12.5}"#.utf8))
    }
}

/// Every result row of every batch, in the order written.
private final class CollectedResults: ResultSinks, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [LeadResult] = []

    var rows: [LeadResult] { lock.withLock { collected } }

    func sink(batch: String, publisher: String, inputEncoding: TextEncoding) throws -> Sink {
        Sink(batch: batch, into: self)
    }

    final class Sink: ResultSink {
        let batch: String
        let results: CollectedResults
        private var rows: [LeadResult] = []

        init(batch: String, into results: CollectedResults) {
            self.batch = batch
            self.results = results
        }

        func add(_ result: LeadResult, raw: RawRecord?) throws { rows.append(result) }

        func finish(summary: SummaryInputs) throws -> ReportPaths {
            results.lock.withLock { results.collected += rows }
            return ReportPaths(directory: "/nonexistent", batch: batch)
        }

        func abandon() { rows = [] }
    }
}
