import Export
import Foundation
package import Ingest
import LeadLedger
import LeadModel
package import Logging
package import Validation

/// One file of `leadspool check`: read → validate → dedupe in batch (and against the ledger,
/// read-only, when one exists) → reports.
package struct CheckJob<Sinks: ResultSinks> {
    package enum Result {
        case checked(String, batch: String, json: JSONLine)
        case unreadable(String)
        case reportFailed(String)
        /// The same content as a file checked before in this call: its reports are that file's.
        case sameContent(asFile: String, batch: String)
    }

    let path: String
    let validator: Validator
    let sinks: Sinks
    let ledger: LedgerLookup?
    let now: Int64
    let logger: Logger
    /// Progress line.
    package var observer: (any BatchObserver)?
    /// The `encoding` setting.
    package var encoding = EncodingSetting.auto
    /// How records are read: the publisher's column mapping.
    package var readerConfiguration = ReaderConfiguration()
    /// Whose files these are (`check --publisher`): the reports name that publisher.
    package var publisher = Publisher.defaultName
    /// Batch names written earlier in this call, with their files: a file with the same content (the same
    /// hash at the end of the name) is not checked again, which could overwrite those reports.
    package var written: [String: String] = [:]

    /// - Parameters:
    ///   - ledger: the ledger, read-only, when one exists: leads it holds are duplicates.
    ///   - now: the validator's `now` and the batch's claim time.
    package init(path: String, validator: Validator, sinks: Sinks, ledger: LedgerLookup?, now: Int64, logger: Logger) {
        self.path = path
        self.validator = validator
        self.sinks = sinks
        self.ledger = ledger
        self.now = now
        self.logger = logger
    }

    package func run() -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        let sniffed: (format: BatchFormat, gzip: Bool)
        // Reading starts in the encoding the file's first 64 KiB suggest; the first pass decides on the whole
        // file, and reading starts over in the other encoding when that decision differs (nothing is sent).
        var decision: EncodingDecision
        do {
            sniffed = try BatchFile.sniff(path: path)
            decision = try BatchFile.sniffText(path: path, gzip: sniffed.gzip).decision(encoding)
        } catch {
            return .unreadable(error.description)
        }
        // Reading runs on a thread of its own from the start; this thread makes the first pass (the
        // content hash names the batch) meanwhile, then dedupes and writes. The queue holds up to
        // `capacity` chunks, so the reader gets that far ahead while the hash is computed (32 chunks: about
        // 15 MB more than 16, for a few percent of wall time on a 1 M-row file).
        //
        // Validating goes to whichever thread has time for it: the reader validates a chunk when this
        // thread still has chunks waiting (it is the slower one), and hands it over unvalidated when this
        // thread is waiting for work, so neither core idles while the other has a backlog.
        // Rows this thread is done with go back to the reader's thread to be freed there: their strings
        // were allocated there, and freeing them here made both threads contend for one malloc arena
        // (and left this thread, the busier one, with the releases).
        typealias Recycle = Handoff<[(CheckedRecord, RawRecord?)]>
        let validator = self.validator
        let path = self.path
        let readerConfiguration = self.readerConfiguration
        // The report writer reads a record only to copy it into rejects.csv (and the first one for the
        // header): a CSV record that passed validation is freed at once instead of going on. (JSONL records
        // each bring their own keys, so they all go on.)
        let keepsEveryRecord = sniffed.format == .jsonl
        func startReading(_ encoding: TextEncoding) -> (Handoff<CheckChunk>, Recycle) {
            let handoff = Handoff<CheckChunk>(capacity: 32)
            let recycle = Recycle(capacity: 40)
            let producer = Thread {
                var chunk: [(CheckedRecord, RawRecord?)] = []
                chunk.reserveCapacity(CheckTuning.chunkRows)
                var first = true
                var validating = false
                do {
                    var reader = try BatchFile.reader(
                        path: path, format: sniffed.format, gzip: sniffed.gzip, encoding: encoding,
                        configuration: readerConfiguration)
                    while let record = try reader.next() {
                        if validating {
                            let checked = validator.check(record)
                            let keep = keepsEveryRecord || first || !checked.problems.isEmpty
                            chunk.append((checked, keep ? consume record : nil))
                        } else {
                            chunk.append((CheckTuning.unchecked, consume record))
                        }
                        first = false
                        if chunk.count == CheckTuning.chunkRows {
                            _ = recycle.drain()
                            guard handoff.put(.rows(chunk, reader.bytesRead, checked: validating)) else { return }
                            chunk = []
                            chunk.reserveCapacity(CheckTuning.chunkRows)
                            validating = handoff.count >= CheckTuning.backlogToValidate
                        }
                    }
                    if !chunk.isEmpty { handoff.put(.rows(chunk, reader.bytesRead, checked: validating)) }
                } catch {
                    handoff.put(.failed(error as? IngestError ?? IngestError(.io, "\(error)")))
                }
                handoff.close()
                recycle.close()
            }
            producer.stackSize = 1 << 22
            producer.start()
            return (handoff, recycle)
        }
        var (handoff, recycle) = startReading(decision.encoding)
        defer { handoff.close() }

        let facts: BatchFacts
        do {
            facts = try BatchFile.inspect(path: path)
        } catch {
            return .unreadable(error.description)
        }
        let decided = facts.text.decision(encoding)
        if decided.encoding != decision.encoding {
            handoff.close()
            (handoff, recycle) = startReading(decided.encoding)
        }
        decision = decided
        let fileName = FileSystem.baseName(path)
        let batch = facts.batchName(claimedAt: now, uploadName: fileName)
        // Same content under any name: the batch name ends in the content's hash.
        if let (firstBatch, first) = written.first(where: { $0.key.hasSuffix("-" + facts.sha256.prefix(12)) }) {
            return .sameContent(asFile: first, batch: firstBatch)
        }
        observer?.batchStarted(file: fileName, contentBytes: facts.contentBytes)
        defer { observer?.batchEnded(result: .checked) }
        let writer: Sinks.Sink
        do {
            writer = try sinks.sink(batch: batch, publisher: publisher, inputEncoding: decision.encoding)
        } catch {
            return .reportFailed("cannot write reports: \(error)")
        }
        var deduper = BatchDeduper()
        var sized = false
        var firstChunk = true
        /// The header's columns (JSONL: the first line's keys), from the first record.
        var columns: Columns?
        var tally = OutcomeTally()
        let readStarted = clock.now
        do {
            while let chunk = handoff.take() {
                // `consume`: the rows are then uniquely referenced, so marking duplicates in place does not
                // copy the whole chunk (and retain every string in it).
                switch consume chunk {
                case .failed(let error):
                    throw error
                case .rows(var rows, let bytes, let checked):
                    if !checked {
                        for i in rows.indices {
                            Self.validate(&rows[i], with: validator, keepRecord: keepsEveryRecord || (firstChunk && i == 0))
                        }
                    }
                    if firstChunk, !rows.isEmpty { columns = rows[0].1?.columns }
                    firstChunk = false
                    // The table slots of the row `prefetchDistance` ahead are fetched while this one is probed.
                    let count = rows.count
                    for i in 0..<min(CheckTuning.prefetchDistance, count) { deduper.prefetch(&rows[i].0) }
                    for i in 0..<count {
                        if i + CheckTuning.prefetchDistance < count { deduper.prefetch(&rows[i + CheckTuning.prefetchDistance].0) }
                        _ = deduper.check(&rows[i].0)
                    }
                    if !sized {
                        sized = true
                        deduper.reserve(leads: CheckTuning.expectedLeads(deduper.keyCount / 2, in: bytes, of: facts.contentBytes))
                    }
                    if let ledger { try ledger.markDuplicates(&rows) }
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
        } catch let error as LedgerError {
            writer.abandon()
            return .reportFailed("cannot read the ledger: \(error)")
        } catch {
            writer.abandon()
            return .reportFailed("cannot write reports: \(error)")
        }
        let finished = clock.now
        let paths: ReportPaths
        do {
            var summary = SummaryInputs(
                batch: batch, fileName: fileName, publisher: publisher,
                claimedAt: Date(timeIntervalSince1970: TimeInterval(now)),
                finishedAt: Date(timeIntervalSince1970: TimeInterval(now) + (finished - started).seconds),
                stageSeconds: [
                    ("inspect", (readStarted - started).seconds), ("check", (finished - readStarted).seconds),
                ],
                mode: .check)
            summary.encoding = decision.encoding.rawValue
            paths = try writer.finish(summary: summary)
        } catch {
            return .reportFailed("cannot write reports: \(error)")
        }
        logger.info(
            "checked", metadata: ["batch.id": "\(batch)", "batch.rows": "\(tally.rows)", "batch.file": "\(fileName)"])
        let missingColumns = columns.map(ColumnLines.missingColumnMessages) ?? []
        for message in missingColumns {
            logger.warning("\(message)", metadata: ["batch.id": "\(batch)", "batch.file": "\(fileName)"])
        }
        return .checked(
            ColumnLines.inserted(
                columns, into: Self.withEncodingLine(
                    tally.render(file: fileName, batch: batch, resultsPath: paths.resultsCSV), decision)),
            batch: batch,
            json: {
                var json = tally.json(
                    file: fileName, publisher: publisher == Publisher.defaultName ? nil : publisher, batch: batch, resultsPath: paths.resultsCSV)
                json.add("encoding", decision.encoding.rawValue)
                if !missingColumns.isEmpty { json.add("missing_columns", missingColumns.joined(separator: "; ")) }
                return json
            }())
    }

    /// The summary with the encoding decision as its second line: `  encoding: windows-1252 (not valid UTF-8
    /// at byte 162)`.
    static func withEncodingLine(_ summary: String, _ decision: EncodingDecision) -> String {
        var lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert("  encoding: \(decision)", at: min(1, lines.count))
        return lines.joined(separator: "\n")
    }

    /// Validates a row handed over unchecked, in place (reading it out of the array would copy the whole
    /// row); its record stays only when `keepRecord` or the row has problems (for rejects.csv).
    private static func validate(_ row: inout (CheckedRecord, RawRecord?), with validator: Validator, keepRecord: Bool) {
        row.0 = validator.check(row.1!)
        if !keepRecord && row.0.problems.isEmpty { row.1 = nil }
    }

    private static func settle(
        _ row: inout (CheckedRecord, RawRecord?), tally: inout OutcomeTally, writer: Sinks.Sink
    ) throws {
        let result = row.0.takeLocalResult()
        tally.add(result)
        try writer.add(result, raw: row.1)
    }
}

/// One chunk of rows the reader's thread hands to `check`'s.
enum CheckChunk {
    /// Rows, checked or still to be checked (``CheckTuning/unchecked``), and the bytes read so far.
    case rows([(CheckedRecord, RawRecord?)], Int, checked: Bool)
    case failed(IngestError)
}

/// The figures that set how `check` shares the work between its two threads.
enum CheckTuning {
    /// Rows per chunk handed between the threads.
    static let chunkRows = 1024
    /// The reader validates the next chunk itself when at least this many wait for this thread.
    static let backlogToValidate = 2
    /// How many rows ahead the deduper's table slots are fetched (at most its ring of 32).
    static let prefetchDistance = 16
    /// A row not validated yet.
    static let unchecked = CheckedRecord(row: 0, line: 0, publisher: "")

    /// The leads a file of `contentBytes` should hold, going by the `leads` of its first `bytes`, with
    /// 10 % to spare: the deduper is sized once for them instead of growing by half several times.
    package static func expectedLeads(_ leads: Int, in bytes: Int, of contentBytes: Int) -> Int {
        guard bytes > 0, contentBytes > bytes else { return leads }
        return Int((Double(leads) * Double(contentBytes) / Double(bytes) * 1.1).rounded(.up))
    }
}
