import Foundation
import InMemoryLogging
import LeadModel
import Logging
import NIOSSL
import Submission
import Testing

/// TLS to the API: the trust files, what a refused handshake is called in reports and logs, and the stop it
/// causes (no retry, nothing more sent, every lead not on the wire left unsent).
@Suite("TLS", .timeLimit(.minutes(1)))
struct SubmitTLSTests {
    // MARK: Texts

    struct ReadingRow: Sendable, CustomTestStringConvertible {
        var text: String
        var expected: TLSFailure
        var testDescription: String { text }
    }

    /// BoringSSL's reason names, as NIOSSL's errors carry them, to the cause.
    @Test(arguments: [
        ReadingRow(
            text: "handshakeFailed(sslError([Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:"
                + "CERTIFICATE_VERIFY_FAILED at /x/handshake.cc:393]))",
            expected: .untrusted),
        ReadingRow(
            text: "sslError([Error: 268436508 error:1000045c:SSL routines:OPENSSL_internal:"
                + "TLSV1_ALERT_CERTIFICATE_REQUIRED])",
            expected: .clientCertificateRequired),
        ReadingRow(
            text: "handshakeFailed(sslError([error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA]))",
            expected: .clientCertificateRefused(alert: "unknown ca")),
        ReadingRow(
            text: "handshakeFailed(sslError([error:10000412:SSL routines:OPENSSL_internal:SSLV3_ALERT_BAD_CERTIFICATE"
                + "]))",
            expected: .clientCertificateRefused(alert: "bad certificate")),
        ReadingRow(
            text: "handshakeFailed(sslError([error:1000010b:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER]))",
            expected: .notTLS),
        ReadingRow(
            text: "handshakeFailed(sslError([error:10000410:SSL routines:OPENSSL_internal:"
                + "SSLV3_ALERT_HANDSHAKE_FAILURE]))",
            expected: .refused(alert: "handshake failure")),
        ReadingRow(text: "handshakeFailed(sslError([]))", expected: .transient("TLS error")),
    ])
    func readsTheCause(_ row: ReadingRow) {
        #expect(TLSFailure.reading(row.text) == row.expected)
    }

    @Test func onlyTransientFailuresAreRetried() {
        #expect(!TLSFailure.transient("connection closed").isPermanent)
        for failure: TLSFailure in [
            .untrusted, .wrongHost, .clientCertificateRequired, .clientCertificateRefused(alert: "unknown ca"), .notTLS,
            .refused(alert: "handshake failure"),
        ] {
            #expect(failure.isPermanent)
            #expect(failure.detail.hasPrefix("TLS handshake failed: "))
            #expect(failure.detail.count < 60, "short: \(failure.detail)")
        }
    }

    struct AccountRow: Sendable, CustomTestStringConvertible {
        var name: String
        var failure: TLSFailure
        var presented: PresentedCertificate?
        var detail: String
        var explanation: String
        var testDescription: String { name }
    }

    static let now: Int64 = 1_800_000_000  // 2027-01-15
    static func certificate(
        _ names: [String], selfSigned: Bool = false, notBefore: Int64 = now - 86_400, notAfter: Int64 = now + 86_400
    ) -> PresentedCertificate {
        PresentedCertificate(
            hostNames: names, selfSigned: selfSigned, issuer: selfSigned ? names.first ?? "" : "Example CA",
            notBefore: notBefore, notAfter: notAfter)
    }

