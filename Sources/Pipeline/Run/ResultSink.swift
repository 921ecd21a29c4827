package import Export
package import Ingest
package import LeadModel

/// Where a batch's per-row outcomes go, in input order, and what finishes them (Export's report writer is
/// one: ``ReportFiles``). The run fills one sink per batch and knows nothing of what it writes.
package protocol ResultSink: AnyObject {
    func add(_ result: LeadResult, raw: RawRecord?) throws
    /// Every row is in: writes the summary and answers where the batch's reports are.
    func finish(summary: SummaryInputs) throws -> ReportPaths
    /// The batch failed: drops what was written, leaving any earlier reports of the batch in place.
    func abandon()
}

/// Makes the sink of each batch the run works on.
package protocol ResultSinks: Sendable {
    associatedtype Sink: ResultSink
    /// The sink of `batch`; `inputEncoding` is the encoding its file was read in.
    func sink(batch: String, publisher: String, inputEncoding: TextEncoding) throws -> Sink
}

extension BatchReportWriter: ResultSink {}

/// The report files of every batch (results, rejects, summary) in one directory: Export's writer.
package struct ReportFiles: ResultSinks {
    package var configuration: ReportConfiguration

    package init(_ configuration: ReportConfiguration) {
        self.configuration = configuration
    }

    package func sink(batch: String, publisher: String, inputEncoding: TextEncoding) throws -> BatchReportWriter {
        var configuration = configuration
        configuration.inputEncoding = inputEncoding
        return try BatchReportWriter(batch: batch, publisher: publisher, configuration: configuration)
    }
}
