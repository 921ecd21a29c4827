@testable import Export
import Foundation
import Ingest
import LeadModel
import Testing

/// `reports.rejects_encoding = "same"`: the rejects file in the batch file's encoding.
@Suite struct RejectsTranscoderTests {
    static func rejects(_ rows: [(LeadResult, RawRecord?)], encoding: TextEncoding?) throws -> [UInt8] {
        try withTemporaryDirectory { directory in
            var configuration = ReportConfiguration(directory: directory)
            if let encoding {
                configuration.rejectsInInputEncoding = true
                configuration.inputEncoding = encoding
            }
            let writer = try BatchReportWriter(batch: testBatch, publisher: "acme", configuration: configuration)
            for (result, raw) in rows { try writer.add(result, raw: raw) }
            let paths = try writer.finish(summary: summaryInputs(mode: .check))
            #expect(try directoryEntries(directory).count == 5)
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: paths.rejectsCSV)))
        }
    }

    /// Enough rows of accented names that characters straddle the transcoder's 64 KiB reads.
    static let rows: [(LeadResult, RawRecord?)] = (1...3_000).map { row in
        (
            LeadResult(row: row, outcome: .invalid, problems: [problem(.zipInvalid, "zip", "1", "zip “1” is bad")]),
            sampleRaw(row, ["r\(row)", "debt", "Zoë", "Müller€", "z@example.com", "1", "2", "3", "n"])
        )
    }

    @Test func defaultIsUTF8WithABOM() throws {
        let bytes = try Self.rejects(Self.rows, encoding: nil)
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        // "same" for a UTF-8 batch changes nothing.
        #expect(try Self.rejects(Self.rows, encoding: .utf8) == bytes)
    }

    @Test(arguments: [TextEncoding.utf16LE, .utf16BE, .utf32LE, .windows1252, .latin1])
    func sameEncodingAsTheInput(encoding: TextEncoding) throws {
        let utf8 = try Self.rejects(Self.rows, encoding: nil)
        let text = String(decoding: utf8.dropFirst(3), as: UTF8.self)
        let bytes = try Self.rejects(Self.rows, encoding: encoding)
        let decoded: String
        switch encoding {
        case .utf16LE:
            #expect(bytes.starts(with: [0xFF, 0xFE]))
            let units: [UInt16] = stride(from: 2, to: bytes.count, by: 2).map { i -> UInt16 in
                UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
            }
            decoded = String(decoding: units, as: UTF16.self)
        case .utf16BE:
            #expect(bytes.starts(with: [0xFE, 0xFF]))
            let units: [UInt16] = stride(from: 2, to: bytes.count, by: 2).map { i -> UInt16 in
                UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
            }
            decoded = String(decoding: units, as: UTF16.self)
        case .utf32LE:
            #expect(bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]))
            var scalars = String.UnicodeScalarView()
            for i in stride(from: 4, to: bytes.count, by: 4) {
                let low = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8
                let value: UInt32 = low | UInt32(bytes[i + 2]) << 16
                scalars.append(Unicode.Scalar(value)!)
            }
            decoded = String(scalars)
        case .windows1252:
            #expect(bytes.contains(0x80), "€ is 0x80")
            decoded = String(String.UnicodeScalarView(bytes.map(Windows1252.scalar)))
        default:
            // Latin-1 has no €, “ or ”: they become "?".
            decoded = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
            #expect(decoded.contains("Müller?"))
            #expect(decoded.contains("zip ?1? is bad"))
            return
        }
        #expect(decoded == text)
    }
}
