#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams JSONL / NDJSON: one JSON object per line. A line that is not a JSON object is an
/// unreadable record; the rest of the file goes on. Values keep their JSON type.
package final class JSONLReader: RecordReader {
    private var source: any ByteSource
    private let configuration: ReaderConfiguration
    private var buffer: UnsafeMutableBufferPointer<UInt8>
    private var start = 0
    private var end = 0
    private var eof = false
    private var base = 0
    private var line = 0
    private var skippingLongLine = false
    private var parser = JSONObjectParser()
    private var columns = Columns(names: [])
    /// The key lists seen lately, most recent first: lines usually repeat one of a few (one per vertical),
    /// and matching a line's keys against them spares building its columns (folding each key, a
    /// dictionary) again for every line.
    private var recentColumns: [Columns] = []
    private static let recentColumnsLimit = 8

    package var bytesRead: Int { base + start }

    package init(source: some ByteSource, configuration: ReaderConfiguration = ReaderConfiguration())
        throws(IngestError)
    {
        self.source = source
        self.configuration = configuration
        self.buffer = .allocate(capacity: max(configuration.chunkSize * 2, 1 << 12))
        while !eof && end < 4 { try fill() }
        if end == 0 { throw .unreadable("the file is empty") }
        if let wide = WideText.encoding(UnsafeBufferPointer(rebasing: buffer[0..<end])) {
            throw .unreadable(WideText.reason(wide))
        }
        if end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { start = 3 }
        // A NUL in the first line is a binary file; one further on only spoils its own line (bad JSON).
        let firstLineEnd = memchr(buffer.baseAddress! + start, 0x0A, end - start)
            .map { buffer.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? end
        if let nul = memchr(buffer.baseAddress! + start, 0, firstLineEnd - start) {
            let at = buffer.baseAddress!.distance(to: nul.assumingMemoryBound(to: UInt8.self))
            throw .unreadable("not a text file (NUL byte)", byteOffset: at, line: 1)
        }
        if let first = (start..<end).first(where: { !JSONObjectParser.isSpace(buffer[$0]) }),
            buffer[first] != UInt8(ascii: "{")
        {
            throw .unreadable("not JSON lines: the first line does not start with '{'", byteOffset: first, line: 1)
        }
    }

    deinit { buffer.deallocate() }

    private func fill() throws(IngestError) {
        try ReadBuffer.fill(
            &buffer, start: &start, end: &end, base: &base, eof: &eof, source: &source,
            chunkSize: configuration.chunkSize)
    }

    package func next() throws(IngestError) -> RawRecord? {
        var scanned = 0
        while true {
            if start == end && eof { return nil }
            let searchFrom = start + scanned
            let newline: Int?
            if searchFrom < end, let hit = memchr(buffer.baseAddress! + searchFrom, 0x0A, end - searchFrom) {
                newline = buffer.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            } else {
                newline = nil
            }
            if skippingLongLine {
                if let newline {
                    start = newline + 1
                    skippingLongLine = false
                } else {
                    start = end
                    if eof { return nil }
                    try fill()
                }
                scanned = 0
                continue
            }
            let lineEnd: Int
            let next: Int
            if let newline {
                lineEnd = newline
                next = newline + 1
            } else if eof {
                lineEnd = end
                next = end
            } else {
                scanned = end - start
                if end - start > configuration.maxRecordBytes {
                    line += 1
                    let offset = base + start
                    skippingLongLine = true
                    start = end
                    try fill()
                    return unreadable(
                        "line longer than \(configuration.maxRecordBytes) bytes", offset: offset)
                }
                try fill()
                continue
            }
            line += 1
            let offset = base + start
            var upper = lineEnd
            if upper > start && buffer[upper - 1] == 0x0D { upper -= 1 }
            let lower = start
            start = next
            scanned = 0
            if upper - lower > configuration.maxRecordBytes {
                return unreadable("line longer than \(configuration.maxRecordBytes) bytes", offset: offset)
            }
            let bytes = UnsafeBufferPointer(rebasing: buffer[lower..<upper])
            if bytes.allSatisfy(JSONObjectParser.isSpace) { continue }
            switch parser.parse(bytes) {
            case .failure(let reason, let at):
                return unreadable("bad JSON at column \(at + 1): \(reason)", offset: offset)
            case .success:
                if !parser.sameKeys(as: columns.names) { columns = columnsForParsedKeys() }
                return RawRecord(
                    row: line, line: line, byteOffset: offset, columns: columns, values: parser.values,
                    publisher: configuration.publisher)
            }
        }
    }

    /// The columns of the keys just parsed: a recent set with the same keys in the same order, or a new one.
    private func columnsForParsedKeys() -> Columns {
        if let i = recentColumns.firstIndex(where: { parser.sameKeys(as: $0.names) }) {
            let found = recentColumns[i]
            if i > 0 {
                recentColumns.remove(at: i)
                recentColumns.insert(found, at: 0)
            }
            return found
        }
        let made = Columns(names: parser.keys, mapping: configuration.columnMapping, publisher: configuration.publisher)
        if recentColumns.count == Self.recentColumnsLimit { recentColumns.removeLast() }
        recentColumns.insert(made, at: 0)
        return made
    }

    private func unreadable(_ reason: String, offset: Int) -> RawRecord {
        RawRecord(
            row: line, line: line, byteOffset: offset, columns: columns, values: [], unreadable: reason,
            publisher: configuration.publisher)
    }
}
