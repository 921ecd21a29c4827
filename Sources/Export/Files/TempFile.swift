import Ingest

/// A report being written: an ``AtomicFile`` (Ingest) whose failures are ``ExportError``s.
struct TempFile {
    private var file: AtomicFile

    var finalPath: String { file.finalPath }
    var tempPath: String { file.tempPath }
    var fd: Int32 { file.fd }

    static func create(finalPath: String, mode: UInt32) throws(ExportError) -> TempFile {
        do {
            return TempFile(file: try AtomicFile.create(finalPath: finalPath, mode: mode))
        } catch {
            throw ExportError(error)
        }
    }

    /// fsync and close; the file is complete on disk under its temporary name.
    mutating func seal() throws(ExportError) {
        do { try file.seal() } catch { throw ExportError(error) }
    }

    func publish() throws(ExportError) {
        do { try file.publish() } catch { throw ExportError(error) }
    }

    /// Closes and removes the temporary file (after ``publish()`` it is gone already; nothing happens).
    mutating func discard() {
        file.discard()
    }
}

extension ExportError {
    init(_ failure: AtomicFile.Failure) {
        let code: Code =
            switch failure.step {
            case .create: .createFailed
            case .write: .writeFailed
            case .sync: .syncFailed
            case .rename: .renameFailed
            }
        self.init(code, path: failure.path, systemError: failure.code)
    }
}
