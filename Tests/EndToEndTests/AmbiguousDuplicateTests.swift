import Foundation
import Testing

/// Requests that time out on the client after the API decided them, then are retried with the same
/// `Idempotency-Key`. An API that honours the key replays its answer, so the lead it accepted is reported
/// accepted; one that ignores the key answers "duplicate", and leadspool reports that lead `unknown` /
/// `AMBIGUOUS_DUPLICATE`, never `rejected`: a lead the API accepted is never reported rejected.
@Suite struct AmbiguousDuplicateTests {
    static let token = "dl_test_ambiguous_duplicate"

    @Test(arguments: [false, true])
    func retryAfterATimeout(apiIgnoresKeys: Bool) throws {
        let sandbox = try SandboxProcess(
            seed: 8, extra: ["--latency-ms", "50..400"] + (apiIgnoresKeys ? ["--no-idempotency"] : []))
        defer { sandbox.stop() }
        let spool = try TempSpool(
            config: submitConfig(["timeout_seconds": "0.2", "max_in_flight": "16"]), timeScale: 0.05)
        defer { spool.remove() }
        try spool.generate("slow.csv", rows: 60, seed: 51)
        let run = try spool.run(endpoint: sandbox.endpoint, token: Self.token)
        #expect([0, 69].contains(run.status), "\(run.output)")

        let record = try sandbox.record()
        let rows = try spool.resultLines()
        #expect(rows.count == 60)
        var acceptedByAPI: Set<String> = []
        for (key, attempts) in record.byLead where attempts.contains(where: { $0.decision == "accepted" }) {
            acceptedByAPI.insert(key)
        }
        let retried = rows.filter { $0.attempts > 1 && acceptedByAPI.contains($0.leadKey) }
        #expect(retried.count > 3, "few accepted leads were retried after a timeout: the test exercised little")

        let soldButRejected = rows.filter { $0.outcome == "rejected" && acceptedByAPI.contains($0.leadKey) }
        #expect(soldButRejected.isEmpty, "leads the API accepted reported rejected: \(soldButRejected.map(\.row))")
        let ambiguous = rows.filter { $0.reasonCode == "AMBIGUOUS_DUPLICATE" }
        #expect(ambiguous.allSatisfy { $0.outcome == "unknown" && acceptedByAPI.contains($0.leadKey) })
        if apiIgnoresKeys {
            #expect(!ambiguous.isEmpty, "the API answered no retry with duplicate")
        } else {
            #expect(ambiguous.isEmpty)
            // A retry of a lead the API accepted gets the acceptance again, with its lead id.
            let answeredAccepted = rows.filter { $0.outcome == "accepted" }
            #expect(answeredAccepted.allSatisfy { $0.leadID?.hasPrefix("ld_") == true })
            #expect(
                retried.allSatisfy { $0.outcome == "accepted" || $0.reasonCode == "NETWORK_ERROR_EXHAUSTED" },
                "\(retried.filter { $0.outcome != "accepted" }.map { ($0.row, $0.outcome, $0.reasonCode ?? "") })")
        }
    }
}
