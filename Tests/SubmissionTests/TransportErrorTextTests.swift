import AsyncHTTPClient
import NIOCore
import NIOSSL
import Submission
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every transport failure becomes a short, stable text (what report cells show), its kind and its phase;
/// never an error's dump.
@Suite("Transport error texts")
struct TransportErrorTextTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var error: any Error & Sendable
        var headSent = false
        var kind: TransportError.Kind
        var phase: TransportError.Phase
        var detail: String
        var testDescription: String { name }
    }

    struct Unexpected: Error {}

    @Test(arguments: [
        Row(
            name: "deadline, no connection", error: HTTPClientError.deadlineExceeded, kind: .timeout,
            phase: .beforeSending, detail: "timed out after 15 s without a connection"),
        Row(
            name: "deadline, no answer", error: HTTPClientError.deadlineExceeded, headSent: true, kind: .timeout,
            phase: .afterSending, detail: "timed out after 15 s"),
        Row(
            name: "read timeout", error: HTTPClientError.readTimeout, headSent: true, kind: .timeout,
            phase: .afterSending, detail: "timed out waiting for the answer"),
        Row(
            name: "pool timeout", error: HTTPClientError.getConnectionFromPoolTimeout, kind: .timeout,
            phase: .beforeSending, detail: "timed out waiting for a connection"),
        Row(
            name: "connect timeout", error: HTTPClientError.connectTimeout, kind: .connect, phase: .beforeSending,
            detail: "connect timed out"),
        Row(
            name: "TLS handshake timeout", error: HTTPClientError.tlsHandshakeTimeout, kind: .tls,
            phase: .beforeSending, detail: "TLS handshake timed out"),
        Row(
            name: "server closed", error: HTTPClientError.remoteConnectionClosed, headSent: true,
            kind: .connectionClosed, phase: .afterSending, detail: "connection closed by the server"),
        Row(
            name: "refused", error: IOError(errnoCode: ECONNREFUSED, reason: "connect"), kind: .connect,
            phase: .beforeSending, detail: "connection refused"),
        Row(
            name: "reset after sending", error: IOError(errnoCode: ECONNRESET, reason: "read"), headSent: true,
            kind: .connectionClosed, phase: .afterSending, detail: "connection reset"),
        Row(
            name: "unlisted errno", error: IOError(errnoCode: EPROTO, reason: "write"), headSent: true,
            kind: .connectionClosed, phase: .afterSending, detail: "network error (errno \(EPROTO))"),
        Row(
            name: "eof", error: ChannelError.eof, headSent: true, kind: .connectionClosed, phase: .afterSending,
            detail: "connection closed"),
        Row(
            name: "host name mismatch", error: NIOSSLExtraError.failedToValidateHostname, kind: .tlsRejected,
            phase: .beforeSending, detail: "TLS handshake failed: certificate is for another host"),
        Row(
            name: "TLS closed in the handshake", error: NIOSSLError.uncleanShutdown, kind: .tls,
            phase: .beforeSending, detail: "TLS handshake failed: connection closed"),
        Row(
            name: "TLS closed after sending", error: NIOSSLError.uncleanShutdown, headSent: true,
            kind: .connectionClosed, phase: .afterSending, detail: "connection closed"),
        Row(
            name: "anything else", error: Unexpected(), headSent: true, kind: .other, phase: .afterSending,
            detail: "unexpected error (Unexpected)"),
    ])
    func mapsToAShortText(_ row: Row) {
        let error = HTTPLeadTransport.classify(
            row.error, headSent: row.headSent, secret: "dl_test_s3cr3t", timeout: .seconds(15))
        #expect(error.kind == row.kind)
        #expect(error.phase == row.phase)
        #expect(error.detail == row.detail)
    }

    /// A refused handshake never reached the API, even when TLS 1.3 let the request be written first.
    @Test func aRefusedHandshakeIsBeforeSendingWhateverWasWritten() {
        let error = HTTPLeadTransport.classify(
            NIOSSLExtraError.failedToValidateHostname, headSent: true, secret: "", timeout: .seconds(15))
        #expect(error.kind == .tlsRejected)
        #expect(error.phase == .beforeSending)
    }

    @Test func durationsReadAsSeconds() {
        let half = HTTPLeadTransport.classify(
            HTTPClientError.deadlineExceeded, headSent: true, secret: "", timeout: .milliseconds(2500))
        #expect(half.detail == "timed out after 2.5 s")
    }
}
