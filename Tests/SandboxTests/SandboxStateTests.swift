import Testing

@testable import Sandbox

@Suite struct SandboxStateTests {
    private let accepted = LeadDecision.accepted(bidCents: 1850, leadID: "ld_0000000a")

    @Test func secondAcceptanceOfALeadKeyIsADuplicate() {
        let state = SandboxState(rateLimitPerSecond: nil, failAuthAfter: nil)
        let attempt = Attempt(arrivalMicroseconds: 1)
        let key = "insurance|+18135550100"
        #expect(state.finish(status: 200, leadKey: key, attempt: attempt, proposed: accepted) == accepted)
        #expect(state.finish(status: 200, leadKey: key, attempt: attempt, proposed: accepted) == .rejected(.duplicate))
        #expect(state.finish(status: 200, leadKey: "mortgage|+18135550100", attempt: attempt, proposed: accepted) == accepted)
        let storage = state.snapshot()
        #expect(storage.accepted == 2)
        #expect(storage.bidCents == 3700)
        #expect(storage.rejectedByReason == [.duplicate: 1])
        #expect(storage.leads[key]?.attempts.map(\.decision) == [accepted, .rejected(.duplicate)])
    }

    @Test func rejectionDoesNotBlockALaterAcceptance() {
        let state = SandboxState(rateLimitPerSecond: nil, failAuthAfter: nil)
        let key = "solar|+18135550100"
        _ = state.finish(status: 200, leadKey: key, attempt: Attempt(arrivalMicroseconds: 1), proposed: .rejected(.lowScore))
        #expect(state.finish(status: 200, leadKey: key, attempt: Attempt(arrivalMicroseconds: 2), proposed: accepted) == accepted)
    }

    @Test func failAuthAfterRevokesFromTheNthRequest() {
        let state = SandboxState(rateLimitPerSecond: nil, failAuthAfter: 3)
        let admissions = (0..<4).map { _ in state.admit(authenticated: true, atMicroseconds: 0) }
        #expect(admissions == [.admitted(sequence: 1), .admitted(sequence: 2), .revoked, .revoked])
    }

    @Test func unauthenticatedRequestsSpendNoToken() {
        let state = SandboxState(rateLimitPerSecond: 1, failAuthAfter: nil)
        #expect(state.admit(authenticated: false, atMicroseconds: 0) == .unauthorized)
        #expect(state.admit(authenticated: true, atMicroseconds: 0) == .admitted(sequence: 2))
        #expect(state.admit(authenticated: true, atMicroseconds: 100_000) == .rateLimited(retryAfterSeconds: 0.9))
        #expect(state.admit(authenticated: true, atMicroseconds: 1_000_000) == .admitted(sequence: 4))
    }

    @Test func resetForgetsEverything() {
        let state = SandboxState(rateLimitPerSecond: 1, failAuthAfter: nil)
        _ = state.admit(authenticated: true, atMicroseconds: 0)
        _ = state.finish(status: 200, leadKey: "debt|+18135550100", attempt: Attempt(arrivalMicroseconds: 0), proposed: accepted)
        _ = state.finish(status: nil, leadKey: nil, attempt: nil, proposed: nil)
        state.reset()
        let storage = state.snapshot()
        #expect(storage.total == 0 && storage.dropped == 0 && storage.accepted == 0 && storage.leads.isEmpty)
        #expect(storage.acceptedKeys.isEmpty && storage.byStatus.isEmpty && storage.bidCents == 0)
        #expect(state.admit(authenticated: true, atMicroseconds: 0) == .admitted(sequence: 1), "bucket refilled")
    }
}
