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
