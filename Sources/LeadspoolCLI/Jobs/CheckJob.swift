import Export
import Foundation
import Ingest
import Logging
import Pipeline

/// One file of `leadspool check`: read → validate → dedupe in batch (and against the ledger,
/// read-only, when one exists) → reports.
struct CheckJob {
    enum Result {
        case checked(String)
        case unreadable(String)
        case reportFailed(String)
    }

    let path: String
    let validator: Validator
    let reports: ReportConfiguration
    let ledger: LedgerLookup?
    let now: Int64
    let logger: Logger
    /// Progress line.
    var observer: RunObserver?

    func run() -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        let sniffed: (format: BatchFormat, gzip: Bool)
        do {
            sniffed = try BatchFile.sniff(path: path)
        } catch {
            return .unreadable(error.description)
        }
        // Reading and validating run on a thread of their own from the start; this thread makes the first
        // pass (the content hash names the batch) meanwhile, then dedupes and writes. The queue holds up
        // to `capacity` chunks, so the reader gets that far ahead while the hash is computed.
        enum Chunk {
            /// Checked rows, and the bytes read so far.
            case rows([(CheckedRecord, RawRecord?)], Int)
            case failed(IngestError)
        }
        let handoff = Handoff<Chunk>(capacity: 16)
        // Rows this thread is done with go back to the reader's thread to be freed there: their strings
        // were allocated there, and freeing them here made both threads contend for one malloc arena
        // (and left this thread, the busier one, with the releases).
        let recycle = Handoff<[(CheckedRecord, RawRecord?)]>(capacity: 24)
        let validator = self.validator
        let path = self.path
        let producer = Thread {
            var chunk: [(CheckedRecord, RawRecord?)] = []
            chunk.reserveCapacity(1024)
            // The report writer reads a record only to copy it into rejects.csv (and the first one for the
            // header): a CSV record that passed validation is freed here at once instead of crossing to the
            // other thread and back. (JSONL records each bring their own keys, so they all go on.)
            let keepsEveryRecord = sniffed.format == .jsonl
            var first = true
            do {
                var reader = try BatchFile.reader(
                    path: path, format: sniffed.format, gzip: sniffed.gzip, configuration: ReaderConfiguration())
                while let record = try reader.next() {
                    let checked = validator.check(record)
                    let keep = keepsEveryRecord || first || !checked.problems.isEmpty
                    first = false
                    chunk.append((checked, keep ? consume record : nil))
                    if chunk.count == 1024 {
                        _ = recycle.drain()
                        guard handoff.put(.rows(chunk, reader.bytesRead)) else { return }
                        chunk = []
                        chunk.reserveCapacity(1024)
                    }
                }
                if !chunk.isEmpty { handoff.put(.rows(chunk, reader.bytesRead)) }
            } catch {
                handoff.put(.failed(error as? IngestError ?? IngestError(.io, "\(error)")))
            }
            handoff.close()
            recycle.close()
        }
        producer.stackSize = 1 << 22
        producer.start()
        defer { handoff.close() }

        let facts: BatchFacts
        do {
            facts = try BatchFile.inspect(path: path)
        } catch {
            return .unreadable(error.description)
        }
        let batch = facts.batchName(claimedAt: now)
        let fileName = FileSystem.baseName(path)
        observer?.batchStarted(file: fileName, contentBytes: facts.contentBytes)
        defer { observer?.batchEnded(result: "checked") }
        let writer: BatchReportWriter
        do {
            writer = try BatchReportWriter(batch: batch, publisher: Publisher.defaultName, configuration: reports)
        } catch {
            return .reportFailed("cannot write reports: \(error)")
        }
        var deduper = BatchDeduper()
        var tally = OutcomeTally()
        let readStarted = clock.now
        do {
            while let chunk = handoff.take() {
                // `consume`: the rows are then uniquely referenced, so marking duplicates in place does not
                // copy the whole chunk (and retain every string in it).
                switch consume chunk {
                case .failed(let error):
                    throw error
                case .rows(var rows, let bytes):
                    for i in rows.indices { _ = deduper.check(&rows[i].0) }
                    if let ledger { ledger.markDuplicates(&rows) }
                    // In place (`inout`): iterating the array, or reading an element, copies the whole
                    // record and retains each of its strings.
                    for i in rows.indices { try Self.settle(&rows[i], tally: &tally, writer: writer) }
                    observer?.read(rows: tally.rows, bytes: bytes, toSend: 0)
                    recycle.offer(consume rows)
                }
            }
        } catch let error as IngestError {
            writer.abandon()
            return .unreadable(error.description)
        } catch {
            writer.abandon()
            return .reportFailed("cannot write reports: \(error)")
        }
        let finished = clock.now
        let paths: ReportPaths
        do {
            paths = try writer.finish(
                summary: SummaryInputs(
                    batch: batch, fileName: fileName, publisher: Publisher.defaultName,
                    claimedAt: Date(timeIntervalSince1970: TimeInterval(now)),
                    finishedAt: Date(timeIntervalSince1970: TimeInterval(now) + (finished - started).seconds),
                    stageSeconds: [
                        ("inspect", (readStarted - started).seconds), ("check", (finished - readStarted).seconds),
                    ],
                    mode: .check))
        } catch {
            return .reportFailed("cannot write reports: \(error)")
        }
        logger.info(
            "checked", metadata: ["batch.id": "\(batch)", "batch.rows": "\(tally.rows)", "batch.file": "\(fileName)"])
        return .checked(tally.render(file: fileName, batch: batch, resultsPath: paths.resultsCSV))
    }

    private static func settle(
        _ row: inout (CheckedRecord, RawRecord?), tally: inout OutcomeTally, writer: BatchReportWriter
    ) throws {
        let result = row.0.localResult()
        tally.add(result)
        try writer.add(result, raw: row.1)
    }
}

/// Counts for the short summary printed after a batch.
struct OutcomeTally {
    var rows = 0
    var byOutcome: [Outcome: Int] = [:]
    var byReason: [ReasonCode: Int] = [:]
    var revenue = 0.0

    mutating func add(_ result: LeadResult) {
        rows += 1
        byOutcome[result.outcome, default: 0] += 1
        if let code = result.reasonCode { byReason[code, default: 0] += 1 }
        if result.outcome == .accepted, let bid = result.bidAmount { revenue += bid }
    }

    func render(file: String, batch: String, resultsPath: String) -> String {
        var lines = ["\(file)  batch \(batch)"]
        let outcomes = Outcome.allCases.compactMap { o in byOutcome[o].map { "\($0) \(o.rawValue)" } }
        lines.append("  \(rows) rows: " + (outcomes.isEmpty ? "none" : outcomes.joined(separator: ", ")))
        if byOutcome[.accepted, default: 0] > 0 {
            lines.append("  revenue $" + String(format: "%.2f", revenue))
        }
        let top = byReason.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }.prefix(5)
        if !top.isEmpty {
            lines.append("  top reasons: " + top.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        }
        lines.append("  results: \(resultsPath)")
        return lines.joined(separator: "\n")
    }
}
