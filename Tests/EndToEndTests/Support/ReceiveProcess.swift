import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `leadspool receive --listen 127.0.0.1:0` as a child process, in a directory of its own, with
/// `leadspool.toml` holding `[receive]` lines and `secret` the webhook secrets.
final class ReceiveProcess {
    let process = Process()
    let root: String
    /// `http://127.0.0.1:<port>/leads/inbound`
    let endpoint: String
    private let errorPath: String

    init(root: String, config: String = "", secrets: [String] = ["s3cret"]) throws {
        self.root = root
        try (secrets.joined(separator: "\n") + "\n").write(toFile: root + "/secret", atomically: true, encoding: .utf8)
        try ("[receive]\ndir = \"\(root)/receive\"\n" + config).write(
            toFile: root + "/leadspool.toml", atomically: true, encoding: .utf8)
        process.executableURL = try leadspoolExecutable()
        process.arguments = [
            "receive", "--config", root + "/leadspool.toml", "--listen", "127.0.0.1:0", "--secret-file", root + "/secret",
        ]
        let output = Pipe()
        errorPath = root + "/receive-\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
        endpoint = try listeningURL(of: process, output: output)
    }

    deinit { stop() }

    /// SIGTERM and wait: the outbox moves to ready/.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func killNine() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var stderr: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// POSTs `body` with the page's headers; answers the status and the body.
    func post(
        _ body: Data, leadID: String, signature: String?, contentType: String = "application/json",
        version: String = "2026-04"
    ) -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: endpoint)!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        if let signature { request.setValue(signature, forHTTPHeaderField: "X-DreamyLeads-Signature") }
        request.setValue(leadID, forHTTPHeaderField: "X-DreamyLeads-LeadId")
        request.setValue(version, forHTTPHeaderField: "X-DreamyLeads-Version")
        let box = HTTPAnswerBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? -1
            box.body = data.map { String(decoding: $0, as: UTF8.self) } ?? ""
            done.signal()
        }.resume()
        done.wait()
        return (box.status, box.body)
    }

    /// Every `lead_id` of the outbox and ready JSONL files, with repeats.
    func leadIDsOnDisk() throws -> [String] {
        var ids: [String] = []
        for folder in ["outbox", "ready"] {
            let directory = root + "/receive/" + folder
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".jsonl") {
                let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    if let id = object?["lead_id"] as? String { ids.append(id) }
                }
            }
        }
        return ids
    }

    func readyFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/receive/ready").filter { !$0.hasPrefix(".") }.sorted()
    }
}

private final class HTTPAnswerBox: @unchecked Sendable {
    var status = -1
    var body = ""
}

/// A lead of the API page's schema as a JSON body, consent a few minutes old.
func webhookBody(vertical: String = "insurance", phone: String = "+18135550100", email: String = "m@example.com",
    zip: String = "33601", extra: String = "") -> Data
{
    let formatter = ISO8601DateFormatter()
    let consent = formatter.string(from: Date().addingTimeInterval(-300))
    return Data(
        (#"{"vertical":"\#(vertical)","first_name":"Maria","last_name":"G.","email":"\#(email)","phone":"\#(phone)","#
            + #""zip":"\#(zip)","tcpa_timestamp":"\#(consent)","tcpa_text":"By submitting...","#
            + #""tcpa_url":"https://seo.example.com/page"\#(extra)}"#).utf8)
}

/// `sha256=<hex>` computed by Python's hmac module: an implementation independent of leadspool's.
func pythonSignature(_ body: Data, secret: String) throws -> String {
    let script = "import hmac,hashlib,sys; print('sha256=' + hmac.new(sys.argv[1].encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())"
    let result = try runTool("/usr/bin/env", ["python3", "-c", script, secret], stdin: body)
    return String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
