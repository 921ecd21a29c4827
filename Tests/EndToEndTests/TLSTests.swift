import Foundation
import Testing

/// `run` against the sandbox serving HTTPS with a private CA: trusted through `ca_file`, refused without it
/// or for the wrong host (exit 78, nothing sent, leads left pending, one line that says why), mutual TLS.
@Suite struct TLSTests {
    static let token = "dl_test_tls_token"

    @Test func aPrivateCAIsRefusedWithoutCAFileThenTrustedWithIt() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let api = try SandboxProcess(extra: ["--tls-cert", pki.serverCertificate, "--tls-key", pki.serverKey])
        defer { api.stop() }
        #expect(api.endpoint.hasPrefix("https://127.0.0.1:"))
        let spool = try TempSpool()
        defer { spool.remove() }
        try spool.generate("private-ca.csv", rows: 12, seed: 41)

        let started = Date()
        let refused = try run(spool, endpoint: api.endpoint)
        #expect(refused.status == 78, "\(refused.stdout)\n\(refused.stderr)")
        #expect(Date().timeIntervalSince(started) < 10, "no retries: the run stops at once")
        #expect(try pki.requests(api) == 0, "a refused handshake sends no request")
        // One log line names the cause and the setting to fix; the summary says it again on stdout.
        let causes = refused.stderr.split(separator: "\n").filter { $0.contains("certificate") }
        #expect(causes.count == 1, "\(refused.stderr)")
        #expect(
            causes.first?.contains(
                "certificate for 127.0.0.1 is not trusted (issued by \"leadspool test CA\", not a trusted CA)") == true,
            "\(refused.stderr)")
        #expect(causes.first?.contains("api.ca_file") == true)
        #expect(refused.stdout.contains("not trusted"), "\(refused.stdout)")
        // Nothing was sent: every lead is pending in the ledger, NOT_SUBMITTED in the reports, no error dump.
        #expect(try spool.list("work") == ["private-ca.csv"])
        let states = try spool.ledgerRows("SELECT state, attempts FROM leads ORDER BY row")
        #expect(states.count == 12)
        #expect(states.allSatisfy { $0 == ["pending", "0"] }, "\(states)")
        let lines = try spool.resultLines()
        #expect(lines.count == 12)
        #expect(lines.allSatisfy { $0.reasonCode == "NOT_SUBMITTED" && $0.attempts == 0 }, "\(lines.map(\.reasonCode))")
        let refusal = "not submitted: TLS handshake failed: certificate not trusted; run stopped"
        #expect(lines.contains { $0.reason == refusal })
        try expectNoErrorDump(spool)

        // With the CA trusted, the next run sends every pending lead, once.
        try Data("settle_seconds = 0\n[api]\nca_file = \"\(pki.ca)\"\n".utf8)
            .write(to: URL(fileURLWithPath: spool.base + "/leadspool.toml"))
        let trusted = try run(spool, endpoint: api.endpoint)
        #expect(trusted.status == 0, "\(trusted.stdout)\n\(trusted.stderr)")
        #expect(try pki.requests(api) == 12)
        #expect(try spool.list("work").isEmpty)
        #expect(try spool.list("done") == ["private-ca.csv"])
        let final = try spool.ledgerRows("SELECT state FROM leads").map { $0[0] }
        #expect(final.count == 12)
        #expect(final.allSatisfy { ["accepted", "rejected"].contains($0) }, "0 lost: \(final)")
    }

    @Test func caOnlyAndSSLCertFileTrustTheCAAlone() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let api = try SandboxProcess(extra: ["--tls-cert", pki.serverCertificate, "--tls-key", pki.serverKey])
        defer { api.stop() }

        let only = try TempSpool(config: "settle_seconds = 0\n[api]\nca_file = \"\(pki.ca)\"\nca_only = true\n")
        defer { only.remove() }
        try only.generate("ca-only.csv", rows: 3, seed: 42)
        let first = try run(only, endpoint: api.endpoint)
        #expect(first.status == 0, "\(first.stderr)")

        let environment = try TempSpool()
        defer { environment.remove() }
        try environment.generate("ssl-cert-file.csv", rows: 3, seed: 43)
        let second = try run(environment, endpoint: api.endpoint, environment: ["SSL_CERT_FILE": pki.ca])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try pki.requests(api) == 6)
    }

    @Test func aCertificateForAnotherHostIsRefusedInWords() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let api = try SandboxProcess(extra: ["--tls-cert", pki.localhostCertificate, "--tls-key", pki.localhostKey])
        defer { api.stop() }
        let spool = try TempSpool()
        defer { spool.remove() }
        try spool.generate("wrong-host.csv", rows: 5, seed: 44)

        let refused = try run(spool, endpoint: api.endpoint, environment: ["DL_CA_FILE": pki.ca])
        #expect(refused.status == 78, "\(refused.stdout)\n\(refused.stderr)")
        #expect(refused.stderr.contains("certificate is for localhost, not 127.0.0.1"), "\(refused.stderr)")
        #expect(try pki.requests(api, host: "localhost") == 0)
        #expect(try spool.ledgerRows("SELECT state FROM leads").allSatisfy { $0 == ["pending"] })
        #expect(try spool.resultLines().allSatisfy { $0.reasonCode == "NOT_SUBMITTED" })
        try expectNoErrorDump(spool)
    }

    @Test func mutualTLSNeedsTheClientCertificate() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let api = try SandboxProcess(extra: [
            "--tls-cert", pki.serverCertificate, "--tls-key", pki.serverKey, "--tls-client-ca", pki.ca,
        ])
        defer { api.stop() }
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nca_file = \"\(pki.ca)\"\n")
        defer { spool.remove() }
        try spool.generate("mutual.csv", rows: 6, seed: 45)

        let without = try run(spool, endpoint: api.endpoint)
        #expect(without.status == 78, "\(without.stdout)\n\(without.stderr)")
        #expect(without.stderr.contains("client certificate"), "\(without.stderr)")
        #expect(without.stderr.contains("api.client_certificate"), "\(without.stderr)")
        #expect(try pki.requests(api, client: true) == 0)
        #expect(try spool.ledgerRows("SELECT state FROM leads").allSatisfy { $0 == ["pending"] })
        try expectNoErrorDump(spool)

        let identity = ["--client-cert", pki.clientCertificate, "--client-key", pki.clientKey]
        let with = try run(spool, endpoint: api.endpoint, arguments: identity)
        #expect(with.status == 0, "\(with.stdout)\n\(with.stderr)")
        #expect(try pki.requests(api, client: true) == 6)
        #expect(try spool.ledgerRows("SELECT state FROM leads").allSatisfy { ["accepted", "rejected"].contains($0[0]) })
    }

    @Test func aMissingOrUnusableFileIsAConfigurationError() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let spool = try TempSpool()
        defer { spool.remove() }
        try spool.generate("never.csv", rows: 2, seed: 46)
        let endpoint = "https://127.0.0.1:9/webhook/lead"

        let missing = try run(spool, endpoint: endpoint, arguments: ["--ca-file", pki.directory + "/nothing.pem"])
        #expect(missing.status == 64, "\(missing.stderr)")
        #expect(missing.stderr.contains("nothing.pem does not exist"), "\(missing.stderr)")

        let notPEM = try run(spool, endpoint: endpoint, environment: ["DL_CA_FILE": pki.serverKey])
        #expect(notPEM.status == 64, "\(notPEM.stderr)")
        #expect(notPEM.stderr.contains("holds no PEM certificate"), "\(notPEM.stderr)")

        let unpaired = try run(
            spool, endpoint: endpoint,
            arguments: ["--client-cert", pki.clientCertificate, "--client-key", pki.serverKey])
        #expect(unpaired.status == 64, "\(unpaired.stderr)")
        #expect(unpaired.stderr.contains("is not the private key of the certificate"), "\(unpaired.stderr)")

        let alone = try run(spool, endpoint: endpoint, environment: ["DL_CLIENT_CERT": pki.clientCertificate])
        #expect(alone.status == 64, "\(alone.stderr)")
        #expect(try spool.list("incoming") == ["never.csv"], "nothing claimed")
    }

    /// `leadspool run` on `spool`, stdout and stderr apart, with no CA from the test's own environment.
    private func run(
        _ spool: TempSpool, endpoint: String, arguments: [String] = [], environment: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        var env = ProcessInfo.processInfo.environment
        for name in ["DL_API_URL", "DL_CA_FILE", "DL_CLIENT_CERT", "DL_CLIENT_KEY", "SSL_CERT_FILE"] {
            env[name] = nil
        }
        env["DL_API_KEY"] = Self.token
        env.merge(environment) { $1 }
        let result = try runLeadspool(
            ["run", "--config", spool.base + "/leadspool.toml", "--spool", spool.root, "--endpoint", endpoint]
                + arguments,
            environment: env, directory: URL(fileURLWithPath: spool.base))
        return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr)
    }

    /// No report cell holds a raw error (a type name or a dump of NIOSSL's).
    private func expectNoErrorDump(_ spool: TempSpool) throws {
        for name in try spool.list("reports") where name.hasSuffix(".csv") || name.hasSuffix(".jsonl") {
            let text = try String(contentsOfFile: spool.root + "/reports/" + name, encoding: .utf8)
            for dump in ["NIOSSL", "handshakeFailed", "BoringSSL", "Error:", "sslError"] {
                #expect(!text.contains(dump), "\(name) holds \(dump)")
            }
        }
    }
}

