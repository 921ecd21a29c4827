#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import Ingest
import NIOCore

extension SandboxResponder {
    /// `POST /webhook/lead`, in this order: body size (413), authentication (401), the
    /// `--fail-auth-after` revocation (401), the rate limit (429), injected latency, injected 5xx
    /// or drop, then the `Idempotency-Key` (the stored answer again, or 422 when the key came with
    /// another body), a `--force-status` answer for the lead, the payload (400, 422) and the
    /// decision (200). A replay thus still meets the faults, as a retry over a real network would;
    /// what came before the key's check (401, 413, 429, 5xx, drops) is never stored.
    ///
    /// The body is read before authentication so that every arrival of a lead, refused or not, is
    /// counted under its key in the stats.
    func webhook(_ request: Request, channel: any Channel, arrival: ContinuousClock.Instant) async throws -> Reply {
        let arrivalMicroseconds = state.elapsedMicroseconds(at: arrival)
        let limit = configuration.maximumBodyBytes
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            return finish(tooLarge(limit), leadKey: nil, attempt: nil)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            return finish(tooLarge(limit), leadKey: nil, attempt: nil)
        }
        let parsed = body.withUnsafeReadableBytes { try? JSONParser.parse($0) }
        let leadKey = parsed.flatMap(LeadPayload.leadKey)
        let attempt = Attempt(arrivalMicroseconds: arrivalMicroseconds, idempotencyKey: Self.idempotencyKey(request))
        let auth = SandboxAuth.check(header: request.headers[.authorization], expected: configuration.token)

        let sequence: Int
        switch state.admit(authenticated: auth == .accepted, atMicroseconds: arrivalMicroseconds) {
        case .unauthorized:
            return finish(unauthorized(auth), leadKey: leadKey, attempt: attempt)
        case .revoked:
            let message = "token revoked (sandbox --fail-auth-after)"
            return finish(unauthorizedReply(message), leadKey: leadKey, attempt: attempt)
        case .rateLimited(let wait):
            return finish(rateLimited(wait: wait), leadKey: leadKey, attempt: attempt)
        case .admitted(let number):
            sequence = number
        }

