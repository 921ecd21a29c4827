import Ingest

/// Writes the rows of `rejects.csv` while the batch streams.
///
/// The header is the union of the rejected records' columns (``ColumnUnion``), which a JSONL batch may
/// extend on any line. Once the first readable record has set the header, rejected rows with its columns
/// are written straight to the file for as long as they fit it: always for a CSV batch whose rows are no
/// longer than its header, so a file of rejected rows is written once. The first record with other columns
/// or more cells (a JSONL line with other keys, a CSV row longer than its header), and every record after
/// it, goes to a spool file as (column position, value) pairs plus its reason; at the
/// end, ``needsRewrite`` is then set and ``rewrite(to:from:spoolPath:)`` writes the whole file again under
/// the final header: the rows written directly with empty cells for the new columns, then the spool.
/// Records rejected before the header is known (unreadable first rows) are spooled, and ``finish(spoolPath:)``
/// writes the header and replays them. Memory stays bounded by the number of distinct columns and the
/// largest row.
///
/// Values are written as read, re-quoted per RFC 4180 where needed and, like every CSV cell leadspool
/// writes, neutralised against formula injection (CONTRACT §6: a `'` before a cell starting with `=`, `+`,
/// `-`, `@`, TAB or CR): a JSONL batch's rejects are a CSV file only leadspool made, and a spreadsheet
/// opens either kind. The CSV reader drops that `'` again (`CSVReader.isNeutralised`), so a fixed file
/// dropped again sends the original values. With `--redact`, phone and email columns are masked here too.
///
/// The file is written the way the publisher's file was, so the spreadsheet that made it opens it the same
/// way: the CSV batch's delimiter (`,`, `;` or TAB) and line ends (CRLF, else LF), from its header
/// (``CSVDialect``); RFC 4180 (`,`, CRLF) for a JSONL batch. It starts with a UTF-8 BOM, without which Excel
/// reads UTF-8 as the local code page and shows names with accents as mojibake. The header line always
/// ends with a line end, also when no row follows.
struct RejectsSpool {
    /// Name of the column appended with the reason (an ignorable unknown column on re-drop).
    static let reasonColumn = "leadspool_reason"

    private var union = ColumnUnion()
    private(set) var isSeeded = false
    private var spool: OutputBuffer
    /// The rejects file itself.
    private var out: OutputBuffer
    private(set) var count = 0
    private let redact: Bool
    private var cachedColumns: Columns?
    private var cachedPositions: [Int] = []
    /// The header is in `out` (rows then went straight to it until the union grew).
    private var headerWritten = false
    /// Rows go straight to `out` (the header is written and the union has not grown since).
    private var writingDirectly = false
    /// Whether a row may go straight to `out` at all (tests turn it off to compare with the spool).
    private let mayWriteDirectly: Bool
    /// The columns of the rows that may go straight to `out`: the first record's (a CSV batch's header).
    private var directColumns: Columns?
    /// Rows written straight to `out`, the union's width then and where their reason went.
    private var directRows = 0
    private var directWidth = 0
    private var directReasonPosition: Int?
    /// Per union position, the index of the record's value there (-1: none); reused for every row.
    private var cellOfPosition: [Int] = []
    /// The input's separators, from the first record that carries them; fixed once the header is written.
    private var dialect = CSVDialect.standard
    private var dialectKnown = false
    private var delimiter: UInt8 { dialect.delimiter }

    init(spool: OutputBuffer, out: OutputBuffer, redact: Bool, mayWriteDirectly: Bool = true) {
        self.spool = spool
        self.out = out
        self.redact = redact
        self.mayWriteDirectly = mayWriteDirectly
    }

    func waitIdle() {
        spool.waitIdle()
        out.waitIdle()
    }

    func deallocate() {
        spool.deallocate()
        out.deallocate()
    }

    /// True when the header was written and the union grew afterwards: the file must be written again
    /// (``rewrite(to:from:spoolPath:)``) instead of finished.
    var needsRewrite: Bool { headerWritten && union.count != directWidth }

