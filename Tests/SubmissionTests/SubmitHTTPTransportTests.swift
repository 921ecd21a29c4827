import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Submission
import Synchronization
import Testing

/// A minimal HTTP/1.1 server on 127.0.0.1, port 0, that records requests and answers as told.
final class TestHTTPServer: Sendable {
    struct Request: Sendable {
        var head: HTTPRequestHead
        var body: [UInt8]
    }

    enum Reply: Sendable {
        case respond(status: Int, headers: [(String, String)], body: [UInt8])
        /// Reads the whole request, then closes the connection without a word.
        case close
        /// Reads the whole request and never answers.
        case silence
    }

    let port: Int
    private let channel: any Channel
    private let recorded: Mutex<[Request]>

    var requests: [Request] { recorded.withLock { $0 } }
    /// Connections accepted so far.
    var connections: Int { box.connections.withLock { $0 } }
    private let box: RequestLog

    private init(channel: any Channel, box: RequestLog) {
        self.channel = channel
        self.box = box
        self.port = channel.localAddress!.port!
        self.recorded = Mutex([])
    }

    /// - Parameter tls: serve HTTPS with this configuration.
    static func start(
        tls: TLSConfiguration? = nil, _ reply: @escaping @Sendable (Request) -> Reply
    ) async throws -> TestHTTPServer {
        let box = RequestLog()
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                box.connections.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(reply: reply, log: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = TestHTTPServer(channel: channel, box: box)
        box.server.withLock { $0 = server }
        return server
    }

    fileprivate func record(_ request: Request) {
        recorded.withLock { $0.append(request) }
    }

    func stop() async throws {
        try await channel.close()
    }

    fileprivate final class RequestLog: Sendable {
        let server = Mutex<TestHTTPServer?>(nil)
        let connections = Mutex(0)
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let reply: @Sendable (Request) -> Reply
        private let log: RequestLog
        private var head: HTTPRequestHead?
        private var body: [UInt8] = []

        init(reply: @escaping @Sendable (Request) -> Reply, log: RequestLog) {
            self.reply = reply
            self.log = log
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(let buffer):
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                guard let head else { return }
                let request = Request(head: head, body: body)
                log.server.withLock { $0?.record(request) }
                switch reply(request) {
                case .respond(let status, let headers, let bytes):
                    var responseHeaders = HTTPHeaders(headers)
                    responseHeaders.add(name: "Content-Length", value: "\(bytes.count)")
                    let responseHead = HTTPResponseHead(
                        version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                    context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                case .close:
                    context.close(promise: nil)
                case .silence:
                    break
                }
            }
        }
    }
}

@Suite("HTTPLeadTransport", .timeLimit(.minutes(1)))
struct SubmitHTTPTransportTests {
    private func configuration(port: Int, timeout: Double = 15, cap: Int = 64 * 1024) -> SubmitConfiguration {
        var configuration = SubmitConfiguration(
            endpoint: "http://127.0.0.1:\(port)/webhook/lead", token: APIToken("dl_test_s3cr3tT0ken"))
        configuration.timeoutSeconds = timeout
        configuration.responseBodyCap = cap
        configuration.userAgent = "leadspool/9.9.9"
        return configuration
    }

    private func request(_ key: String = "batch1-row7", timeout: Duration = .seconds(15)) -> SubmitRequest {
        SubmitRequest(body: SubmitFixtures.lead().payloadJSON(), idempotencyKey: key, timeout: timeout)
    }

    @Test func sendsTheDocumentedRequestAndReadsTheAnswer() async throws {
        let server = try await TestHTTPServer.start { _ in
            .respond(
                status: 200, headers: [("Content-Type", "application/json")],
                body: Array(#"{"status":"accepted","bid_amount":18.5,"lead_id":"ld_8f2a91bc"}"#.utf8))
        }
        let transport = try HTTPLeadTransport(configuration: configuration(port: server.port))
        let response = try await transport.send(request())
        let second = try await transport.send(request("batch1-row8"))
        try await transport.shutdown()
        try await server.stop()

        #expect(response.status == 200)
        #expect(second.status == 200)
        #expect(
            RetryPolicy().decide(.response(response), attempt: 1, rateLimitWaits: 0)
                == .done(.accepted(leadID: "ld_8f2a91bc", bid: 18.5)))
        let received = try #require(server.requests.first)
        #expect(received.head.method == .POST)
        #expect(received.head.uri == "/webhook/lead")
        #expect(received.head.headers["Authorization"] == ["Bearer dl_test_s3cr3tT0ken"])
        #expect(received.head.headers["Content-Type"] == ["application/json"])
        #expect(received.head.headers["User-Agent"] == ["leadspool/9.9.9"])
        #expect(received.head.headers["Idempotency-Key"] == ["batch1-row7"])
        #expect(received.head.headers["Accept-Encoding"] == ["identity"])
        #expect(received.head.headers["Content-Length"] == ["\(received.body.count)"])
        #expect(received.body == SubmitFixtures.lead().payloadJSON())
        #expect(server.requests.map { $0.head.headers["Idempotency-Key"] } == [["batch1-row7"], ["batch1-row8"]])
        // Keep-alive: the second request reused the first one's connection.
        #expect(server.connections == 1)
    }

    @Test func readsRetryAfterAndDateAndCapsTheBody() async throws {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 5000)
        let server = try await TestHTTPServer.start { _ in
            .respond(
                status: 429, headers: [("Retry-After", "17"), ("Date", "Sun, 06 Nov 1994 08:49:37 GMT")], body: big)
        }
        let transport = try HTTPLeadTransport(configuration: configuration(port: server.port, cap: 1024))
        let response = try await transport.send(request())
        try await transport.shutdown()
        try await server.stop()

        #expect(response.status == 429)
        #expect(response.retryAfter == "17")
        #expect(response.date == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(response.body == Array(big.prefix(1024)))
        #expect(response.bodyTruncated)
    }

