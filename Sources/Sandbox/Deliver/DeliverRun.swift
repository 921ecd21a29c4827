import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// `leadspool sandbox deliver`: the provider's buyer side, rehearsed. Sends `count` signed webhooks to a
/// buyer's endpoint at `rate` per second (in bursts of `burst`), some with a bad signature, some again
/// (replays), and tallies how the endpoint answered.
package struct DeliverConfiguration: Sendable {
    package var url: String
    package var secret: String
    package var count = 100
    /// Deliveries per second; 0: as fast as `concurrency` allows.
    package var rate = 100.0
    package var burst = 1
    package var badSignatureRate = 0.0
    package var replayRate = 0.0
    package var seed: UInt64 = 0
    /// Requests in flight at most.
    package var concurrency = 64
    package var timeoutSeconds = 15.0
    /// Where each answer is written as a JSON line (`lead_id`, `http_status`, `status`, `reason`, `kind`).
    package var answersPath: String?

    package init(url: String, secret: String) {
        self.url = url
        self.secret = secret
    }

    package func validated() throws(SandboxOptionError) -> DeliverConfiguration {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw SandboxOptionError(description: "--to must be an http:// or https:// URL")
        }
        guard count >= 0, rate >= 0, burst >= 1, concurrency >= 1 else {
            throw SandboxOptionError(description: "--count, --rate, --burst and --concurrency must be positive")
        }
        guard (0...1).contains(badSignatureRate), (0...1).contains(replayRate) else {
            throw SandboxOptionError(description: "--bad-signature-rate and --replay-rate must be 0...1")
        }
        guard !secret.isEmpty else { throw SandboxOptionError(description: "the webhook secret is empty") }
        return self
    }
}

/// What the endpoint answered, in counts and latencies.
package struct DeliverTally: Sendable {
    /// `200 accepted`, `200 rejected: daily_cap`, `401`, `error: connection refused`, ...
    package var byAnswer: [String: Int] = [:]
    package var latenciesMicroseconds: [Int] = []
    package var seconds = 0.0
    package var sent = 0
    /// The JSON lines of `--answers`, in the order the answers came.
    package var answerLines: [String] = []

    /// The `fraction` quantile of the latencies, in milliseconds.
    package func latencyMilliseconds(_ fraction: Double) -> Double {
        guard !latenciesMicroseconds.isEmpty else { return 0 }
        let sorted = latenciesMicroseconds.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return Double(sorted[max(0, index)]) / 1000
    }

    /// The tally as the command prints it.
    package var text: String {
        var lines = ["sent \(sent) deliveries in \(String(format: "%.2f", seconds)) s"
            + " (\(String(format: "%.0f", seconds > 0 ? Double(sent) / seconds : 0))/s)"]
        for (answer, count) in byAnswer.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(answer): \(count)")
        }
        lines.append(
            "latency p50 \(String(format: "%.2f", latencyMilliseconds(0.5))) ms, "
                + "p99 \(String(format: "%.2f", latencyMilliseconds(0.99))) ms")
        return lines.joined(separator: "\n") + "\n"
    }
}

