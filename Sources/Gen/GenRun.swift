#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import LeadModel

package enum GenFormat: String, CaseIterable, Sendable {
    case csv, jsonl
}

/// One `gen` run: makes the rows and streams them, encoded and optionally gzip-compressed, into a
/// descriptor; optionally lists each dirty row's defects in a side file.
package struct GenRun {
    package var options: GenOptions
    package var format: GenFormat
    package var gzip: Bool

    package init(options: GenOptions, format: GenFormat, gzip: Bool) {
        self.options = options
        self.format = format
        self.gzip = gzip
    }

    /// Writes the batch to `descriptor` and the defects log (tab-separated `row ref defects expect`,
    /// `expect` being `valid` or the reason codes) to `defectsLog` when given. Returns the row count.
    package func write(to descriptor: Int32, name: String, defectsLog: (descriptor: Int32, name: String)?) throws(GenError)
        -> Int
    {
        let fileSink = FileDescriptorSink(descriptor: descriptor, name: name)
        let sink: any ByteSink = gzip ? try GzipSink(wrapping: fileSink) : fileSink
        let out = BufferedWriter(sink: sink)
        let log = defectsLog.map {
            BufferedWriter(sink: FileDescriptorSink(descriptor: $0.descriptor, name: $0.name), capacity: 64 * 1024)
        }
        try log?.append("row\tref\tdefects\texpect\n")

        let columns = GenColumn.layout(verticals: options.verticals, dirty: options.isDirty)
        let csv = CSVRowEncoder(columns: columns, spreadsheetStyle: options.isDirty)
        let jsonl = JSONLRowEncoder(columns: columns)
        if format == .csv { try csv.writeHeader(to: out) }

        var synthesizer = LeadSynthesizer(options: options)
        var row = GenRow()
        var count = 0
        while synthesizer.next(into: &row) {
            count += 1
            switch format {
            case .csv: try csv.write(row, to: out)
            case .jsonl: try jsonl.write(row, to: out)
            }
            if let log, !synthesizer.defects.isEmpty {
                try Self.logDefects(synthesizer.defects, row: count, ref: row[.ref], to: log)
            }
        }
        try out.close()
        try log?.close()
        return count
    }

    private static func logDefects(_ defects: [GenDefect], row: Int, ref: [UInt8], to log: BufferedWriter)
        throws(GenError)
    {
        var line = "\(row)\t\(String(decoding: ref, as: UTF8.self))\t"
        line += defects.map(\.rawValue).joined(separator: "+")
        let codes = defects.compactMap(\.expectedCode?.rawValue)
        line += "\t" + (codes.isEmpty ? "valid" : codes.joined(separator: ",")) + "\n"
        try log.append(Array(line.utf8))
    }
}