    /// What the log says, from what the server's certificate says of itself.
    @Test(arguments: [
        AccountRow(
            name: "self-signed", failure: .untrusted, presented: certificate(["127.0.0.1"], selfSigned: true),
            detail: "TLS handshake failed: certificate not trusted",
            explanation:
                "TLS handshake failed: certificate for 127.0.0.1 is not trusted (self-signed); set api.ca_file to it"),
        AccountRow(
            name: "private CA", failure: .untrusted, presented: certificate(["127.0.0.1"]),
            detail: "TLS handshake failed: certificate not trusted",
            explanation:
                "TLS handshake failed: certificate for 127.0.0.1 is not trusted (issued by \"Example CA\", not a "
                + "trusted CA); set api.ca_file to that CA's certificate"),
        AccountRow(
            name: "self-signed for another host", failure: .untrusted,
            presented: certificate(["localhost"], selfSigned: true),
            detail: "TLS handshake failed: certificate not trusted",
            explanation:
                "TLS handshake failed: certificate for 127.0.0.1 is not trusted (self-signed); it is also for "
                + "localhost, not 127.0.0.1; set api.ca_file to it"),
        AccountRow(
            name: "expired", failure: .untrusted, presented: certificate(["127.0.0.1"], notAfter: now - 86_400 * 3),
            detail: "TLS handshake failed: certificate expired",
            explanation: "TLS handshake failed: certificate for 127.0.0.1 expired on 2027-01-12"),
        AccountRow(
            name: "not yet valid", failure: .untrusted,
            presented: certificate(["127.0.0.1"], notBefore: now + 86_400 * 2),
            detail: "TLS handshake failed: certificate not yet valid",
            explanation: "TLS handshake failed: certificate for 127.0.0.1 is not valid before 2027-01-17"),
        AccountRow(
            name: "untrusted, certificate not read", failure: .untrusted, presented: nil,
            detail: "TLS handshake failed: certificate not trusted",
            explanation: "TLS handshake failed: certificate for 127.0.0.1 is not trusted; set api.ca_file to its CA"),
        AccountRow(
            name: "wrong host", failure: .wrongHost, presented: certificate(["localhost"]),
            detail: "TLS handshake failed: certificate is for another host",
            explanation:
                "TLS handshake failed: certificate is for localhost, not 127.0.0.1; "
                + "use a host it names in the endpoint"),
        AccountRow(
            name: "wrong host, many names", failure: .wrongHost,
            presented: certificate(["a.example", "b.example", "c.example", "d.example", "e.example"]),
            detail: "TLS handshake failed: certificate is for another host",
            explanation:
                "TLS handshake failed: certificate is for a.example, b.example, c.example and 2 more, not 127.0.0.1; "
                + "use a host it names in the endpoint"),
        AccountRow(
            name: "client certificate required", failure: .clientCertificateRequired, presented: nil,
            detail: "TLS handshake failed: client certificate required",
            explanation:
                "TLS handshake failed: the server at 127.0.0.1:8443 requires a client certificate; "
                + "set api.client_certificate and api.client_key"),
        AccountRow(
            name: "not TLS", failure: .notTLS, presented: nil,
            detail: "TLS handshake failed: the server does not speak TLS",
            explanation:
                "TLS handshake failed: the server at 127.0.0.1:8443 does not speak TLS; "
                + "should the endpoint be http://?"),
    ])
    func explainsInWords(_ row: AccountRow) {
        let account = row.failure.account(host: "127.0.0.1", port: 8443, presented: row.presented, now: Self.now)
        #expect(account.detail == row.detail)
        #expect(account.explanation == row.explanation)
    }

    @Test func aWildcardNamesOneLabel() {
        let wildcard = Self.certificate(["*.dreamyleads.com"])
        #expect(wildcard.names("api.dreamyleads.com"))
        #expect(wildcard.names("API.DreamyLeads.com"))
        #expect(!wildcard.names("dreamyleads.com"))
        #expect(!wildcard.names("a.api.dreamyleads.com"))
    }

    // MARK: Against a server

