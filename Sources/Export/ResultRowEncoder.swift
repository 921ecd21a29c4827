import LeadModel

/// Writes one `LeadResult` as a row of `results.csv` and a line of `results.jsonl` (CONTRACT §6),
/// straight into the output buffers: no intermediate strings, no formatters, one capacity check
/// per file and row.
///
/// CSV: text cells are RFC 4180 quoted and neutralised against formula injection, numbers are
/// plain, absent values are empty cells, lines end in CRLF. JSONL: the CSV's fields in the same
/// order, then `reason_codes`, `publisher`, `batch` and, last like in the CSV, `remote_reason`; plain values (no neutralisation), numbers as
/// numbers, `null` for absent values and empty strings.
struct ResultRowEncoder {
    static let csvHeader: StaticString = """
        row,ref,vertical,outcome,reason_code,reason,http_status,attempts,lead_id,bid_amount,phone,zip,email,\
        submitted_at,latency_ms,remote_reason\r\n
        """

    private var arena = TextArena()
    /// `,"publisher":…,"batch":…,"remote_reason":` for the current publisher.
    private var tail: [UInt8] = []
    private var tailPublisher = ""
    private let batch: String

    init(batch: String) {
        self.batch = batch
    }

    func deallocate() {
        arena.deallocate()
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
                (",\"publisher\":" + JSONText.quoted(publisher) + ",\"batch\":" + JSONText.quoted(batch) + ",\"remote_reason\":").utf8)
        }
        arena.reset()
        let ref = arena.stage(r.ref)
        let vertical = arena.stage(r.vertical)
        let reasonText = arena.stage(reason)
        let leadID = r.leadID.map { arena.stage($0) }
        let phoneText = arena.stage(phone)
        let zip = arena.stage(r.zip)
        let emailText = arena.stage(email)
        let submittedAt = r.submittedAt.map { arena.stage($0) }
        // Numbers are formatted once and copied into both files.
        let row = arena.stage(r.row)
        let status = r.httpStatus.map { arena.stage($0) }
        let attempts = arena.stage(r.attempts)
        let bid = r.bidAmount.flatMap(NumberText.cents).map { arena.stage(cents: $0) }
        let latency = r.latencyMs.map { arena.stage($0) }
        let remoteReason = r.remoteReason.map { arena.stage($0) }
        // Every staged byte may expand 6× (JSON \u00XX); keys and codes fit in the rest.
        let bound = 6 * arena.used + 640 + 64 * r.problems.count + tail.count

        var p = try csv.reserve(bound)
        p.put(arena.bytes(row))
        p.put(UInt8(ascii: ","))
        p = csvText(ref, at: p)
        p.put(UInt8(ascii: ","))
        p = csvText(vertical, at: p)
        p.put(UInt8(ascii: ","))
        p.put(r.outcome.staticText)
        p.put(UInt8(ascii: ","))
        if !r.problems.isEmpty { p = Self.code(r.problems.code(at: 0), at: p) }
        p.put(UInt8(ascii: ","))
        p = csvText(reasonText, at: p)
        p.put(UInt8(ascii: ","))
        if let status { p.put(arena.bytes(status)) }
        p.put(UInt8(ascii: ","))
        p.put(arena.bytes(attempts))
        p.put(UInt8(ascii: ","))
        if let leadID { p = csvText(leadID, at: p) }
        p.put(UInt8(ascii: ","))
        if let bid { p.put(arena.bytes(bid)) }
        p.put(UInt8(ascii: ","))
        p = csvText(phoneText, at: p)
        p.put(UInt8(ascii: ","))
        p = csvText(zip, at: p)
        p.put(UInt8(ascii: ","))
        p = csvText(emailText, at: p)
        p.put(UInt8(ascii: ","))
        if let submittedAt { p = csvText(submittedAt, at: p) }
        p.put(UInt8(ascii: ","))
        if let latency { p.put(arena.bytes(latency)) }
        p.put(UInt8(ascii: ","))
        if let remoteReason { p = csvText(remoteReason, at: p) }
        p.put("\r\n")
        csv.commit(p)

        var q = try jsonl.reserve(bound)
        q.put("{\"row\":")
        q.put(arena.bytes(row))
        q.put(",\"ref\":")
        q = jsonText(ref, at: q)
        q.put(",\"vertical\":")
        q = jsonText(vertical, at: q)
        q.put(",\"outcome\":\"")
        q.put(r.outcome.staticText)
        q.put("\",\"reason_code\":")
        if !r.problems.isEmpty {
            q.put(UInt8(ascii: "\""))
            q = Self.code(r.problems.code(at: 0), at: q)
            q.put(UInt8(ascii: "\""))
        } else {
            q.put("null")
        }
        q.put(",\"reason\":")
        q = jsonText(reasonText, at: q)
        q.put(",\"http_status\":")
        if let status { q.put(arena.bytes(status)) } else { q.put("null") }
        q.put(",\"attempts\":")
        q.put(arena.bytes(attempts))
        q.put(",\"lead_id\":")
        if let leadID { q = jsonText(leadID, at: q) } else { q.put("null") }
        q.put(",\"bid_amount\":")
        if let bid { q.put(arena.bytes(bid)) } else { q.put("null") }
        q.put(",\"phone\":")
        q = jsonText(phoneText, at: q)
        q.put(",\"zip\":")
        q = jsonText(zip, at: q)
        q.put(",\"email\":")
        q = jsonText(emailText, at: q)
        q.put(",\"submitted_at\":")
        if let submittedAt { q = jsonText(submittedAt, at: q) } else { q.put("null") }
        q.put(",\"latency_ms\":")
        if let latency { q.put(arena.bytes(latency)) } else { q.put("null") }
        q.put(",\"reason_codes\":[")
        // Indexing (not iterating) reads each code without copying the whole `Problem`.
        for i in r.problems.indices {
            if i > 0 { q.put(UInt8(ascii: ",")) }
            q.put(UInt8(ascii: "\""))
            q = Self.code(r.problems.code(at: i), at: q)
            q.put(UInt8(ascii: "\""))
        }
        q.put(UInt8(ascii: "]"))
        tail.withUnsafeBufferPointer { q.put($0) }
        if let remoteReason { q = jsonText(remoteReason, at: q) } else { q.put("null") }
        q.put("}\n")
        jsonl.commit(q)
    }

    @inline(__always)
    private func csvText(_ text: StagedText, at cursor: Cursor) -> Cursor {
        guard text.count > 0 else { return cursor }
        let bytes = arena.bytes(text)
        guard text.clean else { return Self.csvSlow(bytes, at: cursor) }
        var p = cursor
        // Clean text needs no quotes; only the formula prefix may apply (`+1813…` → `'+1813…`).
        if CSVCell.isFormulaTrigger(bytes[0]) { p.put(UInt8(ascii: "'")) }
        p.put(bytes)
        return p
    }

    @inline(__always)
    private func jsonText(_ text: StagedText, at cursor: Cursor) -> Cursor {
        var p = cursor
        guard text.count > 0 else {
            p.put("null")
            return p
        }
        let bytes = arena.bytes(text)
        guard text.clean else { return Self.jsonSlow(bytes, at: cursor) }
        p.put(UInt8(ascii: "\""))
        p.put(bytes)
        p.put(UInt8(ascii: "\""))
        return p
    }

    // The escaping paths stay out of line so the clean paths above inline into `write`.
    @inline(never)
    private static func csvSlow(_ bytes: UnsafeBufferPointer<UInt8>, at cursor: Cursor) -> Cursor {
        CSVCell.write(bytes, neutralise: true, at: cursor)
    }

    @inline(never)
    private static func jsonSlow(_ bytes: UnsafeBufferPointer<UInt8>, at cursor: Cursor) -> Cursor {
        JSONText.write(bytes, at: cursor)
    }

    /// Reason codes are plain ASCII capitals and `_`: no quoting or escaping needed.
    @inline(__always)
    private static func code(_ code: ReasonCode, at cursor: Cursor) -> Cursor {
        var p = cursor
        withUTF8(code.rawValue) { p.put($0) }
        return p
    }
}

/// A write position in an output buffer.
typealias Cursor = UnsafeMutablePointer<UInt8>

extension UnsafeMutablePointer<UInt8> {
    @inline(__always)
    fileprivate mutating func put(_ byte: UInt8) {
        pointee = byte
        self += 1
    }

    @inline(__always)
    fileprivate mutating func put(_ text: StaticString) {
        update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        self += text.utf8CodeUnitCount
    }

    @inline(__always)
    fileprivate mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        SmallCopy.copy(from: source, count: bytes.count, to: self)
        self += bytes.count
    }
}
