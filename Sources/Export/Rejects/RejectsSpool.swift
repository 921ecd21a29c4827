import Ingest

/// Collects the rows of `rejects.csv` while the batch streams, and writes the file at the end.
///
/// The header is only known at the end (a JSONL batch's rejected lines may each carry other keys),
/// so each rejected record goes to a spool file as (column position, value) pairs plus its reason;
/// `finish` writes the header from the ``ColumnUnion`` and replays the spool. Memory stays bounded by
/// the number of distinct columns.
///
/// Values are written exactly as read, re-quoted per RFC 4180 only where needed and NOT neutralised
/// against formula injection: the file goes back to the publisher to fix and re-drop, and every cell
/// in it is one they sent us, so it is no more dangerous than their own file, while an added `'`
/// would be sent to the API as part of the value after a re-drop. The `leadspool_reason` cell, which
/// is our text, is neutralised. With `--redact`, phone and email columns are masked here too.
struct RejectsSpool {
    /// Name of the column appended with the reason (an ignorable unknown column on re-drop).
    static let reasonColumn = "leadspool_reason"

    private var union = ColumnUnion()
    private(set) var isSeeded = false
    private var spool: OutputBuffer
    private(set) var count = 0
    private let redact: Bool
    private var cachedColumns: Columns?
    private var cachedPositions: [Int] = []

    init(spool: OutputBuffer, redact: Bool) {
        self.spool = spool
        self.redact = redact
    }

    func waitIdle() {
        spool.waitIdle()
    }

    func deallocate() {
        spool.deallocate()
    }

    /// Starts the header with the first readable record's columns, so the rejects file of a CSV batch
    /// has the original header even when nothing (or only an unreadable row) is rejected.
    mutating func seed(_ raw: RawRecord?) {
        guard !isSeeded, let raw, raw.unreadable == nil else { return }
        isSeeded = true
        _ = union.positions(of: raw.columns.names, extra: 0)
    }

    /// Spools one rejected record. An unreadable record (or none) has no cells, only its reason.
    ///
    /// Record layout: u32 length of the rest, u32 cell count, per non-empty cell (u32 column
    /// position, u32 byte count, bytes), u32 reason byte count, reason bytes; integers little-endian.
    mutating func add(_ raw: RawRecord?, reason: String) throws {
        count += 1
        let readable = raw.map { $0.unreadable == nil && !$0.values.isEmpty } ?? false
        // Reserve the whole record at once so it is never split by a flush; a mask is at most 8 bytes
        // longer than its value.
        var bound = 12 + reason.utf8.count
        if readable, let raw {
            for value in raw.values { bound += 16 + value.byteCount }
        }
        let start = try spool.reserve(bound)
        var p = start + 8
        var cells: UInt32 = 0
        if readable, let raw {
            let positions = positions(for: raw)
            let fields = raw.columns.fields
            for (i, value) in raw.values.enumerated() {
                var text = value.text
                if text.isEmpty { continue }
                if redact, i < fields.count {
                    if fields[i] == .phone { text = Redaction.maskPhone(text) }
                    if fields[i] == .email { text = Redaction.maskEmail(text) }
                }
                p.putUInt32(positions[i])
                p.putUInt32(text.utf8.count)
                withUTF8(text) { p.put($0) }
                cells += 1
            }
        }
        p.putUInt32(reason.utf8.count)
        withUTF8(reason) { p.put($0) }
        var header = start
        header.putUInt32(p - start - 4)
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

    /// Writes the whole `rejects.csv` to `out`: header, then the spooled rows in input order.
    mutating func write(to out: inout OutputBuffer, spoolPath: String) throws {
        try spool.drain()
        let names = union.names
        let reasonPosition = names.firstIndex { CanonicalField.fold($0) == "leadspoolreason" }
        for (i, name) in names.enumerated() {
            if i > 0 { try out.append(UInt8(ascii: ",")) }
            try out.csvCell(name, neutralise: false)
        }
        if reasonPosition == nil {
            if !names.isEmpty { try out.append(UInt8(ascii: ",")) }
            try out.append("leadspool_reason")
        }
        try out.append("\r\n")

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
                if position > 0 { try out.append(UInt8(ascii: ",")) }
                if position == reasonPosition {
                    try out.csvCell(UnsafeBufferPointer(rebasing: bytes[reason]), neutralise: true)
                } else {
                    try out.csvCell(UnsafeBufferPointer(rebasing: bytes[cells[position]]), neutralise: false)
                }
            }
            if reasonPosition == nil {
                if !cells.isEmpty { try out.append(UInt8(ascii: ",")) }
                try out.csvCell(UnsafeBufferPointer(rebasing: bytes[reason]), neutralise: true)
            }
            try out.append("\r\n")
            try out.flushIfFull()
        }
    }
}

extension UnsafeMutablePointer<UInt8> {
    @inline(__always)
    fileprivate mutating func putUInt32(_ value: Int) {
        UnsafeMutableRawPointer(self).storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, as: UInt32.self)
        self += 4
    }

    @inline(__always)
    fileprivate mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        SmallCopy.copy(from: source, count: bytes.count, to: self)
        self += bytes.count
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