/// A private CA and certificates made with `openssl` in a temporary directory: the server's for 127.0.0.1 (IP
/// SAN), one for `localhost` only, and a client certificate; all issued by the CA.
struct TestPKI {
    let directory: String
    var ca: String { directory + "/ca.pem" }
    var serverCertificate: String { directory + "/server.pem" }
    var serverKey: String { directory + "/server.key" }
    var localhostCertificate: String { directory + "/localhost.pem" }
    var localhostKey: String { directory + "/localhost.key" }
    var clientCertificate: String { directory + "/client.pem" }
    var clientKey: String { directory + "/client.key" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("leadspool-pki-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", directory + "/ca.key", "-out", ca, "-days", "2", "-subj", "/CN=leadspool test CA",
        ])
        let server = "extendedKeyUsage=serverAuth\nsubjectAltName="
        try issue("server", subject: "/CN=127.0.0.1", extensions: server + "IP:127.0.0.1")
        try issue("localhost", subject: "/CN=localhost", extensions: server + "DNS:localhost")
        try issue("client", subject: "/CN=leadspool client", extensions: "extendedKeyUsage=clientAuth")
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Requests the sandbox counted (`GET /_sandbox/stats` over HTTPS, with curl trusting the CA), asked as
    /// `host` (the name its certificate is for).
    func requests(_ api: SandboxProcess, client: Bool = false, host: String = "127.0.0.1") throws -> Int {
        var url = try #require(URLComponents(string: api.endpoint))
        url.path = "/_sandbox/stats"
        let port = try #require(url.port)
        url.host = host
        var arguments = ["-sS", "--cacert", ca, "--resolve", "\(host):\(port):127.0.0.1", try #require(url.string)]
        if client { arguments += ["--cert", clientCertificate, "--key", clientKey] }
        let result = try runTool("/usr/bin/curl", arguments, stdin: Data())
        try #require(result.status == 0, "curl failed on \(arguments)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        return try #require(object["total"] as? Int)
    }

    private func issue(_ name: String, subject: String, extensions: String) throws {
        let base = directory + "/" + name
        try Data((extensions + "\nbasicConstraints=CA:FALSE\n").utf8).write(to: URL(fileURLWithPath: base + ".ext"))
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", base + ".key",
            "-out", base + ".csr", "-subj", subject,
        ])
        try openssl([
            "x509", "-req", "-in", base + ".csr", "-CA", ca, "-CAkey", directory + "/ca.key", "-set_serial",
            "\(Int.random(in: 1000...999_999))", "-days", "2", "-out", base + ".pem", "-extfile", base + ".ext",
        ])
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try runTool("/usr/bin/openssl", arguments, stdin: Data())
        try #require(result.status == 0, "openssl \(arguments.joined(separator: " ")) failed")
    }
}