    @Test func anAnswerEchoingTheTokenHasItMasked() async throws {
        let server = try await TestHTTPServer.start { _ in
            .respond(
                status: 403, headers: [],
                body: Array(#"{"error":"token dl_test_s3cr3tT0ken is not allowed; dl_test_s3cr3tT0ken"}"#.utf8))
        }
        let transport = try HTTPLeadTransport(configuration: configuration(port: server.port))
        let response = try await transport.send(request())
        try await transport.shutdown()
        try await server.stop()
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"token [token] is not allowed; [token]"}"#)
    }

    @Test func aBodyWithinTheCapIsWhole() async throws {
        let server = try await TestHTTPServer.start { _ in .respond(status: 500, headers: [], body: Array("oops".utf8))
        }
        let transport = try HTTPLeadTransport(configuration: configuration(port: server.port, cap: 4))
        let response = try await transport.send(request())
        try await transport.shutdown()
        try await server.stop()
        #expect(response.body == Array("oops".utf8))
        #expect(!response.bodyTruncated)
    }

    @Test func aConnectionClosedAfterTheRequestWasReadIsAfterSending() async throws {
        let server = try await TestHTTPServer.start { _ in .close }
        let transport = try HTTPLeadTransport(configuration: configuration(port: server.port))
        let error = await #expect(throws: TransportError.self) { try await transport.send(request()) }
        try await transport.shutdown()
        try await server.stop()
        #expect(server.requests.count == 1)
        #expect(error?.phase == .afterSending)
        #expect(error?.kind == .connectionClosed)
        #expect(error?.detail == "connection closed by the server")
        #expect(error.map { !"\($0)".contains("s3cr3t") } == true)
    }

    @Test func noAnswerBeforeTheDeadlineIsAfterSending() async throws {
        let server = try await TestHTTPServer.start { _ in .silence }
        let transport = try HTTPLeadTransport(configuration: configuration(port: server.port))
        let error = await #expect(throws: TransportError.self) {
            try await transport.send(request(timeout: .milliseconds(300)))
        }
        try await transport.shutdown()
        try await server.stop()
        #expect(error?.phase == .afterSending)
        #expect(error?.kind == .timeout)
        #expect(error?.detail == "timed out after 0.3 s")
    }

    @Test func aClosedPortIsBeforeSending() async throws {
        let server = try await TestHTTPServer.start { _ in .close }
        let port = server.port
        try await server.stop()
        let transport = try HTTPLeadTransport(configuration: configuration(port: port))
        let error = await #expect(throws: TransportError.self) { try await transport.send(request()) }
        try await transport.shutdown()
        #expect(error?.phase == .beforeSending)
        #expect(error?.kind == .connect)
        #expect(error?.detail == "connection refused")
        #expect(error.map { !"\($0)".contains("s3cr3t") } == true)
    }

    @Test func cancellingTheTaskCancelsTheRequest() async throws {
        let server = try await TestHTTPServer.start { _ in .silence }
        let transport = try HTTPLeadTransport(configuration: configuration(port: server.port))
        let task = Task { try await transport.send(request()) }
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        try await transport.shutdown()
        try await server.stop()
    }

    @Test func refusesALiveTokenInClearToARemoteHost() {
        let configuration = SubmitConfiguration(
            endpoint: "http://api.example.com/webhook/lead", token: APIToken("dl_live_abc"))
        #expect(throws: SubmitConfigurationError.self) { try HTTPLeadTransport(configuration: configuration) }
    }
}
