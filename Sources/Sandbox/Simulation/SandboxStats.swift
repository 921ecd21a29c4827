/// Renders `GET /_sandbox/stats`.
///
/// ```
/// {"total":8,"by_status":{"200":6,"503":1},"dropped":1,"accepted":3,"rejected":2,
///  "rejected_by_reason":{"duplicate":1,"low_score":1},"bid_total":61.25,
///  "idempotent_replays":1,"idempotency_conflicts":0,"uptime":3.512,
///  "leads":{"insurance|+18135550100":{"submissions":3,"attempts":[
///    {"t":0.012,"status":503,"dropped":false,"idempotency_key":"b1-r1","decision":null,"replayed":false},
///    {"t":1.019,"status":200,"dropped":false,"idempotency_key":"b1-r1","decision":"accepted","replayed":false},
///    {"t":1.532,"status":200,"dropped":false,"idempotency_key":"b1-r1","decision":null,"replayed":true}]}}}
/// ```
/// `t` and `uptime` are seconds since the sandbox started, with millisecond precision. `decision`
/// is `accepted`, a rejection reason, or null when no decision was made (errors, faults, and
/// replays: the answer stored for the `Idempotency-Key` sent again, marked `replayed`).
/// `idempotency_conflicts` counts keys sent again with another body (answered 422).
enum SandboxStats {
    static func render(_ storage: SandboxState.Storage, uptimeMicroseconds: Int64) -> String {
        var json = JSONWriter(capacity: 256 + storage.leads.count * 120)
        json.beginObject()
        json.key("total")
        json.int(storage.total)
        json.key("by_status")
        json.beginObject()
        for (status, count) in storage.byStatus.sorted(by: { $0.key < $1.key }) {
            json.key(String(status))
            json.int(count)
        }
        json.endObject()
        json.key("dropped")
        json.int(storage.dropped)
        json.key("accepted")
        json.int(storage.accepted)
        json.key("rejected")
        json.int(storage.rejectedByReason.values.reduce(0, +))
        json.key("rejected_by_reason")
        json.beginObject()
        for (reason, count) in storage.rejectedByReason.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            json.key(reason.rawValue)
            json.int(count)
        }
        json.endObject()
        json.key("bid_total")
        json.cents(storage.bidCents)
        json.key("idempotent_replays")
        json.int(storage.idempotentReplays)
        json.key("idempotency_conflicts")
        json.int(storage.idempotencyConflicts)
        json.key("uptime")
        json.fixedPoint(uptimeMicroseconds / 1000, decimals: 3)
        json.key("leads")
        json.beginObject()
        for (key, history) in storage.leads.sorted(by: { $0.key < $1.key }) {
            json.key(key)
            json.beginObject()
            json.key("submissions")
            json.int(history.attempts.count)
            json.key("attempts")
            json.beginArray()
            for attempt in history.attempts {
                render(attempt, into: &json)
            }
            json.endArray()
            json.endObject()
        }
        json.endObject()
        json.endObject()
        return json.text
    }

    private static func render(_ attempt: Attempt, into json: inout JSONWriter) {
        json.beginObject()
        json.key("t")
        json.fixedPoint(attempt.arrivalMicroseconds / 1000, decimals: 3)
        json.key("status")
        if let status = attempt.status { json.int(status) } else { json.raw("null") }
        json.key("dropped")
        json.bool(attempt.status == nil)
        json.key("idempotency_key")
        json.optionalString(attempt.idempotencyKey)
        json.key("decision")
        switch attempt.decision {
        case .accepted: json.string("accepted")
        case .rejected(let reason): json.string(reason.rawValue)
        case nil: json.raw("null")
        }
        json.key("replayed")
        json.bool(attempt.replayed)
        json.endObject()
    }
}