    @Test func aSelfSignedCertificateIsRefusedWithoutRetryAndSaidSo() async throws {
        let pki = try PipelinePKI()
        defer { pki.remove() }
        let server = try await TestHTTPServer.start(tls: try pki.serverConfiguration(pki.selfSigned)) { _ in
            .respond(status: 200, headers: [], body: Array(#"{"status":"accepted"}"#.utf8))
        }
        let transport = try HTTPLeadTransport(configuration: configuration(port: server.port))
        let error = await #expect(throws: TransportError.self) { try await transport.send(Self.request()) }
        try await transport.shutdown()
        try await server.stop()
        #expect(error?.kind == .tlsRejected)
        #expect(error?.phase == .beforeSending)
        #expect(error?.detail == "TLS handshake failed: certificate not trusted")
        #expect(
            error?.explanation
                == "TLS handshake failed: certificate for 127.0.0.1 is not trusted (self-signed); "
                + "set api.ca_file to it")
        #expect(server.requests.isEmpty)
    }

    @Test func theCAFileIsTrustedAndTheHostChecked() async throws {
        let pki = try PipelinePKI()
        defer { pki.remove() }
        let server = try await TestHTTPServer.start(tls: try pki.serverConfiguration(pki.selfSigned)) { _ in
            .respond(status: 200, headers: [], body: Array(#"{"status":"accepted"}"#.utf8))
        }
        var trusting = configuration(port: server.port)
        trusting.tls.caFile = pki.selfSigned.certificate
        let transport = try HTTPLeadTransport(configuration: trusting)
        let response = try await transport.send(Self.request())
        try await transport.shutdown()
        #expect(response.status == 200)

        try await server.stop()

        // A trusted certificate for "localhost" only, reached at 127.0.0.1.
        let named = try await TestHTTPServer.start(tls: try pki.serverConfiguration(pki.localhostOnly)) { _ in
            .respond(status: 200, headers: [], body: Array(#"{"status":"accepted"}"#.utf8))
        }
        var elsewhere = configuration(port: named.port)
        elsewhere.tls.caFile = pki.localhostOnly.certificate
        let other = try HTTPLeadTransport(configuration: elsewhere)
        let error = await #expect(throws: TransportError.self) { try await other.send(Self.request()) }
        try await other.shutdown()
        try await named.stop()
        #expect(error?.kind == .tlsRejected)
        #expect(error?.phase == .beforeSending)
        #expect(error?.detail == "TLS handshake failed: certificate is for another host")
        #expect(
            error?.explanation
                == "TLS handshake failed: certificate is for localhost, not 127.0.0.1; "
                + "use a host it names in the endpoint")
        #expect(named.requests.isEmpty)
    }

    @Test func plainHTTPBehindAnHTTPSEndpointIsNotTLS() async throws {
        let server = try await TestHTTPServer.start { _ in .respond(status: 200, headers: [], body: []) }
        var plain = configuration(port: server.port)
        plain.endpoint = "https://127.0.0.1:\(server.port)/webhook/lead"
        let transport = try HTTPLeadTransport(configuration: plain)
        let error = await #expect(throws: TransportError.self) { try await transport.send(Self.request()) }
        try await transport.shutdown()
        try await server.stop()
        #expect(error?.kind == .tlsRejected)
        #expect(error?.detail == "TLS handshake failed: the server does not speak TLS")
    }

    @Test func missingOrUnusableFilesAreRefusedAtStart() async throws {
        let pki = try PipelinePKI()
        defer { pki.remove() }
        func refusal(_ change: (inout TLSFiles) -> Void) async -> String? {
            var configuration = configuration(port: 1)
            change(&configuration.tls)
            do {
                let transport = try HTTPLeadTransport(configuration: configuration)
                try? await transport.shutdown()
                return nil
            } catch {
                return (error as? SubmitConfigurationError)?.message
            }
        }
        let folder = pki.directory
        #expect(await refusal { $0.caFile = folder + "/none.pem" } == "api.ca_file: \(folder)/none.pem does not exist")
        #expect(await refusal { $0.caFile = folder } == "api.ca_file: \(folder) is a directory, not a PEM file")
        let key = pki.selfSigned.key
        #expect(await refusal { $0.caFile = key } == "api.ca_file: \(key) holds no PEM certificate")
        #expect(
            await refusal {
                $0.caFile = pki.directory + "/none.pem"
                $0.caFileSetting = "SSL_CERT_FILE"
            } == "SSL_CERT_FILE: \(pki.directory)/none.pem does not exist")
        #expect(await refusal { $0.caOnly = true }?.contains("api.ca_only needs api.ca_file") == true)
        #expect(await refusal { $0.clientCertificate = pki.selfSigned.certificate }?.contains("go together") == true)
        #expect(
            await refusal {
                $0.clientCertificate = pki.selfSigned.certificate
                $0.clientKey = pki.selfSigned.certificate
            }
                == "api.client_key: \(pki.selfSigned.certificate) is not a PEM private key "
                + "(an encrypted key is not supported)")
        #expect(
            await refusal {
                $0.clientCertificate = pki.selfSigned.certificate
                $0.clientKey = pki.other.key
            }
                == "api.client_key: \(pki.other.key) is not the private key of the certificate in "
                + pki.selfSigned.certificate)
        #expect(
            await refusal {
                $0.caFile = pki.selfSigned.certificate
                $0.clientCertificate = pki.selfSigned.certificate
                $0.clientKey = pki.selfSigned.key
            } == nil)
    }

