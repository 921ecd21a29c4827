import AsyncHTTPClient
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HTTPLeadTransport {
    /// Maps a failed exchange to a ``TransportError``.
    ///
    /// The phase comes from `headSent` (AsyncHTTPClient told the delegate the request head was handed
    /// to the connection): before it nothing was written, so any failure is before-sending; from
    /// then on the server may have the request, so any failure is after-sending (ambiguous). One exception:
    /// a TLS handshake the server refused (under TLS 1.3 the client may write its request before the server
    /// has checked the client's certificate) never let the request reach the API. The error names the kind:
    ///
    /// - dns: `NIOConnectionError` with only DNS failures.
    /// - connect: `NIOConnectionError`, `IOError` before sending, `HTTPClientError.connectTimeout`.
    /// - tls: `HTTPClientError.tlsHandshakeTimeout`, NIOSSL errors that may pass.
    /// - tls-rejected: NIOSSL errors no retry can fix (see ``TLSFailure``).
    /// - timeout: `HTTPClientError.deadlineExceeded` (before sending it means no connection in time),
    ///   `.readTimeout`, `.writeTimeout`, `.getConnectionFromPoolTimeout`, `ChannelError.connectTimeout`.
    /// - connection-closed: `HTTPClientError.remoteConnectionClosed`, `ChannelError.eof`,
    ///   `.ioOnClosedChannel`, `.outputClosed`, `IOError` (ECONNRESET, EPIPE) after sending.
    /// - protocol-error: HTTP parser errors, other `HTTPClientError`s after sending.
    /// - other: anything else.
    ///
    /// The detail is a short, stable text ("connection refused", "timed out after 15 s"), what report cells
    /// show: never an error's dump, header values (AsyncHTTPClient's header errors list them) or the token.
    package static func classify(_ error: any Error, headSent: Bool, secret: String, timeout: Duration)
        -> TransportError
    {
        var phase: TransportError.Phase = headSent ? .afterSending : .beforeSending
        let (kind, detail) = kindAndDetail(error, headSent: headSent, timeout: timeout)
        if kind == .tlsRejected { phase = .beforeSending }
        let safe = secret.isEmpty ? detail : detail.replacing(secret, with: "<redacted>")
        return TransportError(phase, kind, detail: safe)
    }

    private static func kindAndDetail(_ error: any Error, headSent: Bool, timeout: Duration)
        -> (TransportError.Kind, String)
    {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded:
                let after = "timed out after \(seconds(timeout))"
                return (.timeout, headSent ? after : after + " without a connection")
            case .readTimeout: return (.timeout, "timed out waiting for the answer")
            case .writeTimeout: return (.timeout, "timed out sending the request")
            case .getConnectionFromPoolTimeout: return (.timeout, "timed out waiting for a connection")
            case .connectTimeout: return (.connect, "connect timed out")
            case .socksHandshakeTimeout, .httpProxyHandshakeTimeout: return (.connect, "proxy handshake timed out")
            case .tlsHandshakeTimeout: return (.tls, "TLS handshake timed out")
            case .remoteConnectionClosed: return (.connectionClosed, "connection closed by the server")
            default:
                // `shortDescription` is one fixed text per case, with no associated values (header errors
                // list the values).
                return (headSent ? .protocolError : .other, "HTTP client error: \(error.shortDescription)")
            }
        }
        if let error = error as? NIOConnectionError {
            let onlyDNS = error.connectionErrors.isEmpty && (error.dnsAError != nil || error.dnsAAAAError != nil)
            if onlyDNS { return (.dns, "host name not found") }
            guard let first = error.connectionErrors.first?.error else { return (.connect, "could not connect") }
            if let tls = TLSFailure(first) { return tlsKindAndDetail(tls, headSent: false) }
            if let io = first as? IOError { return (.connect, errnoText(io.errnoCode, connecting: true)) }
            if let channel = first as? ChannelError, case .connectTimeout = channel {
                return (.connect, "connect timed out")
            }
            return (.connect, "could not connect")
        }
        if let tls = TLSFailure(error) { return tlsKindAndDetail(tls, headSent: headSent) }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout: return (.timeout, "connect timed out")
            case .eof, .ioOnClosedChannel, .outputClosed, .alreadyClosed:
                return (.connectionClosed, "connection closed")
            default: return (.other, "connection error")
            }
        }
        if let error = error as? IOError {
            return (headSent ? .connectionClosed : .connect, errnoText(error.errnoCode, connecting: !headSent))
        }
        let typeName = String(describing: type(of: error))
        if typeName.contains("HTTPParserError") { return (.protocolError, "unreadable answer (not HTTP)") }
        return (.other, "unexpected error (\(typeName))")
    }

    /// A TLS error after the request went out is the connection's end, not the handshake's.
    private static func tlsKindAndDetail(_ failure: TLSFailure, headSent: Bool) -> (TransportError.Kind, String) {
        switch failure {
        case .transient(let text) where headSent:
            return (text == TLSFailure.closed ? .connectionClosed : .protocolError, text)
        case .transient:
            return (.tls, failure.detail)
        default:
            return (.tlsRejected, failure.detail)
        }
    }

    /// The few socket errors a connection meets, in words; others by number.
    private static func errnoText(_ code: Int32, connecting: Bool) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET: return "connection reset"
        case EPIPE: return "connection closed"
        case ECONNABORTED: return "connection aborted"
        case ENETUNREACH: return "network unreachable"
        case EHOSTUNREACH: return "host unreachable"
        case ETIMEDOUT: return connecting ? "connect timed out" : "timed out"
        default: return connecting ? "could not connect (errno \(code))" : "network error (errno \(code))"
        }
    }

    /// `15 s`, `0.5 s`.
    private static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