    /// Starts the header with the first readable record's columns, so the rejects file of a CSV batch
    /// has the original header even when nothing (or only an unreadable row) is rejected.
    mutating func seed(_ raw: RawRecord?) throws {
        adoptDialect(of: raw)
        guard !isSeeded, let raw, raw.unreadable == nil else { return }
        isSeeded = true
        _ = union.positions(of: raw.columns.names, extra: 0)
        guard mayWriteDirectly, count == 0 else { return }
        try writeHeader(to: &out)
        headerWritten = true
        writingDirectly = true
        directColumns = raw.columns
        directWidth = union.count
        directReasonPosition = Self.reasonPosition(in: union.names)
        cellOfPosition = [Int](repeating: -1, count: directWidth)
    }

    /// Adds one rejected record: straight to the file while it fits the header written, else to the
    /// spool. A record without cells (or none) has only its reason; an unreadable CSV record keeps the cells
    /// the reader could show (see `CSVReader`), so the publisher sees the row to fix.
    mutating func add(_ raw: RawRecord?, reason: String) throws {
        count += 1
        adoptDialect(of: raw)
        let readable = raw.map { !$0.values.isEmpty } ?? false
        if writingDirectly {
            // A record with other columns (a JSONL line with other keys) ends direct writing: such lines
            // may extend the union at any point, and a late extension would have the file written twice.
            // `raw!`, not `if let raw`: binding copies the record (a retain and release of each of its parts).
            guard readable else { return try writeDirectly(values: [], fields: [], positions: [], reason: reason) }
            if raw!.columns === directColumns {
                let positions = positions(for: raw!)
                if union.count == directWidth {
                    return try writeDirectly(
                        values: raw!.values, fields: raw!.columns.fields, positions: positions, reason: reason)
                }
            }
            writingDirectly = false
        }
        try addToSpool(raw, readable: readable, reason: reason)
    }

    /// Takes the separators of the batch's file from its first record, before the header is written.
    private mutating func adoptDialect(of raw: RawRecord?) {
        guard !dialectKnown, !headerWritten, let raw else { return }
        dialectKnown = true
        dialect = raw.columns.dialect ?? .standard
    }

    private func appendLineEnd(to target: inout OutputBuffer) throws {
        try target.append(dialect.crlf ? "\r\n" : "\n")
    }

    /// One row of the file, its cells in union order; the same bytes as the spool's replay gives.
    /// `values` and `fields` are the record's (empty for an unreadable record, which has only its reason).
    private mutating func writeDirectly(
        values: [RawValue], fields: [CanonicalField?], positions: [Int], reason: String
    ) throws {
        directRows += 1
        for i in cellOfPosition.indices { cellOfPosition[i] = -1 }
        for i in values.indices { cellOfPosition[positions[i]] = i }
        for position in 0..<directWidth {
            if position > 0 { try out.append(delimiter) }
            if position == directReasonPosition {
                try out.csvCell(reason, neutralise: true, delimiter: delimiter)
            } else if cellOfPosition[position] >= 0 {
                let i = cellOfPosition[position]
                let text = cellText(values[i], field: i < fields.count ? fields[i] : nil)
                try out.csvCell(text, neutralise: true, delimiter: delimiter)
            }
        }
        if directReasonPosition == nil {
            if directWidth > 0 { try out.append(delimiter) }
            try out.csvCell(reason, neutralise: true, delimiter: delimiter)
        }
        try appendLineEnd(to: &out)
        try out.flushIfFull()
    }

    /// A value as its cell shows it: as read, masked under `redact` when it is a phone or an email.
    private func cellText(_ value: RawValue, field: CanonicalField?) -> String {
        let text = value.text
        guard redact, !text.isEmpty else { return text }
        if field == .phone { return Redaction.maskPhone(text) }
        if field == .email { return Redaction.maskEmail(text) }
        return text
    }