        if let milliseconds = faults.latency(sequence: sequence), milliseconds > 0 {
            try? await Task.sleep(for: .milliseconds(milliseconds))
        }
        switch faults.fault(sequence: sequence) {
        case .serverError(let status):
            let reply = Reply.json(
                HTTPResponse.Status(code: status),
                ErrorBody.render("simulated server error (sandbox --error-rate)", fields: nil)
            )
            return finish(reply, leadKey: leadKey, attempt: attempt)
        case .drop:
            _ = finish(.dropped, leadKey: leadKey, attempt: attempt)
            try? await channel.close()
            return .dropped
        case .none:
            break
        }
        let outcome = outcome(request, parsed: parsed, leadKey: leadKey)
        return state.settle(outcome, leadKey: leadKey, attempt: attempt, claim: claim(request, body: body))
    }

    /// The `Idempotency-Key` header, as sent (the stats show it even when the sandbox ignores it).
    static func idempotencyKey(_ request: Request) -> String? {
        request.headers[.init("Idempotency-Key")!]
    }

    /// The request's `Idempotency-Key` (a non-empty one) and its body's digest, unless the sandbox
    /// ignores the key (`--no-idempotency`).
    private func claim(_ request: Request, body: ByteBuffer) -> IdempotencyClaim? {
        guard configuration.honoursIdempotencyKeys,
            let key = Self.idempotencyKey(request), !key.isEmpty
        else { return nil }
        return IdempotencyClaim(key: key, digest: body.withUnsafeReadableBytes { BodyDigest($0) })
    }

    /// What the lead's request comes to, from the request alone: a forced answer, a 400 or 422, or
    /// the ping-tree's proposed decision (the state applies the duplicate rule).
    private func outcome(_ request: Request, parsed: JSONValue?, leadKey: String?) -> LeadOutcome {
        if let leadKey, let answer = forced.answer(leadKey: leadKey) {
            if case .status(429) = answer { return .reply(rateLimited(wait: 1)) }
            return .reply(Self.forcedReply(answer))
        }
        guard isJSON(request.headers[.contentType]) else {
            return .reply(.json(.badRequest, ErrorBody.render("Content-Type must be application/json", fields: [])))
        }
        guard let parsed else {
            return .reply(.json(.badRequest, ErrorBody.render("body is not valid JSON", fields: [])))
        }
        switch LeadPayload.check(parsed) {
        case .malformed(let fields):
            let message = fields.isEmpty ? "body is not a JSON object" : "missing or malformed fields"
            return .reply(.json(.badRequest, ErrorBody.render(message, fields: fields)))
        case .consentInvalid(let fields):
            return .reply(
                .json(.unprocessableContent, ErrorBody.render("TCPA consent fields missing or invalid", fields: fields)))
        case .valid(let lead):
            return .decision(decisions.decide(lead))
        }
    }

    static func forcedReply(_ answer: ForcedStatus.Answer) -> Reply {
        switch answer {
        case .status(let code):
            let fields: [String]? = code == 400 || code == 422 ? [] : nil
            let body = ErrorBody.render("forced status (sandbox --force-status)", fields: fields)
            return .json(HTTPResponse.Status(code: code), body)
        case .notJSON:
            return .html(.ok, "<html><body>Service temporarily rerouted</body></html>")
        }
    }

    private func finish(_ reply: Reply, leadKey: String?, attempt: Attempt?) -> Reply {
        state.finish(status: reply.statusCode, leadKey: leadKey, attempt: attempt, proposed: nil)
        return reply
    }

    private func tooLarge(_ limit: Int) -> Reply {
        .json(.contentTooLarge, ErrorBody.render("body larger than \(limit) bytes", fields: nil))
    }

    private func unauthorized(_ auth: SandboxAuth) -> Reply {
        switch auth {
        case .liveToken:
            return unauthorizedReply(
                "this is the leadspool sandbox: dl_live_ production tokens are refused here, use a dl_test_ token"
            )
        case .missing:
            return unauthorizedReply("missing bearer token")
        case .accepted, .invalid:
            return unauthorizedReply("invalid bearer token")
        }
    }

    private func unauthorizedReply(_ message: String) -> Reply {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Bearer"
        return .json(.unauthorized, ErrorBody.render(message, fields: nil), headers)
    }

    private func rateLimited(wait: Double) -> Reply {
        let seconds = max(1, Int(wait.rounded(.up)))
        var headers = HTTPFields()
        if configuration.omitsRetryAfter {
            // No header: the client falls back to its default pause.
        } else if configuration.retryAfterAsDate {
            // An HTTP-date has whole seconds: round the instant up so the wait is never shortened.
            let now = Date().timeIntervalSince1970
            let target = max((now + wait).rounded(.up), now.rounded(.down) + 1)
            headers[.retryAfter] = HTTPDate.format(unixSeconds: Int64(target))
        } else {
            headers[.retryAfter] = String(seconds)
        }
        return .json(.tooManyRequests, ErrorBody.render("rate limit exceeded", fields: nil), headers)
    }

    private func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.prefix { $0 != ";" }.drop { $0 == " " }
        return mediaType.lowercased().hasPrefix("application/json")
            && mediaType.dropFirst(16).allSatisfy { $0 == " " || $0 == "\t" }
    }
}

extension Reply {
    /// The 200 answer to a decided lead.
    static func decided(_ decision: LeadDecision) -> Reply {
        .json(.ok, decision.responseBody)
    }

    /// The answer to a known `Idempotency-Key` sent with another body (as Stripe answers it).
    static let idempotencyConflict = Reply.json(
        .unprocessableContent,
        ErrorBody.render("idempotency key reused with a different request body", fields: nil)
    )
}

extension LeadDecision {
    /// The body of the 200 answer: `{"status":"accepted","bid_amount":18.5,"lead_id":"ld_…"}` or
    /// `{"status":"rejected","reason":"…"}`.
    var responseBody: String {
        var json = JSONWriter(capacity: 80)
        json.beginObject()
        json.key("status")
        switch self {
        case .accepted(let cents, let leadID):
            json.string("accepted")
            json.key("bid_amount")
            json.cents(cents)
            json.key("lead_id")
            json.string(leadID)
        case .rejected(let reason):
            json.string("rejected")
            json.key("reason")
            json.string(reason.rawValue)
        }
        json.endObject()
        return json.text
    }
}
