import Foundation
import Ingest
import Logging
import Synchronization
import Validation

extension DeliveryDesk {
    /// What a stopped process left: each outbox file gets its torn last line cut, the leads the ledger lacks
    /// recorded as accepted (their answers may have gone out), then moves to `ready/`; every ready batch
    /// without a summary gets its CRM files.
    func recover() throws(ReceiveError) {
        let now = Date()
        let leftovers = writer.withLock { writer in
            (writer.outbox.leftovers(), writer.outbox.readyDirectory)
        }
        for (segment, path) in leftovers.0 {
            try Outbox.truncateTornTail(path)
            let leads = try Self.readLeads(path)
            let known = try store.known(leads.map(\.leadID))
            let missing = leads.filter { !known.contains($0.leadID) }.map { lead in
                ReceiveStore.Row(
                    leadID: lead.leadID, answer: .accepted, vertical: lead.vertical,
                    day: Self.day(of: Date(timeIntervalSince1970: Double(lead.receivedAt)), in: configuration.capTimeZone),
                    segment: segment, answeredAt: lead.receivedAt, bidCents: lead.bidCents)
            }
            try store.commit(missing, keys: [], seenAt: Int64(now.timeIntervalSince1970))
            if !missing.isEmpty {
                logger.warning(
                    "recorded leads the outbox held but the ledger did not (a crash between the two writes)",
                    metadata: ["receive.leads": "\(missing.count)"])
            }
            _ = try Outbox.moveToReady(
                path, segment: segment, readyDirectory: leftovers.1, now: Int64(now.timeIntervalSince1970))
        }
        let names = Set(FileSystem.list(leftovers.1))
        for name in names.sorted() where name.hasSuffix(".jsonl") && !name.hasPrefix(".") {
            let base = String(name.dropLast(".jsonl".count))
            guard !names.contains(base + ".summary.json"), let segment = Outbox.segment(ofReadyName: name) else {
                continue
            }
            export(leftovers.1 + "/" + name, segment: segment)
        }
    }

    /// The lead id, vertical, arrival and bid of each line of an outbox file.
    static func readLeads(
        _ path: String
    ) throws(ReceiveError) -> [(leadID: String, vertical: String?, receivedAt: Int64, bidCents: Int?)] {
        guard (FileSystem.status(path)?.size ?? 0) > 0 else { return [] }
        var leads: [(leadID: String, vertical: String?, receivedAt: Int64, bidCents: Int?)] = []
        do {
            let reader = try JSONLReader(source: try FileByteSource(path: path))
            while let record = try reader.next() {
                let names = record.columns.names
                func text(_ name: String) -> String? {
                    names.firstIndex(of: name).flatMap { record.value(at: $0)?.text }
                }
                guard let id = text("lead_id") else { continue }
                var received = Int64(Date().timeIntervalSince1970)
                if let stamp = text("received_at"), case .parsed(let parsed) = TimestampParser.parse(stamp),
                    let utc = parsed.utcSeconds
                {
                    received = utc
                }
                leads.append((id, text("vertical"), received, LeadScreen.bidCents(record)))
            }
        } catch {
            throw ReceiveError(.io, "cannot read \(path): \(error)")
        }
        return leads
    }
}
