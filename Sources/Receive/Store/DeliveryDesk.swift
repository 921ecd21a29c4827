import Dispatch
package import Foundation
import Ingest
import LeadLedger
import LeadModel
package import Logging
import Synchronization

/// Where screened deliveries become answers, durably and in order: one writer thread takes every delivery
/// queued since its last turn (group commit), decides dedupe and daily caps in arrival order, appends the
/// accepted leads to the outbox and syncs it, records every answer in the receive ledger (synced), and only
/// then lets the answers go. One fsync of each file serves every delivery of a turn.
///
/// Crash safety follows from that order. A lead is in the outbox before its answer is recorded or sent; on
/// start, ``start()`` records any outbox lead the ledger lacks (its answer may have gone out), so a
/// redelivery of it gets `accepted` again and is not written twice. A lead whose line is not complete was
/// never answered and is cut.
package final class DeliveryDesk: Sendable {
    package struct Configuration: Sendable {
        package var rules: ReceiveRules
        /// Rotate the outbox after this many leads...
        package var rotateLeads: Int
        /// ...or this many seconds after its first answer.
        package var rotateSeconds: Double
        /// The zone whose days the daily caps count.
        package var capTimeZone: TimeZone
        package var export: ReadyExport

        package init(
            rules: ReceiveRules = ReceiveRules(), rotateLeads: Int = 1000, rotateSeconds: Double = 60,
            capTimeZone: TimeZone = TimeZone(identifier: "UTC")!, export: ReadyExport = ReadyExport()
        ) {
            self.rules = rules
            self.rotateLeads = rotateLeads
            self.rotateSeconds = rotateSeconds
            self.capTimeZone = capTimeZone
            self.export = export
        }
    }

    private struct Queue {
        var pending: [(ticket: DeliveryTicket, lead: ScreenedLead)] = []
        var inFlight: [String: DeliveryTicket] = [:]
        var stopping = false
    }

    let configuration: Configuration
    let store: ReceiveStore
    let directory: String
    let logger: Logger
    let metrics: ReceiveMetrics
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let exports = DispatchQueue(label: "leadspool.receive.export")
    let writer: Mutex<Writer>

    package init(
        directory: String, store: ReceiveStore, configuration: Configuration, metrics: ReceiveMetrics, logger: Logger
    ) throws(ReceiveError) {
        self.directory = directory
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        let outbox = try Outbox(directory: directory, lastSegment: try store.lastSegment())
        writer = Mutex(Writer(outbox: outbox))
    }

    // MARK: Deliveries (any thread)

    /// The ticket of `leadID`: the one of a delivery of the same id still on its way (`isNew` false: wait for
    /// its outcome), or a new one the caller settles by ``release(_:_:)`` or ``submit(_:_:)``.
    package func ticket(for leadID: String) -> (ticket: DeliveryTicket, isNew: Bool) {
        queue.withLock { queue in
            if let existing = queue.inFlight[leadID] { return (existing, false) }
            let ticket = DeliveryTicket(leadID: leadID)
            queue.inFlight[leadID] = ticket
            return (ticket, true)
        }
    }

    /// Settles a new ticket without the writer: a stored answer, a bad body.
    package func release(_ ticket: DeliveryTicket, _ outcome: DeliveryOutcome) {
        ticket.finish(outcome)
        queue.withLock { _ = $0.inFlight.removeValue(forKey: ticket.leadID) }
    }

    /// Queues a screened lead for the writer's next turn.
    package func submit(_ ticket: DeliveryTicket, _ lead: ScreenedLead) {
        let accepted = queue.withLock { queue -> Bool in
            guard !queue.stopping else { return false }
            queue.pending.append((ticket, lead))
            return true
        }
        if accepted {
            wake.signal()
        } else {
            release(ticket, .unavailable)
        }
    }

    /// The stored answer of `leadID`.
    package func storedAnswer(_ leadID: String) throws(ReceiveError) -> ReceiveAnswer? {
        try store.answer(leadID: leadID)
    }

    // MARK: Life cycle

    /// Recovers what a stopped process left (outbox leads the ledger lacks, batches without CRM files), then
    /// starts the writer thread.
    package func start() throws(ReceiveError) {
        try recover()
        let thread = Thread { [self] in self.run() }
        thread.name = "leadspool-receive-writer"
        thread.start()
    }

    /// Answers what is queued, moves the outbox to `ready/`, writes its CRM files and stops the writer. New
    /// deliveries are answered 503 from now on.
    package func stop() {
        queue.withLock { $0.stopping = true }
        wake.signal()
        stopped.wait()
        exports.sync {}
    }

    // MARK: The writer

    /// The writer thread's own state.
    struct Writer {
        var outbox: Outbox
        var segmentStarted: Double?
        /// Leads accepted per (day, vertical), loaded from the ledger on first use.
        var capCounts: [String: Int] = [:]
    }

    func run() {
        while true {
            let timeout = writer.withLock { writer -> DispatchTime in
                guard let started = writer.segmentStarted else { return .now() + 1 }
                let left = max(0, started + configuration.rotateSeconds - Date().timeIntervalSince1970)
                return .now() + min(1, left)
            }
            _ = wake.wait(timeout: timeout)
            let (group, stopping) = queue.withLock { queue in
                defer { queue.pending.removeAll(keepingCapacity: true) }
                return (queue.pending, queue.stopping)
            }
            if !group.isEmpty { commit(group) }
            rotateIfDue(force: stopping)
            if stopping && queue.withLock({ $0.pending.isEmpty }) { break }
        }
        stopped.signal()
    }

    private func commit(_ group: [(ticket: DeliveryTicket, lead: ScreenedLead)]) {
        let now = Date()
        let seconds = Int64(now.timeIntervalSince1970)
        let day = Self.day(of: now, in: configuration.capTimeZone)
        let rules = configuration.rules
        var keyer = store.keyer.session()

        // Dedupe keys of the leads that may be bought, looked up in one read.
        var keysOf: [[DedupeKey]] = []
        for (_, lead) in group {
            guard lead.refusal == nil, rules.dedupeDays > 0, let vertical = lead.vertical else {
                keysOf.append([])
                continue
            }
            keysOf.append([keyer.key(vertical, lead.phone), keyer.key(vertical, lead.email)])
        }
        let seen: [DedupeKey: Int64]
        do {
            seen = try store.lastSeen(keysOf.flatMap { $0 })
        } catch {
            fail(group, error)
            return
        }
        let windowStart = seconds - Int64(rules.dedupeDays) * 86_400

        var rows: [ReceiveStore.Row] = []
        var answers: [(DeliveryTicket, ReceiveAnswer)] = []
        var lines: [UInt8] = []
        var lineCount = 0
        var boughtKeys: [DedupeKey] = []
        var boughtNow = Set<DedupeKey>()
        var capDelta: [String: Int] = [:]
        let segment = writer.withLock { $0.outbox.segment }
        for (index, (ticket, lead)) in group.enumerated() {
            var answer: ReceiveAnswer
            if !ticket.claim() {
                answer = .rejected(.timeout)
            } else if let refusal = lead.refusal {
                answer = refusal
            } else {
                answer = .accepted
                let keys = keysOf[index]
                if keys.contains(where: { boughtNow.contains($0) || (seen[$0].map { $0 >= windowStart } ?? false) }) {
                    answer = .rejected(.duplicate)
                } else if let vertical = lead.vertical, let cap = rules.dailyCaps[vertical] {
                    let slot = "\(day)|\(vertical.rawValue)"
                    let count = capCount(slot, day: day, vertical: vertical) + capDelta[slot, default: 0]
                    if count >= cap {
                        answer = .rejected(.dailyCap, vertical.rawValue)
                    } else {
                        capDelta[slot, default: 0] += 1
                    }
                }
                if answer.isAccepted {
                    lines += lead.outboxLine
                    lineCount += 1
                    boughtKeys += keys
                    boughtNow.formUnion(keys)
                }
            }
            rows.append(
                ReceiveStore.Row(
                    leadID: lead.leadID, answer: answer, vertical: lead.vertical?.rawValue, day: day, segment: segment,
                    answeredAt: seconds, bidCents: answer.isAccepted ? lead.bidCents : nil))
            answers.append((ticket, answer))
        }

        let written = writer.withLock { writer -> ReceiveError? in
            do throws(ReceiveError) {
                try writer.outbox.append(lines, lines: lineCount)
            } catch {
                return error
            }
            do throws(ReceiveError) {
                try store.commit(rows, keys: boughtKeys, seenAt: seconds)
            } catch {
                writer.outbox.unappend(lines.count, lines: lineCount)
                return error
            }
            writer.outbox.counted(answers: rows.count)
            if writer.segmentStarted == nil { writer.segmentStarted = now.timeIntervalSince1970 }
            for (slot, delta) in capDelta { writer.capCounts[slot, default: 0] += delta }
            return nil
        }
        if let written {
            fail(group, written)
            return
        }
        for (ticket, answer) in answers {
            ticket.finish(.answered(answer, replay: false))
        }
        queue.withLock { queue in
            for (ticket, _) in group { queue.inFlight.removeValue(forKey: ticket.leadID) }
        }
        metrics.committed(group: group.count)
    }

    /// The leads of a group whose answers could not be made durable: 503, and nothing kept.
    private func fail(_ group: [(ticket: DeliveryTicket, lead: ScreenedLead)], _ error: ReceiveError) {
        logger.error("cannot record answers: \(error.message)", metadata: ["receive.leads": "\(group.count)"])
        for (ticket, _) in group { ticket.finish(.unavailable) }
        queue.withLock { queue in
            for (ticket, _) in group { queue.inFlight.removeValue(forKey: ticket.leadID) }
        }
    }

    private func capCount(_ slot: String, day: Int64, vertical: Vertical) -> Int {
        if let known = writer.withLock({ $0.capCounts[slot] }) { return known }
        let counted = (try? store.acceptedCount(day: day, vertical: vertical.rawValue)) ?? 0
        writer.withLock { $0.capCounts[slot] = counted }
        return counted
    }

    private func rotateIfDue(force: Bool) {
        let now = Date().timeIntervalSince1970
        let rotated = writer.withLock { writer -> Result<(segment: Int, path: String)?, ReceiveError> in
            let due =
                force || writer.outbox.leads >= configuration.rotateLeads
                || (writer.segmentStarted.map { now - $0 >= configuration.rotateSeconds } ?? false)
            guard due else { return .success(nil) }
            writer.segmentStarted = nil
            do throws(ReceiveError) {
                return .success(try writer.outbox.rotate(now: Int64(now)))
            } catch {
                return .failure(error)
            }
        }
        switch rotated {
        case .failure(let error): logger.error("cannot rotate the outbox: \(error.message)")
        case .success(let moved?): export(moved.path, segment: moved.segment)
        case .success(nil): break
        }
    }

    func export(_ path: String, segment: Int) {
        exports.async { [self] in
            do throws(ReceiveError) {
                try configuration.export.write(batch: path, figures: try store.figures(segment: segment))
                logger.info("batch ready", metadata: ["receive.batch": "\(FileSystem.baseName(path))"])
            } catch {
                logger.error("cannot write the CRM files of a batch: \(error.message)")
            }
        }
    }

    /// Days since 1970 in `zone`.
    static func day(of date: Date, in zone: TimeZone) -> Int64 {
        let local = Int64(date.timeIntervalSince1970) + Int64(zone.secondsFromGMT(for: date))
        return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    }
}