    /// Spools one rejected record.
    ///
    /// Record layout: u32 length of the rest, u32 cell count, per non-empty cell (u32 column
    /// position, u32 byte count, bytes), u32 reason byte count, reason bytes; integers little-endian.
    private mutating func addToSpool(_ raw: RawRecord?, readable: Bool, reason: String) throws {
        // Reserve the whole record at once so it is never split by a flush; a mask is at most 8 bytes
        // longer than its value.
        var bound = 12 + reason.utf8.count
        if readable, let raw {
            for value in raw.values { bound += 16 + value.byteCount }
        }
        var p = try spool.reserve(bound)
        var header = p
        p.putUInt32(0)  // the two header words, written below
        p.putUInt32(0)
        var cells: UInt32 = 0
        if readable, let raw {
            let positions = positions(for: raw)
            let fields = raw.columns.fields
            for (i, value) in raw.values.enumerated() {
                let text = cellText(value, field: i < fields.count ? fields[i] : nil)
                if text.isEmpty { continue }
                p.putUInt32(positions[i])
                p.putUInt32(text.utf8.count)
                withUTF8(text) { p.put($0) }
                cells += 1
            }
        }
        p.putUInt32(reason.utf8.count)
        withUTF8(reason) { p.put($0) }
        header.putUInt32(p.position - header.position - 4)
        header.putUInt32(Int(cells))
        spool.commit(p)
        try spool.flushIfFull()
    }

    private mutating func positions(for raw: RawRecord) -> [Int] {
        let names = raw.columns.names
        if cachedColumns !== raw.columns || cachedPositions.count < raw.values.count {
            cachedPositions = union.positions(of: names, extra: raw.values.count - names.count)
            cachedColumns = raw.columns
        }
        return cachedPositions
    }

    /// Completes the file when it needs no rewrite: the header, unless written already, then the spooled
    /// rows in input order; drained, so every byte is in the file.
    mutating func finish(spoolPath: String) throws {
        precondition(!needsRewrite)
        if !headerWritten { try writeHeader(to: &out) }
        try spool.drain()
        // Through a copy (`replaySpool` reads `self`); handed back even on a throw, as the copy may have
        // moved the buffers that `deallocate` frees.
        var target = out
        defer { out = target }
        try replaySpool(to: &target, spoolPath: spoolPath)
        try target.drain()
    }

    /// Writes the whole file again to `target` (a new file) under the final header: the rows written
    /// straight to `directPath` (the file so far) with empty cells for the columns added since, then the
    /// spooled rows. The caller drains `target`.
    mutating func rewrite(to target: inout OutputBuffer, from directPath: String, spoolPath: String) throws {
        try out.drain()
        try writeHeader(to: &target)
        let width = union.count
        let reasonPosition = Self.reasonPosition(in: union.names)
        // Commas to add in each row written directly, before its last cell and at its end.
        let before: Int
        let after: Int
        switch (directReasonPosition, reasonPosition) {
        case (nil, nil): (before, after) = (width - directWidth, 0)
        case (nil, let p?): (before, after) = (p - directWidth, width - 1 - p)
        case (.some, _): (before, after) = (0, width - directWidth)
        }
        let fd = POSIX.openForReading(directPath)
        guard fd >= 0 else { throw ExportError(.readFailed, path: directPath, systemError: POSIX.lastError) }
        defer { POSIX.closeQuietly(fd) }
        var rows = CSVRowSplitter(dialect: dialect)
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        var seen = 0
        while true {
            let got = chunk.withUnsafeMutableBytes { POSIX.readSome(fd, $0.baseAddress!, $0.count) }
            if got < 0 { throw ExportError(.readFailed, path: directPath, systemError: POSIX.lastError) }
            if got == 0 { break }
            try chunk.withUnsafeBufferPointer { bytes in
                try rows.feed(UnsafeBufferPointer(rebasing: bytes[..<got])) { row, lastCell in
                    seen += 1
                    // The first row is the old header.
                    guard seen > 1 else { return }
                    try target.append(UnsafeBufferPointer(rebasing: row[..<lastCell]))
                    for _ in 0..<before { try target.append(delimiter) }
                    let lineEnd = row.count - (dialect.crlf ? 2 : 1)
                    try target.append(UnsafeBufferPointer(rebasing: row[lastCell..<lineEnd]))
                    for _ in 0..<after { try target.append(delimiter) }
                    try appendLineEnd(to: &target)
                    try target.flushIfFull()
                }
            }
        }
        guard rows.isEmpty, seen == directRows + 1 else { throw ExportError(.readFailed, path: directPath) }
        try spool.drain()
        try replaySpool(to: &target, spoolPath: spoolPath)
    }

