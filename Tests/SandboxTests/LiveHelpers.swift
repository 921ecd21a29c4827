import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import Sandbox

/// Talks to a sandbox on a real loopback port.
enum Live {
    static let quiet = Logger(label: "sandbox-tests") { _ in SwiftLogNoOpLogHandler() }

    static func withServer<Result: Sendable>(
        _ configuration: SandboxConfiguration = SandboxConfiguration(seed: 7),
        logger: Logger = quiet,
        _ body: (SandboxServer) async throws -> Result
    ) async throws -> Result {
        try await withSandbox(configuration, logger: logger, body)
    }

    static func request(
        _ server: SandboxServer,
        _ method: HTTPRequest.Method,
        _ path: String,
        body: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> TestClient.Response {
        try await TestClient.withClient(host: server.host, port: server.port) { client in
            try await client.execute(
                TestClient.Request(path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
            )
        }
    }

    /// `POST /webhook/lead` with the headers the provider's samples send.
    static func submit(
        _ server: SandboxServer,
        _ body: String = Sample.payload,
        token: String? = "dl_test_abc123",
        idempotencyKey: String? = nil
    ) async throws -> TestClient.Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let idempotencyKey { headers[.init("Idempotency-Key")!] = idempotencyKey }
        return try await request(server, .post, "/webhook/lead", body: body, headers: headers)
    }

    static func stats(_ server: SandboxServer) async throws -> [String: JSONValue] {
        try object(await request(server, .get, "/_sandbox/stats"))
    }

    static func text(_ response: TestClient.Response) -> String {
        response.body.map { String(buffer: $0) } ?? ""
    }

    static func object(_ response: TestClient.Response) throws -> [String: JSONValue] {
        guard case .object(let members) = try JSONParser.parse(text(response)) else {
            Issue.record("not a JSON object: \(text(response))")
            return [:]
        }
        return members
    }

    /// Runs a shell command (curl), without blocking a concurrency thread while it runs.
    static func shell(_ command: String) async throws -> (exitCode: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let exitCode: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        return (exitCode, String(decoding: data, as: UTF8.self))
    }
}

extension [String: JSONValue] {
    func string(_ key: String) -> String? { self[key]?.stringValue }

    func number(_ key: String) -> Double? {
        if case .number(let value, _) = self[key] { return value }
        return nil
    }

    func object(_ key: String) -> [String: JSONValue]? {
        if case .object(let value) = self[key] { return value }
        return nil
    }

    func strings(_ key: String) -> [String]? {
        guard case .array(let values) = self[key] else { return nil }
        return values.compactMap(\.stringValue)
    }
}
