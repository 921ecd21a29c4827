import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `leadspool sandbox --port 0` as a child process: the API the end-to-end tests submit to.
final class SandboxProcess {
    let process = Process()
    /// `http://127.0.0.1:<port>/webhook/lead` (`https://` when `extra` holds `--tls-cert`)
    let endpoint: String

    /// - Parameter token: accept only this bearer token (otherwise any `dl_test_` token).
    init(token: String? = nil, seed: Int = 3, extra: [String] = []) throws {
        process.executableURL = LeadspoolBinary.url
        process.arguments =
            ["sandbox", "--port", "0", "--seed", "\(seed)"] + (token.map { ["--token", $0] } ?? []) + extra
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line says where it listens: "sandbox listening on http://127.0.0.1:PORT/webhook/lead"
        // (https:// when it serves TLS).
        endpoint = try listeningURL(of: process, output: output)
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// `GET /_sandbox/stats`.
    func stats() throws -> SandboxStats {
        let url = URL(string: endpoint.replacingOccurrences(of: "/webhook/lead", with: "/_sandbox/stats"))!
        let box = ResponseBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: url) { data, _, _ in
            box.data = data
            done.signal()
        }.resume()
        done.wait()
        guard let data = box.data,
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw SandboxNotListening(output: "no stats") }
        let leads = object["leads"] as? [String: [String: Any]] ?? [:]
        return SandboxStats(
            total: object["total"] as? Int ?? -1, accepted: object["accepted"] as? Int ?? -1,
            byStatus: object["by_status"] as? [String: Int] ?? [:],
            submissionsPerLead: leads.values.map { $0["submissions"] as? Int ?? 0 },
            statusesByLead: leads.mapValues { lead in
                (lead["attempts"] as? [[String: Any]] ?? []).map { $0["status"] as? Int ?? 0 }
            },
            timesByLead: leads.mapValues { lead in
                (lead["attempts"] as? [[String: Any]] ?? []).map { ($0["t"] as? NSNumber)?.doubleValue ?? -1 }
            })
    }
}

struct SandboxStats {
    var total: Int
    var accepted: Int
    var byStatus: [String: Int]
    var submissionsPerLead: [Int]
    /// `vertical|phone` → the status of each attempt.
    var statusesByLead: [String: [Int]]
    /// `vertical|phone` → the arrival time of each attempt, seconds since the sandbox started.
    var timesByLead: [String: [Double]]
}

struct SandboxNotListening: Error {
    var output: String
}

private final class ResponseBox: @unchecked Sendable {
    var data: Data?
}

/// The URL a server process (`sandbox`, `receive`) prints on its first line of stdout: the `https://` or
/// `http://` URL up to the end of that line. A process that exits or prints something else is terminated.
func listeningURL(of process: Process, output: Pipe) throws -> String {
    var text = ""
    while !text.contains("\n") {
        let data = output.fileHandleForReading.availableData
        if data.isEmpty { break }
        text += String(decoding: data, as: UTF8.self)
    }
    guard let range = text.range(of: "https://") ?? text.range(of: "http://"),
        let end = text[range.lowerBound...].firstIndex(of: "\n")
    else {
        process.terminate()
        throw SandboxNotListening(output: text)
    }
    return String(text[range.lowerBound..<end])
}
