import Export
import Ingest

/// One column of the CRM file: its header and the outbox field it shows (``OutboxLine/fields``).
package struct CRMColumn: Sendable, Hashable {
    package var header: String
    package var field: String

    package init(header: String, field: String) {
        self.header = header
        self.field = field
    }

    /// Every outbox field under its own name.
    package static let all = OutboxLine.fields.map { CRMColumn(header: $0, field: $0) }
}

/// Writes what a CRM imports from a ready batch: `<batch>.csv` (the chosen columns, cells neutralised
/// against formula injection) and `<batch>.summary.json` (answers of the batch by status, reason and
/// vertical, bids), each atomically. The summary is written last: a batch with one is complete.
package struct ReadyExport: Sendable {
    package var columns: [CRMColumn]

    package init(columns: [CRMColumn] = CRMColumn.all) {
        self.columns = columns
    }

    /// `ready/X.jsonl` → `ready/X.csv` and `ready/X.summary.json`.
    package func write(batch path: String, figures: SegmentFigures) throws(ReceiveError) {
        let base = String(path.dropLast(".jsonl".count))
        let csv = try csvText(path)
        do {
            try FileSystem.writeAtomically(Array(csv.utf8), to: base + ".csv")
            try FileSystem.writeAtomically(
                Array(Self.summaryJSON(figures, batch: FileSystem.baseName(base)).utf8),
                to: base + ".summary.json")
        } catch {
            throw ReceiveError(.io, "cannot write the CRM files of \(path): \(error)")
        }
    }

    func csvText(_ path: String) throws(ReceiveError) -> String {
        var text = columns.map { CSVCell.encode($0.header, neutralise: true) }.joined(separator: ",") + "\r\n"
        let reader: JSONLReader
        do {
            let source = try FileByteSource(path: path)
            reader = try JSONLReader(source: source)
        } catch {
            // An empty batch (only rejections) has a header alone.
            if FileSystem.status(path)?.size == 0 { return text }
            throw ReceiveError(.io, "cannot read \(path): \(error)")
        }
        do {
            while let record = try reader.next() {
                guard record.unreadable == nil else { continue }
                let names = record.columns.names
                let cells = columns.map { column -> String in
                    guard let index = names.firstIndex(of: column.field), let value = record.value(at: index) else {
                        return ""
                    }
                    return CSVCell.encode(value.text, neutralise: true)
                }
                text += cells.joined(separator: ",") + "\r\n"
            }
        } catch {
            throw ReceiveError(.io, "cannot read \(path): \(error)")
        }
        return text
    }

    static func summaryJSON(_ figures: SegmentFigures, batch: String) -> String {
        func object(_ pairs: [(String, String)]) -> String {
            "{" + pairs.map { JSONText.quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
        }
        let reasons = figures.rejectedByReason.sorted { $0.key < $1.key }.map { ($0.key, String($0.value)) }
        let verticals = figures.byVertical.sorted { $0.key < $1.key }.map { entry in
            (
                entry.key.isEmpty ? "unknown" : entry.key,
                object([("accepted", String(entry.value.accepted)), ("rejected", String(entry.value.rejected))])
            )
        }
        return object([
            ("batch", JSONText.quoted(batch)),
            ("accepted", String(figures.accepted)),
            ("rejected", String(figures.rejected)),
            ("rejected_by_reason", object(reasons)),
            ("by_vertical", object(verticals)),
            ("bids", object([("count", String(figures.bids)), ("total", NumberText.money(cents: figures.bidCents))])),
        ]) + "\n"
    }
}
