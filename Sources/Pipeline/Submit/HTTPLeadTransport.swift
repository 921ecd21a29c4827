import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// ``LeadTransport`` over AsyncHTTPClient: one shared client with a keep-alive pool sized for
/// `maxInFlight`, a deadline per request, the API's headers, and answer bodies capped.
///
/// It uses AsyncHTTPClient's delegate API rather than `execute(_:deadline:)` because the delegate
/// is told when the request head was handed to the connection: a failure before that moment cannot
/// have reached the server, whatever error it is, which makes the before/after-sending split exact
/// (see ``TransportError/Phase``).
package final class HTTPLeadTransport: LeadTransport {
    private let client: HTTPClient
    private let template: HTTPClient.Request
    private let bodyCap: Int
    private let secret: String
    /// The token's bytes, looked for in every answer's body.
    private let secretBytes: [UInt8]
    /// The account of each kind of refused TLS handshake, made once (it reads the server's certificate).
    private let tlsAccounts = Mutex<[TLSFailure: Task<(detail: String, explanation: String), Never>]>([:])
    private let probeTimeout: Duration

    /// - Throws: ``SubmitConfigurationError`` for an endpoint or token the client cannot use, or TLS files
    ///   (``TLSFiles``) that are missing, unreadable or unusable.
    package init(configuration: SubmitConfiguration) throws {
        try configuration.check()
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.tlsConfiguration = try configuration.tls.clientConfiguration()
        clientConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxInFlight)
        // Connect failures surface at once, so the documented schedule (not the pool) governs retries.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        clientConfiguration.redirectConfiguration = .disallow
        let timeoutMs = Int64(configuration.timeoutSeconds * 1000)
        clientConfiguration.timeout = .init(connect: .milliseconds(min(timeoutMs, 10_000)))
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)

        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(configuration.token.secret)")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: configuration.userAgent)
        headers.add(name: "Accept", value: "application/json")
        // Bodies are read as sent: a compressed answer could not be read and would come out BAD_RESPONSE.
        headers.add(name: "Accept-Encoding", value: "identity")
        do {
            self.template = try HTTPClient.Request(url: configuration.endpoint, method: .POST, headers: headers)
        } catch {
            try? client.syncShutdown()
            throw SubmitConfigurationError(.invalidEndpoint, "endpoint \"\(configuration.endpoint)\" is not usable")
        }
        self.bodyCap = configuration.responseBodyCap
        self.secret = configuration.token.secret
        self.secretBytes = Array(configuration.token.secret.utf8)
        self.probeTimeout = min(configuration.timeout, .seconds(5))
    }

    /// Closes the pooled connections; call once when the run is over.
    package func shutdown() async throws {
        try await client.shutdown()
    }

    package func send(_ request: SubmitRequest) async throws -> TransportResponse {
        var http = template
        http.headers.add(name: "Idempotency-Key", value: request.idempotencyKey)
        http.body = .bytes(request.body)
        let delegate = ResponseCollector(bodyCap: bodyCap)
        let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(request.timeout))
        let task = client.execute(request: http, delegate: delegate, deadline: deadline)
        do {
            var response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            Self.maskSecret(in: &response.body, secret: secretBytes)
            return response
        } catch {
            if Task.isCancelled { throw CancellationError() }
            var failure = Self.classify(error, headSent: delegate.headSent, secret: secret, timeout: request.timeout)
            if failure.kind == .tlsRejected, let tls = TLSFailure(Self.innermost(error)) {
                (failure.detail, failure.explanation) = await account(of: tls)
            }
            throw failure
        }
    }

    /// The error behind a failed connection attempt.
    private static func innermost(_ error: any Error) -> any Error {
        (error as? NIOConnectionError)?.connectionErrors.first?.error ?? error
    }

    /// What a refused handshake means in words: for a certificate refused here, the server's certificate is
    /// read once (``TLSCertificateProbe``) to say what it is; every later failure of the kind gets the same.
    private func account(of failure: TLSFailure) async -> (detail: String, explanation: String) {
        let host = template.host
        let port = template.port
        let timeout = probeTimeout
        let task = tlsAccounts.withLock { accounts in
            if let known = accounts[failure] { return known }
            let task = Task {
                let readsCertificate = failure == .untrusted || failure == .wrongHost
                let presented =
                    readsCertificate
                    ? await TLSCertificateProbe.presented(host: host, port: port, timeout: timeout) : nil
                return failure.account(
                    host: host, port: port, presented: presented, now: Int64(Date().timeIntervalSince1970))
            }
            accounts[failure] = task
            return task
        }
        return await task.value
    }

    /// Replaces the token wherever an answer echoes it (an error body quoting the request's headers), so no
    /// reason text, report or ledger row can carry it.
    static func maskSecret(in body: inout [UInt8], secret token: [UInt8]) {
        guard !token.isEmpty, body.count >= token.count else { return }
        let mask = Array("[token]".utf8)
        var start = body.startIndex
        while let found = body[start...].firstRange(of: token) {
            body.replaceSubrange(found, with: mask)
            start = found.lowerBound + mask.count
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Collects one answer: status, the headers the policy reads, the body up to a cap; and notes
/// whether the request head went out.
private final class ResponseCollector: HTTPClientResponseDelegate {
    typealias Response = TransportResponse

    private struct State {
        var headSent = false
        var response = TransportResponse(status: 0)
    }

    private let bodyCap: Int
    private let state = Mutex(State())

    init(bodyCap: Int) {
        self.bodyCap = bodyCap
    }

    var headSent: Bool { state.withLock { $0.headSent } }

    func didSendRequestHead(task: HTTPClient.Task<TransportResponse>, _ head: HTTPRequestHead) {
        state.withLock { $0.headSent = true }
    }

    func didReceiveHead(task: HTTPClient.Task<TransportResponse>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock { state in
            state.response.status = Int(head.status.code)
            state.response.retryAfter = head.headers.first(name: "Retry-After")
            state.response.date = head.headers.first(name: "Date")
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<TransportResponse>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        state.withLock { state in
            let room = bodyCap - state.response.body.count
            if buffer.readableBytes > room { state.response.bodyTruncated = true }
            if room > 0 {
                buffer.withUnsafeReadableBytes { bytes in
                    state.response.body.append(contentsOf: bytes.prefix(room))
                }
            }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<TransportResponse>) throws -> TransportResponse {
        state.withLock { $0.response }
    }
}
