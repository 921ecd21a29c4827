/// The one seam in front of the network: sends one lead's request and returns the answer.
///
/// A conforming type throws ``TransportError`` for a failure, saying whether it happened before the
/// request could have reached the server (safe to send again) or after (the server may have acted on
/// it). Any other error thrown (except `CancellationError`) is taken as after-sending.
package protocol LeadTransport: Sendable {
    func send(_ request: SubmitRequest) async throws -> TransportResponse
}

/// One POST of one lead.
package struct SubmitRequest: Sendable {
    /// The JSON body (``Lead/payloadJSON()``).
    package var body: [UInt8]
    /// Sent as the `Idempotency-Key` header, the same on every attempt for one lead.
    package var idempotencyKey: String
    /// How long the whole exchange may take, from queueing to the last byte of the answer.
    package var timeout: Duration

    package init(body: [UInt8], idempotencyKey: String, timeout: Duration) {
        self.body = body
        self.idempotencyKey = idempotencyKey
        self.timeout = timeout
    }
}

/// The answer to one POST: what the retry policy needs of it.
package struct TransportResponse: Sendable, Hashable {
    package var status: Int
    /// The `Retry-After` header as sent, if any.
    package var retryAfter: String?
    /// The `Date` header as sent, if any; an HTTP-date `Retry-After` is measured from it.
    package var date: String?
    /// The body, at most the transport's cap.
    package var body: [UInt8]
    /// Set when the body was longer than the cap and `body` holds only its start.
    package var bodyTruncated: Bool

    package init(
        status: Int, retryAfter: String? = nil, date: String? = nil, body: [UInt8] = [], bodyTruncated: Bool = false
    ) {
        self.status = status
        self.retryAfter = retryAfter
        self.date = date
        self.body = body
        self.bodyTruncated = bodyTruncated
    }
}

/// A failed exchange, classified by whether the request could have reached the server.
package struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Phase: String, Sendable, Hashable {
        /// Nothing of the request was written: connect refused, DNS, TLS handshake, no connection
        /// from the pool in time. Safe to send again.
        case beforeSending = "before-sending"
        /// The request was (or may have been) written, but no complete answer came: timeout, reset,
        /// connection closed, unparseable answer. The server may have acted on it.
        case afterSending = "after-sending"
    }

    /// A stable short name of what went wrong.
    package enum Kind: String, Sendable, Hashable {
        case connect = "connect-failed"
        case dns = "dns-failed"
        /// A TLS failure that may pass (handshake timed out, connection lost during it): retried.
        case tls = "tls-failed"
        /// A TLS handshake that sending again cannot fix: the server's certificate is not trusted, not for
        /// this host or expired, the server refused ours, or it does not speak TLS. The run stops (exit 78).
        case tlsRejected = "tls-rejected"
        case timeout = "timeout"
        case connectionClosed = "connection-closed"
        case protocolError = "protocol-error"
        case other = "other"
    }

    package var phase: Phase
    package var kind: Kind
    /// A short, stable text of the cause ("connection refused", "timed out after 15 s", "TLS handshake failed:
    /// certificate not trusted"): what report cells show. Never holds the token, the body or an error's dump.
    package var detail: String
    /// A longer account for the log, when there is one: a refused TLS handshake says what the certificate is
    /// and what to set ("certificate for 127.0.0.1 is not trusted (self-signed); set api.ca_file").
    package var explanation: String?

    package init(_ phase: Phase, _ kind: Kind, detail: String, explanation: String? = nil) {
        self.phase = phase
        self.kind = kind
        self.detail = detail
        self.explanation = explanation
    }

    /// `true` when the server may have received the request.
    package var isAmbiguous: Bool { phase == .afterSending }

    package var description: String { "\(kind.rawValue) (\(phase.rawValue)): \(detail)" }
}
