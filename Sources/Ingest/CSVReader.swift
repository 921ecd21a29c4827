#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams CSV records (RFC 4180 plus what spreadsheets write: UTF-8 BOM, CRLF/LF/CR line ends,
/// quoted newlines, `,` `;` or TAB sniffed from the header) from any ``ByteSource``.
///
/// The tokenizer works on the raw bytes in a growing buffer and only makes Strings once a
/// record is complete, so chunk boundaries cost nothing but a re-scan of the partial record.
package final class CSVReader: RecordReader {
    private var source: any ByteSource
    private let configuration: ReaderConfiguration
    private var buffer: UnsafeMutableBufferPointer<UInt8>
    private var start = 0
    private var end = 0
    private var eof = false
    /// Stream offset of `buffer[0]`.
    private var base = 0
    /// Line number at `start`.
    private var line = 1
    private var row = 0
    private var skip = SkipState.none
    private var bounds: [FieldBounds] = []
    private var scratch: [UInt8] = []
    /// Per column, the last value too long for an inline string: publishers repeat the consent text, the
    /// page URL and campaign tags row after row, so an equal value shares that string instead of
    /// allocating and copying its own.
    private var recent: [String] = []
    package private(set) var delimiter: UInt8 = UInt8(ascii: ",")
    /// The header line ends in CRLF (set by `sniffDelimiter`).
    private var headerEndsInCRLF = false
    package private(set) var columns = Columns(names: [])

    private enum SkipState { case none, toNewline, afterCR }

    private enum FieldKind: UInt8 {
        case plain
        case quoted
        case quotedEscaped
        /// A quoted field followed by more bytes before the delimiter (`"ab"c`): parsed leniently.
        case messy
    }

    private struct FieldBounds {
        var lower: Int
        var upper: Int
        var kind: FieldKind
    }

    private enum Scan {
        case record(next: Int, lines: Int)
        case needMore
        case unterminated
        /// A quoted field ran past a line end, and either its closing quote is followed by other text or
        /// the record has another number of cells than the header: the quote was never closed where it
        /// should have been, and the "closing" one belongs to a later line (whose record would otherwise
        /// be swallowed into this one).
        case quoteClosedOnLaterLine
    }

    package var bytesRead: Int { base + start }

    /// Opens the reader and reads the header. Throws `unreadableFile` for an empty file, a file
    /// that is not text, or a first line that names none of the known fields.
    package init(source: some ByteSource, configuration: ReaderConfiguration = ReaderConfiguration())
        throws(IngestError)
    {
        self.source = source
        self.configuration = configuration
        let capacity = max(configuration.chunkSize * 2, 1 << 12)
        self.buffer = .allocate(capacity: capacity)
        try readHeader()
    }

    deinit { buffer.deallocate() }

    // MARK: Buffer

    private func fill() throws(IngestError) {
        try ReadBuffer.fill(
            &buffer, start: &start, end: &end, base: &base, eof: &eof, source: &source,
            chunkSize: configuration.chunkSize)
    }

    // MARK: Header

    private func readHeader() throws(IngestError) {
        while !eof && end < 4 { try fill() }
        if end == 0 { throw .unreadable("the file is empty") }
        if let wide = WideText.encoding(UnsafeBufferPointer(rebasing: buffer[0..<end])) {
            throw .unreadable(WideText.reason(wide))
        }
        if end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { start = 3 }
        try sniffDelimiter()
        guard let (header, _, _) = try nextRecordValues(isHeader: true) else {
            throw .unreadable("the file has no header line", byteOffset: base + start, line: line)
        }
        switch header {
        case .failure(let reason, _):
            throw .unreadable("the header line cannot be read: \(reason)", byteOffset: 0, line: 1)
        case .success(let values):
            let names = values.map(\.text)
            let columns = Columns(
                names: names, dialect: CSVDialect(delimiter: delimiter, crlf: headerEndsInCRLF),
                mapping: configuration.columnMapping, publisher: configuration.publisher)
            if columns.fields.allSatisfy({ $0 == nil }) {
                let shown = names.prefix(5).map(Self.shownHeaderCell).joined(separator: ", ")
                throw .unreadable(
                    "no header: the first line (\(shown)) names none of the known columns "
                        + "(first_name, last_name, email, phone, zip, tcpa_timestamp, ...)",
                    byteOffset: 0, line: 1)
            }
            self.columns = columns
        }
    }

    /// A cell of a first line that names no column, as the quarantine reason shows it: the line is often a
    /// lead (the header is missing), and that reason reaches logs and `failed/`, so a cell that looks like an
    /// email address or a phone number is described, not quoted.
    static func shownHeaderCell(_ cell: String) -> String {
        if cell.utf8.contains(UInt8(ascii: "@")) { return "<an email address>" }
        if cell.utf8.lazy.filter({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }).count >= 5 {
            return "<a number>"
        }
        return "\"\(cell.prefix(40))\""
    }

    /// Chooses `,`, `;` or TAB: whichever occurs most often, outside quotes, in the first line.
    private func sniffDelimiter() throws(IngestError) {
        var counts = (comma: 0, semicolon: 0, tab: 0)
        var inQuotes = false
        var i = start
        while true {
            if i == end {
                if eof || end - start >= configuration.maxRecordBytes { break }
                let offset = i - start
                try fill()
                i = start + offset
                continue
            }
            let b = buffer[i]
            if b == 0 {
                throw .unreadable("not a text file (NUL byte)", byteOffset: base + i, line: 1)
            }
            if b == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes {
                if b == 0x0A { break }
                if b == 0x0D {
                    if i + 1 == end && !eof {
                        let offset = i - start
                        try fill()
                        i = start + offset
                    }
                    headerEndsInCRLF = i + 1 < end && buffer[i + 1] == 0x0A
                    break
                }
                if b == UInt8(ascii: ",") { counts.comma += 1 }
                if b == UInt8(ascii: ";") { counts.semicolon += 1 }
                if b == 0x09 { counts.tab += 1 }
            }
            i += 1
        }
        if counts.semicolon > counts.comma && counts.semicolon >= counts.tab {
            delimiter = UInt8(ascii: ";")
        } else if counts.tab > counts.comma && counts.tab > counts.semicolon {
            delimiter = 0x09
        } else {
            delimiter = UInt8(ascii: ",")
        }
    }

    // MARK: Records

    package func next() throws(IngestError) -> RawRecord? {
        while true {
            guard let (values, recordLine, recordOffset) = try nextRecordValues(isHeader: false) else { return nil }
            row += 1
            switch values {
            case .success(let raw):
                return RawRecord(
                    row: row, line: recordLine, byteOffset: recordOffset, columns: columns, values: raw,
                    publisher: configuration.publisher)
            case .failure(let reason, let shown):
                return RawRecord(
                    row: row, line: recordLine, byteOffset: recordOffset, columns: columns, values: shown,
                    unreadable: reason, publisher: configuration.publisher)
            }
        }
    }

    private enum RecordValues {
        case success([RawValue])
        /// The reason, and the record's cells as far as they can be shown (bytes that are not text shown as
        /// their Windows-1252 characters, never U+FFFD), so `rejects.csv` gives the publisher the row to fix;
        /// empty when the record has no cells (an unbalanced quote, a record too long).
        case failure(String, shown: [RawValue] = [])
    }

    /// Reads one record's values with the line and stream offset where it starts; `nil` at the end
    /// of the stream. Blank lines are passed over.
    private func nextRecordValues(isHeader: Bool) throws(IngestError) -> (RecordValues, line: Int, offset: Int)? {
        while true {
            let recordLine = line
            let recordOffset = base + start
            if skip != .none {
                if try !skipLineRemainder() { return nil }
                continue
            }
            if start == end {
                if eof { return nil }
                try fill()
                continue
            }
            let scan = scanRecord(
                UnsafeBufferPointer(buffer), from: start, to: end, isEOF: eof,
                headerCells: isHeader ? Int.max : columns.names.count)
            switch scan {
            case .needMore, .unterminated:
                if end - start >= configuration.maxRecordBytes {
                    let reason = "record longer than \(configuration.maxRecordBytes) bytes "
                        + "(an unbalanced quote?) starting at line \(line)"
                    try abandonRecordLine()
                    return (.failure(reason), recordLine, recordOffset)
                }
                if case .unterminated = scan {
                    let reason = "unbalanced quote: the quoted field starting at line \(line) never ends"
                    let shown = firstLineCells()
                    try abandonRecordLine()
                    return (.failure(reason, shown: shown), recordLine, recordOffset)
                }
                try fill()
            case .quoteClosedOnLaterLine:
                let reason = "unbalanced quote: a quoted field on line \(line) is not closed on its line "
                    + "(the next quote is on a later line)"
                let shown = firstLineCells()
                try abandonRecordLine()
                return (.failure(reason, shown: shown), recordLine, recordOffset)
            case .record(let next, let lines):
                let isBlank = bounds.count == 1 && bounds[0].kind == .plain && bounds[0].lower == bounds[0].upper
                if isBlank {
                    start = next
                    line += lines
                    continue
                }
                let values = makeValues()
                start = next
                line += lines
                return (values, recordLine, recordOffset)
            }
        }
    }

    /// After an unreadable record: drops the rest of its first line so reading resumes at the next line.
    private func abandonRecordLine() throws(IngestError) {
        skip = .toNewline
        _ = try skipLineRemainder()
    }

    /// Consumes bytes up to and including the next line end. Answers false at end of stream.
    private func skipLineRemainder() throws(IngestError) -> Bool {
        while skip != .none {
            if start == end {
                if eof { skip = .none; return false }
                try fill()
                continue
            }
            let b = buffer[start]
            switch skip {
            case .afterCR:
                if b == 0x0A { start += 1 }
                skip = .none
            case .toNewline:
                start += 1
                if b == 0x0A { skip = .none; line += 1 } else if b == 0x0D { skip = .afterCR; line += 1 }
            case .none:
                break
            }
        }
        return true
    }

    private func makeValues() -> RecordValues {
        // A NUL byte is never text: the record is unreadable (named with its place), not passed on to reports
        // and the API.
        if let first = bounds.first, let last = bounds.last, last.upper > first.lower,
            let nul = memchr(buffer.baseAddress! + first.lower, 0, last.upper - first.lower)
        {
            let at = base + buffer.baseAddress!.distance(to: nul.assumingMemoryBound(to: UInt8.self))
            return .failure("NUL byte at byte \(at)", shown: shownValues())
        }
        var strings: [RawValue] = []
        strings.reserveCapacity(bounds.count)
        let buffer = self.buffer
        let base = self.base
        if recent.count < bounds.count { recent += repeatElement("", count: bounds.count - recent.count) }
        for (column, field) in bounds.enumerated() {
            let decoded: String?
            switch field.kind {
            case .plain, .quoted:
                let lower = Self.isNeutralised(UnsafeBufferPointer(buffer), field.lower, field.upper) ? field.lower + 1 : field.lower
                let bytes = UnsafeBufferPointer(rebasing: buffer[lower..<field.upper])
                if bytes.count > Self.inlineLimit {
                    if Self.equal(recent[column], bytes) {
                        decoded = recent[column]
                    } else {
                        decoded = String.fromUTF8(bytes)
                        if let decoded { recent[column] = decoded }
                    }
                } else {
                    decoded = String.fromUTF8(bytes)
                }
            case .quotedEscaped, .messy:
                unquote(field)
                decoded = scratch.withUnsafeBufferPointer { all in
                    String.fromUTF8(UnsafeBufferPointer(rebasing: all[(Self.isNeutralised(all, 0, all.count) ? 1 : 0)...]))
                }
            }
            guard let decoded else {
                let slice = UnsafeBufferPointer(rebasing: buffer[field.lower..<field.upper])
                let at = base + field.lower + (firstInvalidUTF8Offset(slice) ?? 0)
                return .failure("invalid UTF-8 at byte \(at)", shown: shownValues())
            }
            strings.append(.string(decoded))
        }
        return .success(strings)
    }

    /// Whether the cell in `lower..<upper` is one leadspool's CSV outputs neutralised against formula injection
    /// (`'` before `=`, `+`, `-`, `@`, TAB or CR): such a cell is read without the `'`, so a `rejects.csv`
    /// fixed and dropped again sends the values the publisher first sent.
    @inline(__always)
    static func isNeutralised(_ p: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> Bool {
        guard upper - lower >= 2, p[lower] == UInt8(ascii: "'") else { return false }
        switch p[lower + 1] {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
        default: return false
        }
    }

    /// The cells of the current record as text whatever their bytes (``Swift/String/init(showing:)``: never
    /// U+FFFD). Only for records that are unreadable anyway (rare), so nothing here is fast.
    private func shownValues() -> [RawValue] {
        bounds.map { field in
            switch field.kind {
            case .plain, .quoted:
                return .string(Self.shown(Array(UnsafeBufferPointer(rebasing: buffer[field.lower..<field.upper]))))
            case .quotedEscaped, .messy:
                unquote(field)
                return .string(Self.shown(scratch))
            }
        }
    }

    /// The cells of the record's first line, split at every delimiter (quotes are not paired: this is for a
    /// record whose quotes do not pair up), each without its enclosing quotes; shown in `rejects.csv` so the
    /// publisher sees the row to fix. Empty when the line is not in the buffer or is longer than 64 KiB.
    private func firstLineCells() -> [RawValue] {
        let lineEnd = Self.firstOf(UnsafeBufferPointer(buffer), from: start, to: end, 0x0A, 0x0D, 0x0D)
        guard lineEnd < end || eof, lineEnd - start <= 1 << 16 else { return [] }
        let quote = UInt8(ascii: "\"")
        return buffer[start..<lineEnd].split(separator: delimiter, omittingEmptySubsequences: false).map { cell in
            var bytes = Array(cell)
            if bytes.first == quote { bytes.removeFirst() }
            if bytes.last == quote { bytes.removeLast() }
            return .string(Self.shown(bytes))
        }
    }

    private static func shown(_ bytes: [UInt8]) -> String {
        String(showing: bytes)
    }

    /// The index of the first byte in `from..<n` equal to `a`, `b` or `c`, or `n`. Eight bytes at a time:
    /// `x ^ repeated(a)` has a zero byte where `x` holds `a`, and `(v - 0x01…) & ~v & 0x80…` flags zero
    /// bytes (a borrow can only flag bytes above a real zero, so the lowest flag is always exact).
    @inline(__always)
    private static func firstOf(
        _ p: UnsafeBufferPointer<UInt8>, from: Int, to n: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8
    ) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let (ra, rb, rc) = (ones &* UInt64(a), ones &* UInt64(b), ones &* UInt64(c))
        let raw = UnsafeRawPointer(p.baseAddress!)
        var i = from
        while i + 8 <= n {
            let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let (va, vb, vc) = (x ^ ra, x ^ rb, x ^ rc)
            let found =
                ((va &- ones) & ~va & highs) | ((vb &- ones) & ~vb & highs) | ((vc &- ones) & ~vc & highs)
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < n {
            let x = p[i]
            if x == a || x == b || x == c { return i }
            i += 1
        }
        return n
    }

    /// Longest UTF-8 value a String holds without a heap allocation (64-bit platforms).
    private static let inlineLimit = 15

    @inline(__always)
    private static func equal(_ string: borrowing String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // A stored value is a native string (contiguous); reading it in place spares a copy's retain.
        string.utf8.count == bytes.count
            && string.utf8.withContiguousStorageIfAvailable { held in
                memcmp(held.baseAddress!, bytes.baseAddress!, bytes.count) == 0
            } == true
    }

    /// Writes the value of a quoted field with `""` pairs (or trailing bytes) into `scratch`.
    private func unquote(_ field: FieldBounds) {
        scratch.removeAll(keepingCapacity: true)
        var i = field.lower
        let upper = field.upper
        let quote = UInt8(ascii: "\"")
        if field.kind == .messy {
            // `lower` is the opening quote here; `upper` the end of the whole field.
            i += 1
            while i < upper {
                let b = buffer[i]
                if b == quote {
                    if i + 1 < upper && buffer[i + 1] == quote {
                        scratch.append(quote)
                        i += 2
                        continue
                    }
                    i += 1
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<upper]))
                    return
                }
                scratch.append(b)
                i += 1
            }
            return
        }
        while i < upper {
            let b = buffer[i]
            scratch.append(b)
            i += (b == quote) ? 2 : 1
        }
    }

    /// Finds the field bounds of the record starting at `from`. Pure with respect to the reader's
    /// position: on `.needMore` the caller reads more and scans again from the same place.
    private func scanRecord(
        _ p: UnsafeBufferPointer<UInt8>, from: Int, to n: Int, isEOF: Bool, headerCells: Int
    ) -> Scan {
        // Work on a local array (moved out and back) so appends need no exclusivity checks.
        var bounds: [FieldBounds] = []
        swap(&bounds, &self.bounds)
        defer { swap(&bounds, &self.bounds) }
        bounds.removeAll(keepingCapacity: true)
        let quote = UInt8(ascii: "\"")
        let delimiter = self.delimiter
        let cr: UInt8 = 0x0D
        let lf: UInt8 = 0x0A
        var i = from
        var lines = 0
        /// The record as read, or a broken quote: a quoted field crossed a line end (`lines > 0` then) and the
        /// record does not have the header's number of cells (a line swallowed into a field shifts them). A
        /// swallowed line whose stray quote sits exactly one column after the open one keeps the count and
        /// is not caught; looking inside the field for record-like lines was tried and dropped, as consent
        /// texts listing partners put many commas on one line.
        func ended(next: Int, lines total: Int) -> Scan {
            lines > 0 && headerCells != Int.max && bounds.count != headerCells
                ? .quoteClosedOnLaterLine : .record(next: next, lines: total)
        }
        while true {
            // At the start of a field.
            if i == n {
                if !isEOF { return .needMore }
                bounds.append(FieldBounds(lower: i, upper: i, kind: .plain))
                return ended(next: i, lines: lines)
            }
            if p[i] == quote {
                let linesBefore = lines
                var j = i + 1
                var escaped = false
                var closedAt = -1
                while closedAt < 0 {
                    j = Self.firstOf(p, from: j, to: n, quote, lf, cr)
                    if j == n { return isEOF ? .unterminated : .needMore }
                    let b = p[j]
                    if b == quote {
                        if j + 1 == n && !isEOF { return .needMore }
                        if j + 1 < n && p[j + 1] == quote {
                            escaped = true
                            j += 2
                            continue
                        }
                        closedAt = j
                        j += 1
                    } else {
                        if b == lf {
                            lines += 1
                        } else if b == cr {
                            if j + 1 == n && !isEOF { return .needMore }
                            if !(j + 1 < n && p[j + 1] == lf) { lines += 1 }
                        }
                        j += 1
                    }
                }
                // After the closing quote: a delimiter, a line end, the end, or stray bytes.
                var k = j
                while k < n && p[k] != delimiter && p[k] != cr && p[k] != lf { k += 1 }
                if k == n && !isEOF { return .needMore }
                if lines > linesBefore, k != j { return .quoteClosedOnLaterLine }
                if k == j {
                    bounds.append(FieldBounds(lower: i + 1, upper: closedAt, kind: escaped ? .quotedEscaped : .quoted))
                } else {
                    bounds.append(FieldBounds(lower: i, upper: k, kind: .messy))
                }
                i = k
            } else {
                let k = Self.firstOf(p, from: i, to: n, delimiter, cr, lf)
                if k == n && !isEOF { return .needMore }
                bounds.append(FieldBounds(lower: i, upper: k, kind: .plain))
                i = k
            }
            // After a field.
            if i == n { return ended(next: i, lines: lines) }
            let b = p[i]
            if b == delimiter {
                i += 1
                continue
            }
            if b == lf { return ended(next: i + 1, lines: lines + 1) }
            // CR: alone, or the first half of CRLF.
            if i + 1 == n && !isEOF { return .needMore }
            if i + 1 < n && p[i + 1] == lf { return ended(next: i + 2, lines: lines + 1) }
            return ended(next: i + 1, lines: lines + 1)
        }
    }
}
