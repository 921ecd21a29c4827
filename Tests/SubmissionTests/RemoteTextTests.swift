@testable import Submission
import Testing


/// Text from the API's answers reaches the reports: bytes that are not UTF-8 and lone surrogate escapes
/// never come out as U+FFFD.
@Suite struct RemoteTextTests {
    @Test func noReplacementCharacterInRemoteMessages() {
        let raw = RemoteAnswerBody.message(Array("bad".utf8) + [0xFF] + Array(" field".utf8))
        #expect(raw == "bad? field")
        let escaped = RemoteAnswerBody.message(Array(#"{"error": "bad \ud800 field"}"#.utf8))
        #expect(escaped == "bad ? field")
    }
}

/// The API's answers as `RemoteAnswerBody` reads them (through `JSONDecoder`): lenient about member types,
/// strict about what makes an answer.
@Suite struct RemoteAnswerBodyTests {
    static func answer(_ body: String, truncated: Bool = false) -> RemoteAnswer? {
        RemoteAnswerBody.parse(TransportResponse(status: 200, body: Array(body.utf8), bodyTruncated: truncated))
    }

    @Test func readsAcceptedAndRejectedBodies() {
        #expect(Self.answer(#"{"status":"accepted","bid_amount":18.5,"lead_id":"ld_1"}"#) == .accepted(leadID: "ld_1", bid: 18.5))
        #expect(Self.answer(#"{"status":"accepted","bid_amount":"12.25","lead_id":7}"#) == .accepted(leadID: nil, bid: 12.25))
        #expect(Self.answer(#"{"status":"accepted","bid_amount":"$12"}"#) == .accepted(leadID: nil, bid: nil))
        #expect(Self.answer(#"{"status":"accepted","bid_amount":-5}"#) == .accepted(leadID: nil, bid: nil))
        #expect(Self.answer(#"{"status":"rejected","reason":"DUPLICATE_LEAD"}"#) == .rejected(reason: "DUPLICATE_LEAD"))
        #expect(Self.answer(#"{"status":"rejected","error":{"message":"no\nbuyer"}}"#) == .rejected(reason: "no buyer"))
        #expect(Self.answer(#"{"status":"rejected","message":42}"#) == .rejected(reason: "42"))
        #expect(Self.answer(#"{"status":"rejected"}"#) == .rejected(reason: nil))
    }

    @Test func refusesWhatIsNotAnAnswer() {
        #expect(Self.answer(#"{"status":"maybe"}"#) == nil)
        #expect(Self.answer(#"{"status":"accepted""#) == nil)
        #expect(Self.answer(#"{"status":"accepted"} trailing"#) == nil)
        #expect(Self.answer(#"["accepted"]"#) == nil)
        #expect(Self.answer(#"{"status":"accepted"}"#, truncated: true) == nil)
    }

    @Test func errorMessagesOfClientErrors() {
        #expect(RemoteAnswerBody.message(Array(#"{"error":"bad payload","fields":["phone","zip"]}"#.utf8))
            == "bad payload (fields: phone, zip)")
        #expect(RemoteAnswerBody.message(Array(#"{"errors":["tcpa_text"]}"#.utf8)) == "fields: tcpa_text")
        #expect(RemoteAnswerBody.message(Array(#""plain text in quotes""#.utf8)) == "plain text in quotes")
        #expect(RemoteAnswerBody.message(Array("<html>  gateway\n error</html>".utf8)) == "<html> gateway error</html>")
        #expect(RemoteAnswerBody.message(Array(#"{"detail":"pair \ud83d\ude00 kept"}"#.utf8)) == "pair 😀 kept")
        #expect(RemoteAnswerBody.message(Array(#"{"detail":"escaped \\ud800 is text"}"#.utf8)) == #"escaped \ud800 is text"#)
        #expect(RemoteAnswerBody.message(Array("[]".utf8)) == nil)
    }
}
