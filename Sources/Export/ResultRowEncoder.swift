import Ingest
import LeadModel

/// The columns of `results.csv` and `results.jsonl`, in file order (CONTRACT §6): the one table the CSV
/// header and both row writers follow. `results.jsonl` adds `reason_codes`, `publisher` and `batch`.
enum ResultColumn: Int, CaseIterable {
    case row, ref, vertical, outcome, reasonCode, reason, httpStatus, attempts, leadID, bidAmount, phone, zip
    case email, submittedAt, latencyMs, remoteReason

    /// How a value is written. In every kind an absent (empty) value is an empty CSV cell and a JSON `null`.
    enum Kind {
        /// Digits (or `d.dd`): as is in both files.
        case number
        /// One of our ASCII words (an outcome, a reason code): as is in CSV, quoted in JSON.
        case word
        /// Text from a batch or the API: RFC 4180 quoted and neutralised in CSV, escaped in JSON.
        case text
    }

    var name: String {
        switch self {
        case .row: "row"
        case .ref: "ref"
        case .vertical: "vertical"
        case .outcome: "outcome"
        case .reasonCode: "reason_code"
        case .reason: "reason"
        case .httpStatus: "http_status"
        case .attempts: "attempts"
        case .leadID: "lead_id"
        case .bidAmount: "bid_amount"
        case .phone: "phone"
        case .zip: "zip"
        case .email: "email"
        case .submittedAt: "submitted_at"
        case .latencyMs: "latency_ms"
        case .remoteReason: "remote_reason"
        }
    }

    var kind: Kind {
        switch self {
        case .row, .httpStatus, .attempts, .bidAmount, .latencyMs: .number
        case .outcome, .reasonCode: .word
        case .ref, .vertical, .reason, .leadID, .phone, .zip, .email, .submittedAt, .remoteReason: .text
        }
    }
}

/// Writes one `LeadResult` as a row of `results.csv` and a line of `results.jsonl` (CONTRACT §6),
/// straight into the output buffers: no intermediate strings, no formatters, one capacity check
/// per file and row (and, in debug builds, one per write: see ``Cursor``).
///
/// CSV: text cells are RFC 4180 quoted and neutralised against formula injection, numbers are
/// plain, absent values are empty cells, lines end in CRLF. JSONL: the CSV's fields in the same
/// order, then `reason_codes`, `publisher` and `batch`; plain values (no neutralisation), numbers as
/// numbers, `null` for absent values and empty strings.
struct ResultRowEncoder {
    /// The first line of `results.csv`.
    static let csvHeader = ResultColumn.allCases.map(\.name).joined(separator: ",") + "\r\n"

    private let columns = ResultColumn.allCases
    /// `{"row":`, `,"ref":`, … one after the other; ``jsonKeySpans`` says where each is.
    private let jsonKeys: UnsafeMutableBufferPointer<UInt8>
    private let jsonKeySpans: [StagedText]
    /// The current row's value of each column, in ``arena``.
    private let cells: UnsafeMutableBufferPointer<StagedText>
    private var arena = TextArena()
    /// `,"publisher":…,"batch":…}` + LF for the current publisher.
    private var tail: [UInt8] = []
    private var tailPublisher = ""
    private let batch: String

    init(batch: String) {
        self.batch = batch
        let keys = columns.enumerated().map { (i, column) in Array(((i == 0 ? "{" : ",") + "\"\(column.name)\":").utf8) }
        jsonKeys = .allocate(capacity: keys.reduce(0) { $0 + $1.count })
        var spans: [StagedText] = []
        var offset = 0
        for key in keys {
            _ = jsonKeys[offset..<offset + key.count].initialize(from: key)
            spans.append(StagedText(offset: offset, count: key.count, clean: true))
            offset += key.count
        }
        jsonKeySpans = spans
        cells = .allocate(capacity: columns.count)
        cells.initialize(repeating: StagedText.empty)
    }

    func deallocate() {
        arena.deallocate()
        jsonKeys.deallocate()
        cells.deallocate()
    }