    // MARK: The stop

    /// A refused handshake stops the run: no retry, nothing more sent, every lead unsent (no outcome, never
    /// reached the API), one log line with the account.
    @Test func aRefusedHandshakeStopsTheRunWithOneLine() async throws {
        let refusal = TransportError(
            .beforeSending, .tlsRejected, detail: "TLS handshake failed: certificate not trusted",
            explanation:
                "TLS handshake failed: certificate for api.example is not trusted (self-signed); set api.ca_file")
        let transport = MockTransport { _, _, _ in throw refusal }
        let logs = InMemoryLogHandler()
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(maxInFlight: 4, markBatchSize: 8), transport: transport,
            clock: ManualClock(), logger: Logger(label: "test") { _ in logs })
        let run = await SubmitRun.collect(submitter, WorkList(SubmitFixtures.work(1...40)))

        #expect(run.error as? SubmitError == .tlsFailed(reason: refusal.explanation!))
        #expect(run.answers.allSatisfy { $0.outcome == nil && !$0.mayHaveReachedAPI && $0.attempts == 0 })
        #expect(run.answers.allSatisfy { $0.reasonCode == .notSubmitted })
        #expect(run.answers.allSatisfy { $0.submittedAt == nil && $0.latencyMs == nil }, "nothing was submitted")
        #expect(run.answers.contains { $0.problems.first?.text == "not submitted: \(refusal.detail); run stopped" })
        #expect(transport.calls.count <= 4, "only the leads already started tried")
        #expect(submitter.counters.retries == 0)
        let lines = logs.entries.filter { $0.level >= .warning }
        #expect(lines.count == 1)
        #expect(lines.first?.message.description.hasPrefix(refusal.explanation!) == true)

        // The run stays stopped: a later batch sends nothing.
        let later = await SubmitRun.collect(submitter, WorkList(SubmitFixtures.work(41...42)))
        #expect(later.error as? SubmitError == .tlsFailed(reason: refusal.explanation!))
        #expect(transport.calls.count <= 4)
    }

    private func configuration(port: Int) -> SubmitConfiguration {
        SubmitConfiguration(endpoint: "https://127.0.0.1:\(port)/webhook/lead", token: APIToken("dl_test_tls"))
    }

    private static func request() -> SubmitRequest {
        SubmitRequest(body: SubmitFixtures.lead().payloadJSON(), idempotencyKey: "tls-1", timeout: .seconds(5))
    }
}

/// Self-signed certificates made with `openssl` in a temporary directory.
struct PipelinePKI {
    struct Pair {
        var certificate: String
        var key: String
    }

    let directory: String
    /// For 127.0.0.1 (IP SAN).
    let selfSigned: Pair
    /// For `localhost` only (DNS SAN).
    let localhostOnly: Pair
    /// Another key pair, for a key that belongs to no certificate here.
    let other: Pair

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-pki-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        selfSigned = try Self.make(directory + "/server", subjectAltName: "IP:127.0.0.1")
        localhostOnly = try Self.make(directory + "/localhost", subjectAltName: "DNS:localhost")
        other = try Self.make(directory + "/other", subjectAltName: "DNS:other.example")
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    func serverConfiguration(_ pair: Pair) throws -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(pair.certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: pair.key, format: .pem)))
    }

    private static func make(_ base: String, subjectAltName: String) throws -> Pair {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            base + ".key", "-out", base + ".pem", "-days", "2", "-subj", "/CN=leadspool self-signed",
            "-addext", "subjectAltName=\(subjectAltName)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl failed")
        return Pair(certificate: base + ".pem", key: base + ".key")
    }
}
