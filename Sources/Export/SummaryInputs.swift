#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// Whether the batch was a dry run (`leadspool check`) or really submitted.
package enum ReportMode: String, Sendable, CaseIterable {
    case check
    case run
}

/// What the caller knows about a batch that the rows do not tell: names, times, stage durations and
/// the transport's retry counters. Passed to ``BatchReportWriter/finish(summary:)``.
package struct SummaryInputs: Sendable {
    package var batch: String
    /// The original file name as dropped (without directories).
    package var fileName: String
    package var publisher: String
    package var claimedAt: Date
    package var finishedAt: Date
    /// Seconds spent per stage, in the order they ran (e.g. `("ingest", 1.2)`); shown in that order.
    package var stageSeconds: [(String, Double)]
    /// Retried requests (every attempt after a lead's first).
    package var retries: Int
    /// 429 answers that made the senders wait.
    package var rateLimitWaits: Int
    /// Seconds of work over every pass on the batch (a run stopped and resumed, a re-drop, `retry`), when
    /// that is not the time from claim to finish.
    package var workSeconds: Double?
    package var mode: ReportMode
    /// The encoding the file was read in (`utf-8`, `windows-1252`, `utf-16le`, ...); `null` in summary.json
    /// when not known (reports rewritten without reading the file).
    package var encoding: String?
    /// Header names that name no field and are not ignored on purpose (`unmatched_columns`); `nil` lets the
    /// writer take them from the records it was given.
    package var unmatchedColumns: [String]?

    package init(
        batch: String, fileName: String, publisher: String, claimedAt: Date, finishedAt: Date,
        stageSeconds: [(String, Double)] = [], retries: Int = 0, rateLimitWaits: Int = 0, workSeconds: Double? = nil,
        mode: ReportMode
    ) {
        self.batch = batch
        self.fileName = fileName
        self.publisher = publisher
        self.claimedAt = claimedAt
        self.finishedAt = finishedAt
        self.stageSeconds = stageSeconds
        self.retries = retries
        self.rateLimitWaits = rateLimitWaits
        self.workSeconds = workSeconds
        self.mode = mode
    }
}