    /// `reason` is the row's joined reason text; `phone` and `email` the result's or, with `--redact`,
    /// their masks; `publisher` the row's publisher (the batch's when the row has none).
    @inline(__always)
    mutating func write(
        _ r: LeadResult, reason: String, phone: String, email: String, publisher: String,
        csv: inout OutputBuffer, jsonl: inout OutputBuffer
    ) throws {
        if tail.isEmpty || publisher != tailPublisher {
            tailPublisher = publisher
            tail = Array(
                (",\"publisher\":" + JSONText.quoted(publisher) + ",\"batch\":" + JSONText.quoted(batch) + "}\n").utf8)
        }
        arena.reset()
        // Each value is staged once (numbers formatted once) and copied into both files.
        for (i, column) in columns.enumerated() {
            cells[i] = stage(column, of: r, reason: reason, phone: phone, email: email)
        }
        // Every staged byte may expand 6× (JSON \u00XX); keys, nulls and separators fit in the rest.
        let bound = 6 * arena.used + jsonKeys.count + 8 * columns.count + 64 * r.problems.count + tail.count + 16

        var p = try csv.reserve(bound)
        for (i, column) in columns.enumerated() {
            if i > 0 { p.put(UInt8(ascii: ",")) }
            let cell = cells[i]
            switch column.kind {
            case .number, .word: p.put(arena.bytes(cell))
            case .text: csvText(cell, into: &p)
            }
        }
        p.put("\r\n")
        csv.commit(p)

        var q = try jsonl.reserve(bound)
        for (i, column) in columns.enumerated() {
            let key = jsonKeySpans[i]
            q.put(UnsafeBufferPointer(rebasing: jsonKeys[key.offset..<key.offset + key.count]))
            let cell = cells[i]
            guard cell.count > 0 else {
                q.put("null")
                continue
            }
            switch column.kind {
            case .number: q.put(arena.bytes(cell))
            case .word:
                q.put(UInt8(ascii: "\""))
                q.put(arena.bytes(cell))
                q.put(UInt8(ascii: "\""))
            case .text: jsonText(cell, into: &q)
            }
        }
        q.put(",\"reason_codes\":[")
        // Indexing (not iterating) reads each code without copying the whole `Problem`.
        for i in r.problems.indices {
            if i > 0 { q.put(UInt8(ascii: ",")) }
            q.put(UInt8(ascii: "\""))
            withUTF8(r.problems.code(at: i).rawValue) { q.put($0) }
            q.put(UInt8(ascii: "\""))
        }
        q.put(UInt8(ascii: "]"))
        tail.withUnsafeBufferPointer { q.put($0) }
        jsonl.commit(q)
    }

    @inline(__always)
    private mutating func stage(
        _ column: ResultColumn, of r: LeadResult, reason: String, phone: String, email: String
    ) -> StagedText {
        switch column {
        case .row: arena.stage(r.row)
        case .ref: arena.stage(r.ref)
        case .vertical: arena.stage(r.vertical)
        case .outcome: arena.stage(word: r.outcome.staticText)
        case .reasonCode: r.problems.isEmpty ? .empty : arena.stage(r.problems.code(at: 0).rawValue)
        case .reason: arena.stage(reason)
        case .httpStatus: r.httpStatus.map { arena.stage($0) } ?? .empty
        case .attempts: arena.stage(r.attempts)
        case .leadID: r.leadID.map { arena.stage($0) } ?? .empty
        case .bidAmount: r.bidAmount.flatMap(NumberText.cents).map { arena.stage(cents: $0) } ?? .empty
        case .phone: arena.stage(phone)
        case .zip: arena.stage(r.zip)
        case .email: arena.stage(email)
        case .submittedAt: r.submittedAt.map { arena.stage($0) } ?? .empty
        case .latencyMs: r.latencyMs.map { arena.stage($0) } ?? .empty
        case .remoteReason: r.remoteReason.map { arena.stage($0) } ?? .empty
        }
    }

    @inline(__always)
    private func csvText(_ text: StagedText, into cursor: inout Cursor) {
        guard text.count > 0 else { return }
        let bytes = arena.bytes(text)
        guard text.clean else {
            cursor.write(atMost: CSVCell.maxEncodedCount(bytes.count)) { Self.csvSlow(bytes, at: $0) }
            return
        }
        // Clean text needs no quotes; only the formula prefix may apply (`+1813…` → `'+1813…`).
        if CSVCell.isFormulaTrigger(bytes[0]) { cursor.put(UInt8(ascii: "'")) }
        cursor.put(bytes)
    }

    /// A non-empty text value.
    @inline(__always)
    private func jsonText(_ text: StagedText, into cursor: inout Cursor) {
        let bytes = arena.bytes(text)
        guard text.clean else {
            cursor.write(atMost: JSONString.maxEncodedCount(bytes.count)) { Self.jsonSlow(bytes, at: $0) }
            return
        }
        cursor.put(UInt8(ascii: "\""))
        cursor.put(bytes)
        cursor.put(UInt8(ascii: "\""))
    }

    // The escaping paths stay out of line so the clean paths above inline into `write`.
    @inline(never)
    private static func csvSlow(
        _ bytes: UnsafeBufferPointer<UInt8>, at cursor: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        CSVCell.write(bytes, neutralise: true, at: cursor)
    }

    @inline(never)
    private static func jsonSlow(
        _ bytes: UnsafeBufferPointer<UInt8>, at cursor: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        JSONString.write(bytes, at: cursor)
    }
}
