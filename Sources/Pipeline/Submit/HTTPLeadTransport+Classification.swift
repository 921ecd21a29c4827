import AsyncHTTPClient
import NIOCore
import NIOPosix

extension HTTPLeadTransport {
    /// Maps a failed exchange to a ``TransportError``.
    ///
    /// The phase comes from `headSent` (AsyncHTTPClient told the delegate the request head was handed
    /// to the connection): before it nothing was written, so any failure is before-sending; from
    /// then on the server may have the request, so any failure is after-sending (ambiguous). The
    /// error only names the kind:
    ///
    /// - dns: `NIOConnectionError` with only DNS failures.
    /// - connect: `NIOConnectionError`, `IOError` before sending, `HTTPClientError.connectTimeout`.
    /// - tls: `HTTPClientError.tlsHandshakeTimeout`, NIOSSL errors.
    /// - timeout: `HTTPClientError.deadlineExceeded` (before sending it means no connection in time),
    ///   `.readTimeout`, `.writeTimeout`, `.getConnectionFromPoolTimeout`, `ChannelError.connectTimeout`.
    /// - connection-closed: `HTTPClientError.remoteConnectionClosed`, `ChannelError.eof`,
    ///   `.ioOnClosedChannel`, `.outputClosed`, `IOError` (ECONNRESET, EPIPE) after sending.
    /// - protocol-error: HTTP parser errors, other `HTTPClientError`s after sending.
    /// - other: anything else.
    ///
    /// The detail never holds header values (AsyncHTTPClient's header errors list them) nor the token.
    static func classify(_ error: any Error, headSent: Bool, secret: String) -> TransportError {
        let phase: TransportError.Phase = headSent ? .afterSending : .beforeSending
        let (kind, detail) = kindAndDetail(error, headSent: headSent)
        let safe = secret.isEmpty ? detail : detail.replacing(secret, with: "<redacted>")
        return TransportError(phase, kind, detail: safe)
    }

    private static func kindAndDetail(_ error: any Error, headSent: Bool) -> (TransportError.Kind, String) {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded:
                return (.timeout, headSent ? "no answer before the deadline" : "no connection before the deadline")
            case .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return (.timeout, error.shortDescription)
            case .connectTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout:
                return (.connect, error.shortDescription)
            case .tlsHandshakeTimeout:
                return (.tls, error.shortDescription)
            case .remoteConnectionClosed:
                return (.connectionClosed, "the server closed the connection")
            default:
                // `shortDescription` carries no associated values (header errors list the values).
                return (headSent ? .protocolError : .other, error.shortDescription)
            }
        }
        if let error = error as? NIOConnectionError {
            let onlyDNS = error.connectionErrors.isEmpty && (error.dnsAError != nil || error.dnsAAAAError != nil)
            if onlyDNS { return (.dns, "could not resolve \(error.host)") }
            let causes = error.connectionErrors.map { "\($0.error)" }
            return (.connect, "could not connect to \(error.host):\(error.port)" + Self.joined(causes))
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout: return (.timeout, "connect timed out")
            case .eof, .ioOnClosedChannel, .outputClosed, .alreadyClosed:
                return (.connectionClosed, "connection closed (\(error))")
            default: return (.other, "\(error)")
            }
        }
        if let error = error as? IOError {
            return (headSent ? .connectionClosed : .connect, "\(error)")
        }
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("NIOSSL") || typeName.contains("BoringSSL") { return (.tls, "\(typeName): \(error)") }
        if typeName.contains("HTTPParserError") { return (.protocolError, "unreadable answer: \(error)") }
        return (.other, typeName)
    }

    private static func joined(_ causes: [String]) -> String {
        causes.isEmpty ? "" : " (" + causes.joined(separator: "; ") + ")"
    }
}
