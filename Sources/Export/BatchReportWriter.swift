package import Ingest
package import LeadModel

/// Writes the five reports of one batch (CONTRACT §6) as a fold over its results.
///
/// Rows are added in input order while the batch streams; `finish` completes the rejects file and
/// the summaries and renames all five into place. Each report is written to a hidden temporary file
/// in the report directory, fsynced, renamed over the final name (mode 0640), and the directory is
/// fsynced: a final name never holds a partial report. `summary.json` is renamed last, so a script
/// that waits for it finds the others complete.
///
/// Memory does not grow with the number of rows: rows are formatted into two 256 KiB buffers per
/// file, one filled by `add` while the other is written by a background queue; rejected records that do
/// not fit the rejects header written so far are spooled to a temporary file (see ``RejectsSpool``); the
/// summary keeps counts, a latency
/// histogram and the first 100 rows needing attention.
///
/// Not thread-safe: one task owns a writer (the background writes are internal). Any error thrown
/// by `add` or `finish` has already removed the temporary files; the writer is then closed. A write
/// failure surfaces on a later `add` (within one buffer) or at the latest in `finish`.
package final class BatchReportWriter {
    package let batch: String
    package let publisher: String
    package let configuration: ReportConfiguration
    /// Where `finish` puts the reports.
    package let paths: ReportPaths
    /// The batch's figures, set by a successful ``finish(summary:)``.
    package private(set) var summary: BatchSummary?

    private enum State { case open, finished, abandoned }
    private var state = State.open
    /// In ``ReportPaths/all`` order: results CSV, results JSONL, rejects, summary HTML, summary JSON.
    private var files: [TempFile] = []
    private var spoolFile: TempFile?
    private var fold: RowFold
    /// Unrecognised columns of the records added, in first-seen order, and the columns last seen (JSONL lines
    /// may each have their own keys; CSV records share one header).
    private var unmatchedColumns: [String]?
    private var lastColumns: Columns?

    /// Creates the report directory when missing and the temporary files.
    /// - Parameters:
    ///   - batch: `<yyyyMMdd'T'HHmmss'Z'>-<12 hex>`; any plain file name is accepted.
    ///   - publisher: the batch's publisher, used for rows that carry none.
    ///   - rejectsStraightToFile: `false` spools every rejected row and writes `rejects.csv` at the end (the
    ///     reference the tests hold the direct path to).
    package init(
        batch: String, publisher: String, configuration: ReportConfiguration, rejectsStraightToFile: Bool = true
    ) throws {
        guard Self.isPlainFileName(batch) else { throw ExportError(.invalidBatchName, path: batch) }
        if let error = POSIX.makeDirectories(configuration.directory, mode: configuration.directoryMode) {
            throw ExportError(.directoryUnavailable, path: configuration.directory, systemError: error)
        }
        self.batch = batch
        self.publisher = publisher
        self.configuration = configuration
        paths = ReportPaths(directory: configuration.directory, batch: batch)

        var created: [TempFile] = []
        do {
            for path in paths.all { created.append(try TempFile.create(finalPath: path, mode: configuration.fileMode)) }
            created.append(try TempFile.create(finalPath: paths.rejectsCSV + ".spool", mode: 0o600))
        } catch {
            for var file in created { file.discard() }
            throw error
        }
        let spool = created.removeLast()
        spoolFile = spool
        files = created
        fold = RowFold(
            csv: OutputBuffer(fd: created[0].fd, path: created[0].tempPath, direct: true),
            jsonl: OutputBuffer(fd: created[1].fd, path: created[1].tempPath, direct: true),
            rejects: RejectsSpool(
                spool: OutputBuffer(fd: spool.fd, path: spool.tempPath),
                out: OutputBuffer(fd: created[2].fd, path: created[2].tempPath, direct: true),
                redact: configuration.redact, mayWriteDirectly: rejectsStraightToFile),
            redact: configuration.redact, publisher: publisher, batch: batch)
        do {
            try fold.csv.append(contentsOf: ResultRowEncoder.csvHeader)
        } catch {
            discardFiles()
            throw error
        }
    }

    deinit {
        if state == .open { discardFiles() }
        fold.deallocate()
    }

    /// Adds one row's result; `raw` is the record as read (`nil` when the reader has none), used for
    /// `rejects.csv`. Rows must arrive in input order.
    package func add(_ result: LeadResult, raw: RawRecord?) throws {
        guard state == .open else { throw ExportError(.closed, path: paths.resultsCSV) }
        if let columns = raw?.columns, columns !== lastColumns { noteColumns(columns) }
        do {
            try fold.add(result, raw: raw)
        } catch {
            abandon()
            throw error
        }
    }

    private func noteColumns(_ columns: Columns) {
        lastColumns = columns
        var seen = unmatchedColumns ?? []
        for i in columns.unrecognised where !seen.contains(columns.names[i]) { seen.append(columns.names[i]) }
        unmatchedColumns = seen
    }

    /// Completes every report and renames them into place; answers their paths.
    package func finish(summary inputs: SummaryInputs) throws -> ReportPaths {
        guard state == .open else { throw ExportError(.closed, path: paths.resultsCSV) }
        var inputs = inputs
        if inputs.unmatchedColumns == nil { inputs.unmatchedColumns = unmatchedColumns }
        do {
            try fold.csv.drain()
            try fold.jsonl.drain()
            if fold.rejects.needsRewrite {
                try rewriteRejects()
            } else {
                try fold.rejects.finish(spoolPath: spoolFile!.tempPath)
            }
            if configuration.rejectsInInputEncoding && configuration.inputEncoding != .utf8 {
                try transcodeRejects(to: configuration.inputEncoding)
            }

            let summary = BatchSummary(accumulator: fold.totals, inputs: inputs, rejects: fold.rejects.count)
            try Self.writeWhole(summary.renderHTML(), to: files[3])
            try Self.writeWhole(summary.renderJSON(), to: files[4])

            for i in files.indices { try files[i].seal() }
            spoolFile?.discard()
            spoolFile = nil
            for file in files { try file.publish() }
            if let error = Self.syncDirectory(configuration.directory) {
                throw ExportError(.syncFailed, path: configuration.directory, systemError: error)
            }
            state = .finished
            self.summary = summary
            return paths
        } catch {
            abandon()
            throw error
        }
    }

    /// Writes `rejects.csv` again into a new temporary file, which replaces the one written so far.
    private func rewriteRejects() throws {
        var replacement = try TempFile.create(finalPath: paths.rejectsCSV, mode: configuration.fileMode)
        do {
            var out = OutputBuffer(fd: replacement.fd, path: replacement.tempPath, direct: true)
            defer { out.deallocate() }
            try fold.rejects.rewrite(to: &out, from: files[2].tempPath, spoolPath: spoolFile!.tempPath)
            try out.drain()
        } catch {
            replacement.discard()
            throw error
        }
        files[2].discard()
        files[2] = replacement
    }

    /// Writes `rejects.csv` again in `encoding` into a new temporary file, which replaces the UTF-8 one.
    private func transcodeRejects(to encoding: TextEncoding) throws {
        var replacement = try TempFile.create(finalPath: paths.rejectsCSV, mode: configuration.fileMode)
        do {
            try RejectsTranscoder.transcode(
                from: files[2].tempPath, to: replacement.fd, targetPath: replacement.tempPath, encoding: encoding)
        } catch {
            replacement.discard()
            throw error
        }
        files[2].discard()
        files[2] = replacement
    }

    /// Removes the temporary files and closes the writer; reports already renamed into place stay.
    /// Safe to call at any time, and more than once.
    package func abandon() {
        guard state == .open else { return }
        discardFiles()
        state = .abandoned
    }

    private func discardFiles() {
        // Background writes must finish before their descriptors are closed (and perhaps reused).
        fold.waitIdle()
        for i in files.indices { files[i].discard() }
        spoolFile?.discard()
    }

    private static func writeWhole(_ text: String, to file: TempFile) throws {
        var bytes = text
        let error: Int32? = bytes.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return POSIX.writeAll(file.fd, base, buffer.count)
        }
        if let error { throw ExportError(.writeFailed, path: file.tempPath, systemError: error) }
    }

    private static func syncDirectory(_ path: String) -> Int32? {
        let fd = POSIX.openDirectory(path)
        guard fd >= 0 else { return POSIX.lastError }
        defer { POSIX.closeQuietly(fd) }
        return POSIX.sync(fd)
    }

    /// A name that stays inside the report directory and is not hidden.
    private static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 200 && !name.hasPrefix(".")
            && !name.utf8.contains(UInt8(ascii: "/")) && !name.utf8.contains(0)
    }
}

@available(*, unavailable)
extension BatchReportWriter: Sendable {}
