/// The five report files of one batch, as written by ``BatchReportWriter/finish(summary:)``.
package struct ReportPaths: Sendable, Equatable {
    package var resultsCSV: String
    package var resultsJSONL: String
    package var rejectsCSV: String
    package var summaryJSON: String
    package var summaryHTML: String

    package init(directory: String, batch: String) {
        let base = directory.hasSuffix("/") ? directory + batch : directory + "/" + batch
        resultsCSV = base + ".results.csv"
        resultsJSONL = base + ".results.jsonl"
        rejectsCSV = base + ".rejects.csv"
        summaryJSON = base + ".summary.json"
        summaryHTML = base + ".summary.html"
    }

    /// In the order they are renamed into place: the summary JSON last, so a script that waits for it
    /// finds every other report already complete.
    package var all: [String] { [resultsCSV, resultsJSONL, rejectsCSV, summaryHTML, summaryJSON] }
}
