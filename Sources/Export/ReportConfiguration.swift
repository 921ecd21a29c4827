package import Ingest

/// Where and how a batch's reports are written.
package struct ReportConfiguration: Sendable {
    /// The report directory (`spool/reports`, or `--report-dir` for `check`); created when missing.
    package var directory: String
    /// `--redact`: mask phone and email in every report (`+1813***0100`, `m***@example.com`).
    package var redact: Bool
    /// Permission bits of the report files; set explicitly, so the process umask cannot widen or narrow them.
    package var fileMode: UInt32
    /// Permission bits of a report directory this writer has to create.
    package var directoryMode: UInt32
    /// `reports.rejects_encoding = "same"`: `rejects.csv` in ``inputEncoding`` instead of UTF-8 with a BOM.
    package var rejectsInInputEncoding = false
    /// The encoding the batch's file was read in (set per batch).
    package var inputEncoding = TextEncoding.utf8

    package init(directory: String, redact: Bool = false, fileMode: UInt32 = 0o640, directoryMode: UInt32 = 0o750) {
        self.directory = directory
        self.redact = redact
        self.fileMode = fileMode
        self.directoryMode = directoryMode
    }
}
