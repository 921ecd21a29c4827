import Ingest
import LeadModel

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension BatchSummary {
    /// `<batch>.summary.json`. Keys are snake_case and always present (zero or `null` when there is
    /// nothing to count), so scripts can rely on them; money has two decimals, rates four.
    package func renderJSON() -> String {
        var members: [(String, JSONValue)] = [
            ("batch", .string(inputs.batch)),
            ("file_name", .string(inputs.fileName)),
            ("encoding", inputs.encoding.map { .string($0) } ?? .null),
            ("unmatched_columns", inputs.unmatchedColumns.map { .array($0.map { .string($0) }) } ?? .null),
            ("publisher", .string(inputs.publisher)),
            ("mode", .string(inputs.mode.rawValue)),
            ("claimed_at", .string(CivilTime.utcString(Int64(Self.wholeSeconds(inputs.claimedAt))))),
            ("finished_at", .string(CivilTime.utcString(Int64(Self.wholeSeconds(inputs.finishedAt))))),
            ("duration_seconds", .fixed(durationSeconds, decimals: 3)),
            ("rows", .int(rows)),
            ("rows_per_second", .fixed(rowsPerSecond, decimals: 1)),
        ]
        members.append(("outcomes", Self.outcomeObject(outcomes)))
        members.append(("submitted", .int(submitted)))
        members.append(("sent", .int(sent)))
        members.append(("remote_invalid", .int(remoteInvalid)))
        members.append(("rejects", .int(rejects)))
        members.append(("acceptance_rate", .fixed(acceptanceRate, decimals: 4)))
        members.append(("revenue", .money(cents: revenueCents)))
        members.append(("average_bid", .money(cents: averageBidCents)))
        members.append(("reason_codes", .object(reasonCodes.map { ($0.code.rawValue, .int($0.count)) })))
        members.append(("first_reason_codes", .object(firstReasonCodes.map { ($0.code.rawValue, .int($0.count)) })))
        members.append(("remote_reasons", .object(remoteReasons.map { ($0.reason, .int($0.count)) })))
        let latency: JSONValue = .object([
            ("count", .int(latencyCount)),
            ("p50", .optionalInt(latencyP50)),
            ("p95", .optionalInt(latencyP95)),
            ("max", .optionalInt(latencyMax)),
        ])
        members.append(("latency_ms", latency))
        members.append(("attempts", .int(attempts)))
        members.append(("retries", .int(inputs.retries)))
        members.append(("rate_limit_waits", .int(inputs.rateLimitWaits)))
        members.append(("stage_seconds", .object(inputs.stageSeconds.map { ($0.0, .fixed($0.1, decimals: 3)) })))
        members.append(("per_vertical", .array(verticals.map { Self.group($0, key: "vertical") })))
        members.append(("per_publisher", .array(publishers.map { Self.group($0, key: "publisher") })))
        members.append(("rows_needing_attention", .int(attentionTotal)))
        return JSONValue.object(members).rendered()
    }

    private static func outcomeObject(_ counts: [(outcome: Outcome, count: Int)]) -> JSONValue {
        .object(counts.map { ($0.outcome.rawValue, .int($0.count)) })
    }

    private static func group(_ group: GroupTotals, key: String) -> JSONValue {
        .object([
            (key, group.name.isEmpty ? .null : .string(group.name)),
            ("rows", .int(group.rows)),
            ("outcomes", outcomeObject(group.outcomeCounts.all)),
            ("revenue", .money(cents: group.revenueCents)),
            ("average_bid", .money(cents: averageCents(group.revenueCents, over: group.bids))),
        ])
    }

    static func averageCents(_ cents: Int, over count: Int) -> Int? {
        count > 0 ? Int((Double(cents) / Double(count)).rounded()) : nil
    }

    static func wholeSeconds(_ date: Date) -> Int {
        Int(date.timeIntervalSince1970.rounded(.down))
    }
}
