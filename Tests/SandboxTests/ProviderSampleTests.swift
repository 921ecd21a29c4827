import Foundation
import Testing

@testable import Sandbox

/// The provider page's cURL sample, run with curl as written; only host and token are changed.
@Suite struct ProviderSampleTests {
    static let curlSample = #"""
        curl -X POST https://api.dreamyleads.com/webhook/lead \
          -H "Authorization: Bearer dl_live_xxxx" \
          -H "Content-Type: application/json" \
          -d '{"vertical":"insurance","first_name":"Maria","last_name":"G.","email":"m@example.com","phone":"+18135550100","zip":"33601","tcpa_timestamp":"2026-04-27T09:14:22Z","tcpa_text":"By submitting...","tcpa_url":"https://seo.example.com/page"}'
        """#

    /// Runs the sample against `server` and returns the HTTP status and body (`-s -w` added to read them).
    private func run(_ server: SandboxServer, token: String, edit: (String) -> String = { $0 }) async throws
        -> (status: Int, body: String)
    {
        let command = edit(Self.curlSample)
            .replacingOccurrences(of: "https://api.dreamyleads.com", with: server.baseURL)
            .replacingOccurrences(of: "dl_live_xxxx", with: token)
            + " -s -w '\\n%{http_code}'"
        let (exitCode, output) = try await Live.shell(command)
        #expect(exitCode == 0)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
    }

    @Test func sampleAsWrittenIsDecided() async throws {
        try await Live.withServer { server in
            let (status, body) = try await run(server, token: "dl_test_xxxx")
            #expect(status == 200)
            guard case .object(let answer) = try JSONParser.parse(body) else {
                Issue.record("not an object: \(body)")
                return
            }
            let verdict = answer["status"]?.stringValue
            #expect(verdict == "accepted" || verdict == "rejected")
            if verdict == "accepted" {
                #expect(answer.number("bid_amount") != nil)
                #expect(answer.string("lead_id")?.hasPrefix("ld_") == true)
            } else {
                #expect(answer.string("reason") != nil)
            }
        }
    }

    @Test func sampleWithoutConsentURLIs422() async throws {
        try await Live.withServer { server in
            let (status, body) = try await run(server, token: "dl_test_xxxx") {
                $0.replacingOccurrences(of: #","tcpa_url":"https://seo.example.com/page""#, with: "")
            }
            #expect(status == 422)
            #expect(body.contains(#""fields":["tcpa_url"]"#))
        }
    }

    @Test func sampleWithoutPhoneIs400() async throws {
        try await Live.withServer { server in
            let (status, body) = try await run(server, token: "dl_test_xxxx") {
                $0.replacingOccurrences(of: #""phone":"+18135550100","#, with: "")
            }
            #expect(status == 400)
            #expect(body.contains(#""fields":["phone"]"#))
        }
    }

    @Test func sampleWithWrongTokenIs401() async throws {
        try await Live.withServer { server in
            let (status, body) = try await run(server, token: "xxxx")
            #expect(status == 401)
            #expect(body.contains("invalid bearer token"))
        }
    }

    @Test func sampleWithLiveTokenIs401SayingSandbox() async throws {
        try await Live.withServer { server in
            let (status, body) = try await run(server, token: "dl_live_xxxx")
            #expect(status == 401)
            #expect(body.contains("sandbox"))
            #expect(!body.contains("dl_live_xxxx"), "the token is never echoed")
        }
    }

    @Test func onlyTheConfiguredTokenPasses() async throws {
        try await Live.withServer(SandboxConfiguration(seed: 7, token: "dl_test_mine")) { server in
            let other = try await run(server, token: "dl_test_xxxx")
            let mine = try await run(server, token: "dl_test_mine")
            #expect(other.status == 401)
            #expect(mine.status == 200)
        }
    }
}
