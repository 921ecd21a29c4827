/// A run-level failure while writing a batch's reports (CONTRACT §3: exit 73).
///
/// `shortDescription` is the stable code that logs and the CLI use; `description` adds the path and
/// the system's reason. Neither ever carries record values.
package struct ExportError: Error, CustomStringConvertible, Sendable, Equatable {
    package enum Code: String, Sendable, Equatable {
        /// The batch name would escape the report directory or is not a file name.
        case invalidBatchName = "report.batch_name_invalid"
        /// The report directory could not be created or opened.
        case directoryUnavailable = "report.directory_unavailable"
        /// A temporary report file could not be created.
        case createFailed = "report.create_failed"
        case writeFailed = "report.write_failed"
        case readFailed = "report.read_failed"
        case syncFailed = "report.sync_failed"
        case renameFailed = "report.rename_failed"
        /// `add` or `finish` after `finish` or `abandon`.
        case closed = "report.closed"
    }

    package var code: Code
    /// The file or directory concerned (a report path, never data).
    package var path: String
    /// `errno` of the failing call, when there was one.
    package var systemError: Int32?

    package init(_ code: Code, path: String, systemError: Int32? = nil) {
        self.code = code
        self.path = path
        self.systemError = systemError
    }

    package var shortDescription: String { code.rawValue }

    package var description: String {
        var text = "\(code.rawValue): \(path)"
        if let systemError { text += ": \(POSIX.describe(systemError))" }
        return text
    }
}