package enum DeliverRun {
    /// Sends the deliveries and answers the tally. Connection failures are counted, not thrown.
    package static func run(_ configuration: DeliverConfiguration) async throws -> DeliverTally {
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.concurrency
        clientConfiguration.timeout.connect = .seconds(5)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let leads = WebhookLeads(seed: configuration.seed)
        let tally = TallyBox()
        let started = ContinuousClock.now
        let interval = configuration.rate > 0 ? Double(configuration.burst) / configuration.rate : 0
        var sent: [WebhookDelivery] = []
        var random = SeededRandom(seed: Mixing.derive(configuration.seed, stream: 0xDE11))
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            var index = 0
            var burstNumber = 0
            while index < configuration.count {
                if interval > 0 {
                    let due = started + .nanoseconds(Int64(Double(burstNumber) * interval * 1e9))
                    if due > .now { try? await Task.sleep(until: due) }
                }
                burstNumber += 1
                // The endpoint went away (refused or reset connections): the rest is not sent.
                if tally.value.withLock({ $0.byAnswer["error", default: 0] }) > 0 { break }
                for _ in 0..<configuration.burst where index < configuration.count {
                    var delivery: WebhookDelivery
                    var kind = "new"
                    if !sent.isEmpty, random.unit() < configuration.replayRate {
                        delivery = sent[Int(random.next() % UInt64(sent.count))]
                        kind = "replay"
                    } else {
                        delivery = leads.delivery(sent.count, secret: configuration.secret, now: Date())
                        sent.append(delivery)
                    }
                    if random.unit() < configuration.badSignatureRate {
                        delivery = delivery.badlySigned
                        kind = "bad_signature"
                    }
                    index += 1
                    if inFlight >= configuration.concurrency {
                        await group.next()
                        inFlight -= 1
                    }
                    inFlight += 1
                    group.addTask { [delivery, kind] in
                        let line = await send(delivery, kind: kind, client: client, configuration: configuration)
                        tally.value.withLock { tally in
                            tally.byAnswer[line.answer, default: 0] += 1
                            tally.sent += 1
                            if let micros = line.microseconds { tally.latenciesMicroseconds.append(micros) }
                            if configuration.answersPath != nil { tally.answerLines.append(line.json) }
                        }
                    }
                }
            }
        }
        try? await client.shutdown()
        if let path = configuration.answersPath {
            let text = tally.value.withLock { $0.answerLines.joined() }
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                throw SandboxOptionError(description: "--answers \(path): cannot write the file")
            }
        }
        return tally.value.withLock { tally in
            tally.seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
                + Double((ContinuousClock.now - started).components.seconds)
            return tally
        }
    }

    private struct AnswerLine {
        var answer: String
        var microseconds: Int?
        var json: String
    }

    private static func send(
        _ delivery: WebhookDelivery, kind: String, client: HTTPClient, configuration: DeliverConfiguration
    ) async -> AnswerLine {
        var request = HTTPClientRequest(url: configuration.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-DreamyLeads-Signature", value: delivery.signature)
        request.headers.add(name: "X-DreamyLeads-LeadId", value: delivery.leadID)
        request.headers.add(name: "X-DreamyLeads-Version", value: WebhookDelivery.version)
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        let started = ContinuousClock.now
        var json = JSONWriter()
        json.beginObject()
        json.key("lead_id")
        json.string(delivery.leadID)
        json.key("kind")
        json.string(kind)
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(configuration.timeoutSeconds)))
            let body = try await response.body.collect(upTo: 1 << 16)
            let elapsed = ContinuousClock.now - started
            let micros = Int(elapsed.components.seconds) * 1_000_000 + Int(elapsed.components.attoseconds / 1_000_000_000_000)
            let (status, reason) = answerFields(String(buffer: body))
            var answer = "\(response.status.code)"
            if let status { answer += " " + status + (reason.map { ": " + $0 } ?? "") }
            json.key("http_status")
            json.int(Int(response.status.code))
            json.key("status")
            json.optionalString(status)
            json.key("reason")
            json.optionalString(reason)
            json.endObject()
            return AnswerLine(answer: answer, microseconds: micros, json: json.text + "\n")
        } catch {
            json.key("error")
            json.string("\(error)")
            json.endObject()
            return AnswerLine(answer: "error", microseconds: nil, json: json.text + "\n")
        }
    }

    /// `status` and `reason` of an answer's JSON body.
    static func answerFields(_ text: String) -> (status: String?, reason: String?) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return (nil, nil)
        }
        return (object["status"] as? String, object["reason"] as? String)
    }
}

/// SplitMix64 from a seed: the run's choices of replays and bad signatures.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Mixing.splitMix(state)
    }

    mutating func unit() -> Double { Mixing.unit(next()) }
}

/// The tally shared by the sending tasks.
private final class TallyBox: Sendable {
    let value = Mutex(DeliverTally())
}