    /// Where a `leadspool_reason` column of the records is (a re-dropped rejects file): the reason goes
    /// there instead of into a column of its own.
    private static func reasonPosition(in names: [String]) -> Int? {
        names.firstIndex { CanonicalField.fold($0) == "leadspoolreason" }
    }

    /// The header: the union's names, then `leadspool_reason` unless the records have that column.
    private func writeHeader(to target: inout OutputBuffer) throws {
        try target.append("\u{FEFF}")
        let names = union.names
        for (i, name) in names.enumerated() {
            if i > 0 { try target.append(delimiter) }
            try target.csvCell(name, neutralise: true, delimiter: delimiter)
        }
        if Self.reasonPosition(in: names) == nil {
            if !names.isEmpty { try target.append(delimiter) }
            try target.append("leadspool_reason")
        }
        try appendLineEnd(to: &target)
    }

    /// Appends the spooled rows to `out` under the union's header (the spool drained first).
    private func replaySpool(to out: inout OutputBuffer, spoolPath: String) throws {
        let names = union.names
        let reasonPosition = Self.reasonPosition(in: names)
        let fd = POSIX.openForReading(spoolPath)
        guard fd >= 0 else { throw ExportError(.readFailed, path: spoolPath, systemError: POSIX.lastError) }
        defer { POSIX.closeQuietly(fd) }
        var reader = SpoolReader(fd: fd, path: spoolPath)
        defer { reader.deallocate() }
        var cells = [Range<Int>](repeating: 0..<0, count: names.count)
        while let record = try reader.next() {
            for i in cells.indices { cells[i] = 0..<0 }
            var offset = 0
            let cellCount = record.uint32(at: &offset)
            for _ in 0..<cellCount {
                let position = record.uint32(at: &offset)
                let length = record.uint32(at: &offset)
                cells[position] = offset..<(offset + length)
                offset += length
            }
            let reasonLength = record.uint32(at: &offset)
            let reason = offset..<(offset + reasonLength)
            let bytes = record.bindMemory(to: UInt8.self)
            for position in cells.indices {
                if position > 0 { try out.append(delimiter) }
                if position == reasonPosition {
                    try out.csvCell(
                        UnsafeBufferPointer(rebasing: bytes[reason]), neutralise: true, delimiter: delimiter)
                } else {
                    try out.csvCell(
                        UnsafeBufferPointer(rebasing: bytes[cells[position]]), neutralise: true, delimiter: delimiter)
                }
            }
            if reasonPosition == nil {
                if !cells.isEmpty { try out.append(delimiter) }
                try out.csvCell(UnsafeBufferPointer(rebasing: bytes[reason]), neutralise: true, delimiter: delimiter)
            }
            try appendLineEnd(to: &out)
            try out.flushIfFull()
        }
    }
}

extension Cursor {
    @inline(__always)
    fileprivate mutating func putUInt32(_ value: Int) {
        write(atMost: 4) { p in
            UnsafeMutableRawPointer(p).storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, as: UInt32.self)
            return p + 4
        }
    }
}

extension RawValue {
    /// Bytes of ``text`` without building it.
    fileprivate var byteCount: Int {
        switch self {
        case .string(let s), .number(let s), .json(let s): return s.utf8.count
        case .bool(let b): return b ? 4 : 5
        case .null: return 0
        }
    }
}

extension UnsafeRawBufferPointer {
    fileprivate func uint32(at offset: inout Int) -> Int {
        let value = UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset += 4
        return Int(value)
    }
}
