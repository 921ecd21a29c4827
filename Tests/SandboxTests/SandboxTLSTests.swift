import Foundation
import Logging
import Testing

@testable import Sandbox

/// The sandbox over HTTPS: its endpoint says so, and files it cannot use stop it before it listens.
/// (Serving TLS, with and without a client certificate required, is exercised end to end in TLSTests.)
@Suite struct SandboxTLSTests {
    @Test func filesItCannotUseAreRefusedBeforeItListens() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-tls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let notPEM = directory + "/not.pem"
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: notPEM))

        let missing = SandboxConfiguration(
            tls: SandboxTLS(certificateChain: directory + "/none.pem", privateKey: directory + "/none.key"))
        #expect(missing.scheme == "https")
        let refusal = SandboxOptionError(
            description: "--tls-cert \(directory)/none.pem: not a readable PEM certificate")
        await #expect(throws: refusal) {
            _ = try await SandboxServer.start(missing, logger: Live.quiet)
        }
        let badCertificate = SandboxConfiguration(tls: SandboxTLS(certificateChain: notPEM, privateKey: notPEM))
        await #expect(throws: SandboxOptionError.self) {
            _ = try await SandboxServer.start(badCertificate, logger: Live.quiet)
        }
    }

    @Test func plainHTTPIsTheDefault() async throws {
        #expect(SandboxConfiguration().scheme == "http")
        try await Live.withServer { server in
            #expect(server.endpoint.hasPrefix("http://127.0.0.1:"))
        }
    }
}
