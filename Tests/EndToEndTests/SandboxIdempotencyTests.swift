import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `leadspool sandbox` honours `Idempotency-Key` unless started with `--no-idempotency`.
@Suite struct SandboxIdempotencyTests {
    /// A retry of an accepted lead with the same key: the first answer again by default, a duplicate
    /// rejection with `--no-idempotency`.
    @Test(arguments: [false, true])
    func retryOfAnAcceptedLead(noIdempotency: Bool) throws {
        let api = try SandboxProcess(seed: 7, extra: noIdempotency ? ["--no-idempotency"] : [])
        defer { api.stop() }
        var accepted: (body: String, key: String, answer: String)?
        for index in 0..<40 where accepted == nil {
            let body = Self.lead(phoneIndex: index)
            let key = "b1-\(index)"
            let answer = try Self.post(api.endpoint, body: body, key: key)
            if answer.status == 200, answer.body.contains(#""status":"accepted""#) { accepted = (body, key, answer.body) }
        }
        let first = try #require(accepted, "seed 7 accepted none of 40 leads")
        let retry = try Self.post(api.endpoint, body: first.body, key: first.key)
        #expect(retry.status == 200)
        if noIdempotency {
            #expect(retry.body.contains(#""reason":"duplicate""#), "\(retry.body)")
        } else {
            #expect(retry.body == first.answer)
        }
        let stats = try Self.get(api.endpoint.replacingOccurrences(of: "/webhook/lead", with: "/_sandbox/stats"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any])
        #expect(object["idempotent_replays"] as? Int == (noIdempotency ? 0 : 1))
    }

    static func lead(phoneIndex index: Int) -> String {
        #"{"vertical":"insurance","first_name":"Maria","last_name":"G.","email":"m@example.com","phone":"+1813"#
            + String(5_550_000 + index)
            + #"","zip":"33601","tcpa_timestamp":"2026-04-27T09:14:22Z","tcpa_text":"By submitting...","tcpa_url":"https://seo.example.com/page"}"#
    }

    static func post(_ endpoint: String, body: String, key: String) throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: endpoint)!)
        request.httpMethod = "POST"
        request.setValue("Bearer dl_test_idempotency", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = Data(body.utf8)
        return try fetch(request)
    }

    static func get(_ url: String) throws -> String {
        try fetch(URLRequest(url: URL(string: url)!)).body
    }

    private static func fetch(_ request: URLRequest) throws -> (status: Int, body: String) {
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.data = data
            box.status = (response as? HTTPURLResponse)?.statusCode
            done.signal()
        }.resume()
        done.wait()
        let data = try #require(box.data, "no answer from the sandbox")
        return (box.status ?? 0, String(decoding: data, as: UTF8.self))
    }

    private final class Box: @unchecked Sendable {
        var data: Data?
        var status: Int?
    }
}
