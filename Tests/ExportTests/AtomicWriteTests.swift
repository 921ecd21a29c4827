import Export
import Foundation
import Ingest
import Testing

@Suite("atomic report files")
struct AtomicWriteTests {
    private let finalNames = [
        "\(testBatch).rejects.csv", "\(testBatch).results.csv", "\(testBatch).results.jsonl",
        "\(testBatch).summary.html", "\(testBatch).summary.json",
    ]

    @Test("no final name exists before finish; after it, exactly the five reports with mode 0640")
    func finishPublishes() throws {
        try withTemporaryDirectory { directory in
            let writer = try BatchReportWriter(
                batch: testBatch, publisher: "acme", configuration: ReportConfiguration(directory: directory))
            for (result, raw) in sampleRows() { try writer.add(result, raw: raw) }
            let during = try directoryEntries(directory)
            #expect(during.allSatisfy { $0.hasPrefix(".") && $0.hasSuffix(".tmp") })
            #expect(during.count == 6)
            #expect(Set(during).isDisjoint(with: finalNames))

            let paths = try writer.finish(summary: summaryInputs())
            #expect(try directoryEntries(directory) == finalNames)
            for path in paths.all { #expect(try permissions(path) == 0o640) }
            #expect(paths.resultsCSV == directory + "/" + testBatch + ".results.csv")
        }
    }

    @Test("abandon leaves nothing behind, and the writer refuses further rows")
    func abandonCleansUp() throws {
        try withTemporaryDirectory { directory in
            let writer = try BatchReportWriter(
                batch: testBatch, publisher: "acme", configuration: ReportConfiguration(directory: directory))
            for (result, raw) in sampleRows() { try writer.add(result, raw: raw) }
            writer.abandon()
            #expect(try directoryEntries(directory).isEmpty)
            #expect(throws: ExportError.self) { try writer.add(sampleRows()[0].0, raw: nil) }
            #expect(throws: ExportError.self) { try writer.finish(summary: summaryInputs()) }
            writer.abandon()
        }
    }

    @Test("a writer dropped without finish removes its temporary files")
    func droppedWriter() throws {
        try withTemporaryDirectory { directory in
            do {
                let writer = try BatchReportWriter(
                    batch: testBatch, publisher: "acme", configuration: ReportConfiguration(directory: directory))
                try writer.add(sampleRows()[0].0, raw: sampleRows()[0].1)
            }
            #expect(try directoryEntries(directory).isEmpty)
        }
    }

    @Test("finishing again replaces earlier reports of the same batch")
    func rewrite() throws {
        try withTemporaryDirectory { directory in
            try writeBatch(sampleRows(), in: directory)
            let (paths, _) = try writeBatch(Array(sampleRows().prefix(1)), in: directory)
            #expect(try directoryEntries(directory) == finalNames)
            #expect(parseCSV(try readText(paths.resultsCSV)).count == 2)
        }
    }

    @Test("the report directory is created when missing; the file mode is configurable")
    func createsDirectory() throws {
        try withTemporaryDirectory { directory in
            let nested = directory + "/spool/reports"
            let writer = try BatchReportWriter(
                batch: testBatch, publisher: "acme",
                configuration: ReportConfiguration(directory: nested, fileMode: 0o600))
            let paths = try writer.finish(summary: summaryInputs())
            #expect(try permissions(paths.summaryJSON) == 0o600)
            #expect(try directoryEntries(nested) == finalNames)
        }
    }

    @Test("a batch name that is not a plain file name is refused", arguments: ["", "../x", "a/b", ".hidden"])
    func badBatchName(name: String) throws {
        try withTemporaryDirectory { directory throws in
            #expect(throws: ExportError(.invalidBatchName, path: name)) {
                _ = try BatchReportWriter(
                    batch: name, publisher: "acme", configuration: ReportConfiguration(directory: directory))
            }
            #expect(try directoryEntries(directory).isEmpty)
        }
    }

    @Test("an unwritable report directory is a run-level error")
    func unwritableDirectory() throws {
        try withTemporaryDirectory { directory in
            let file = directory + "/not-a-directory"
            _ = FileManager.default.createFile(atPath: file, contents: Data())
            #expect(throws: ExportError.self) {
                _ = try BatchReportWriter(
                    batch: testBatch, publisher: "acme", configuration: ReportConfiguration(directory: file))
            }
        }
    }
}
