import Synchronization

/// How a delivery ended for the endpoint.
package enum DeliveryOutcome: Sendable, Hashable {
    /// 200 with this answer; `replay` when it is the stored answer of an earlier delivery.
    case answered(ReceiveAnswer, replay: Bool)
    /// 400: the body is not one JSON object.
    case badRequest(String)
    /// 503: the answer could not be made durable (disk full, ledger unwritable); the provider retries.
    case unavailable
}

/// One lead id on its way to an answer. Deliveries of the same id while it is on its way wait for the same
/// outcome; the deadline answers `timeout` unless the writer has claimed the lead already.
package final class DeliveryTicket: Sendable {
    private enum State {
        /// Queued for the writer (or being screened); waiting continuations.
        case waiting([CheckedContinuation<DeliveryOutcome, Never>])
        /// Taken by the writer: its outcome is the write's.
        case claimed([CheckedContinuation<DeliveryOutcome, Never>])
        case done(DeliveryOutcome)
    }

    package let leadID: String
    private let state = Mutex<State>(.waiting([]))

    init(leadID: String) {
        self.leadID = leadID
    }

    /// The outcome, once there is one.
    func outcome() async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> DeliveryOutcome? in
                switch state {
                case .waiting(var list):
                    list.append(continuation)
                    state = .waiting(list)
                case .claimed(var list):
                    list.append(continuation)
                    state = .claimed(list)
                case .done(let outcome): return outcome
                }
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The writer takes the lead: false when the deadline answered it already.
    func claim() -> Bool {
        state.withLock { state in
            guard case .waiting(let list) = state else { return false }
            state = .claimed(list)
            return true
        }
    }

    /// Answers `timeout` if the writer has not claimed the lead; true when it did.
    func expire() -> Bool {
        finish(.answered(.rejected(.timeout), replay: false), onlyIfWaiting: true)
    }

    /// Sets the outcome and wakes every waiting delivery; false when it had one already (or, with
    /// `onlyIfWaiting`, was claimed).
    @discardableResult
    func finish(_ outcome: DeliveryOutcome, onlyIfWaiting: Bool = false) -> Bool {
        let waiting = state.withLock { state -> [CheckedContinuation<DeliveryOutcome, Never>]? in
            switch state {
            case .waiting(let list):
                state = .done(outcome)
                return list
            case .claimed(let list):
                if onlyIfWaiting { return nil }
                state = .done(outcome)
                return list
            case .done: return nil
            }
        }
        guard let waiting else { return false }
        for continuation in waiting { continuation.resume(returning: outcome) }
        return true
    }
}
