import CoreMetrics
import Synchronization

/// The receiver's figures through swift-metrics (Prometheus when the CLI bootstraps it, `--metrics-port`).
///
/// - `leadspool_receive_deliveries_total{result}`: every request to the endpoint by how it ended
///   (`accepted`, `rejected`, `replay`, `unauthorized`, `bad_request`, `too_large`, `unsupported_type`,
///   `unavailable`, `not_found`, `method_not_allowed`).
/// - `leadspool_receive_rejections_total{reason}`, `leadspool_receive_signature_failures_total`,
///   `leadspool_receive_replays_total`, `leadspool_receive_unknown_versions_total`.
/// - `leadspool_receive_decision_seconds`: from the request's arrival to its answer.
/// - `leadspool_receive_group_commit_leads`: deliveries per group commit.
package final class ReceiveMetrics: Sendable {
    package static let results = [
        "accepted", "rejected", "replay", "unauthorized", "bad_request", "too_large", "unsupported_type",
        "unavailable", "not_found", "method_not_allowed",
    ]
    private let deliveries: [String: Counter]
    private let rejections: [RejectReason: Counter]
    private let signatureFailures = Counter(label: "leadspool_receive_signature_failures_total")
    private let replays = Counter(label: "leadspool_receive_replays_total")
    private let unknownVersions = Counter(label: "leadspool_receive_unknown_versions_total")
    private let decision = Timer(label: "leadspool_receive_decision_seconds")
    private let groupSize = Recorder(label: "leadspool_receive_group_commit_leads", aggregate: true)

    /// Every series exists from the start at 0, so alerts work before the first delivery.
    package init() {
        var deliveries: [String: Counter] = [:]
        for result in Self.results {
            deliveries[result] = Counter(label: "leadspool_receive_deliveries_total", dimensions: [("result", result)])
        }
        self.deliveries = deliveries
        var rejections: [RejectReason: Counter] = [:]
        for reason in RejectReason.allCases {
            rejections[reason] = Counter(
                label: "leadspool_receive_rejections_total", dimensions: [("reason", reason.rawValue)])
        }
        self.rejections = rejections
        for counter in Array(deliveries.values) + Array(rejections.values) + [signatureFailures, replays, unknownVersions] {
            counter.increment(by: 0)
        }
    }

    func delivered(_ result: String) { deliveries[result]?.increment() }

    func answered(_ answer: ReceiveAnswer, replay: Bool, nanoseconds: Int64) {
        if replay {
            replays.increment()
            delivered("replay")
        } else if let reason = answer.reason {
            rejections[reason]?.increment()
            delivered("rejected")
        } else {
            delivered("accepted")
        }
        decision.recordNanoseconds(nanoseconds)
    }

    func signatureFailed() {
        signatureFailures.increment()
        delivered("unauthorized")
    }

    func unknownVersion() { unknownVersions.increment() }

    func committed(group: Int) { groupSize.record(group) }
}
