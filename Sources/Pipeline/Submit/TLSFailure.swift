import Ingest
import LeadModel
import NIOSSL

/// Why a TLS handshake failed, read off NIOSSL's error, in the words reports and logs use.
///
/// Most cases are configurations to correct, not outages (``isPermanent``): sending again cannot make a
/// certificate trusted. BoringSSL names the cause in its error stack (`CERTIFICATE_VERIFY_FAILED`,
/// `TLSV1_ALERT_CERTIFICATE_REQUIRED`, ...); those names are stable, so they are what is matched. The error's
/// text is only matched, never shown.
package enum TLSFailure: Sendable, Hashable {
    /// The server's certificate chain did not verify against the trust roots (or has expired).
    case untrusted
    /// The chain verified, but the certificate does not name the endpoint's host.
    case wrongHost
    /// The server asked for a client certificate and none was set.
    case clientCertificateRequired
    /// The server refused the client certificate; `alert` is the TLS alert in words ("unknown ca").
    case clientCertificateRefused(alert: String)
    /// The server answered in something other than TLS (an `https` endpoint on a plain HTTP port).
    case notTLS
    /// The server refused the handshake: no version or cipher in common, or it wants a client certificate.
    case refused(alert: String)
    /// Something that may pass: the connection closed during the handshake, an unexpected TLS error.
    case transient(String)

    /// The text of a connection closed without TLS's goodbye.
    static let closed = "connection closed"

    /// `nil` when `error` is not a TLS error.
    package init?(_ error: any Error) {
        if let extra = error as? NIOSSLExtraError {
            self = extra == .failedToValidateHostname ? .wrongHost : .transient("TLS error")
            return
        }
        if let error = error as? NIOSSLError, case .uncleanShutdown = error {
            self = .transient(Self.closed)
            return
        }
        let typeName = String(reflecting: type(of: error))
        guard typeName.contains("NIOSSL") || typeName.contains("BoringSSL") else { return nil }
        self = Self.reading(String(describing: error))
    }

    /// The cause BoringSSL's reason names in `text` tell.
    package static func reading(_ text: String) -> TLSFailure {
        if text.contains("CERTIFICATE_VERIFY_FAILED") { return .untrusted }
        if text.contains("ALERT_CERTIFICATE_REQUIRED") { return .clientCertificateRequired }
        for alert in [
            "ALERT_BAD_CERTIFICATE", "ALERT_UNKNOWN_CA", "ALERT_CERTIFICATE_UNKNOWN", "ALERT_CERTIFICATE_EXPIRED",
            "ALERT_CERTIFICATE_REVOKED", "ALERT_UNSUPPORTED_CERTIFICATE", "ALERT_ACCESS_DENIED",
        ] where text.contains(alert) {
            return .clientCertificateRefused(alert: Self.words(alert))
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") { return .notTLS }
        for alert in [
            "ALERT_HANDSHAKE_FAILURE", "ALERT_PROTOCOL_VERSION", "ALERT_INSUFFICIENT_SECURITY", "NO_SHARED_CIPHER",
            "UNSUPPORTED_PROTOCOL",
        ] where text.contains(alert) {
            return .refused(alert: Self.words(alert))
        }
        return .transient("TLS error")
    }

    /// A configuration to correct: the run stops rather than retry (exit 78).
    package var isPermanent: Bool {
        if case .transient = self { return false }
        return true
    }

    /// The short, stable text for reports.
    package var detail: String {
        switch self {
        case .untrusted: return "TLS handshake failed: certificate not trusted"
        case .wrongHost: return "TLS handshake failed: certificate is for another host"
        case .clientCertificateRequired: return "TLS handshake failed: client certificate required"
        case .clientCertificateRefused: return "TLS handshake failed: client certificate refused"
        case .notTLS: return "TLS handshake failed: the server does not speak TLS"
        case .refused: return "TLS handshake failed: refused by the server"
        case .transient(let text): return "TLS handshake failed: \(text)"
        }
    }

    /// What the log says: the cause in words, what the certificate is (when the server's could be read), and
    /// what to set. `presented` is the certificate the server showed (``TLSCertificateProbe``); `now` is seconds
    /// since 1970. The short text comes along, more exact when `presented` tells (an expired certificate).
    package func account(host: String, port: Int, presented: PresentedCertificate?, now: Int64) -> (
        detail: String, explanation: String
    ) {
        let server = "the server at \(Self.hostAndPort(host, port))"
        switch self {
        case .untrusted:
            guard let presented else {
                return (
                    detail, "TLS handshake failed: certificate for \(host) is not trusted; set api.ca_file to its CA"
                )
            }
            let forHost = presented.names(host) ? "" : "; it is also for \(presented.nameList), not \(host)"
            if now > presented.notAfter {
                return (
                    "TLS handshake failed: certificate expired",
                    "TLS handshake failed: certificate for \(host) expired on \(Self.day(presented.notAfter))\(forHost)"
                )
            }
            if now < presented.notBefore {
                return (
                    "TLS handshake failed: certificate not yet valid",
                    "TLS handshake failed: certificate for \(host) is not valid before "
                        + "\(Self.day(presented.notBefore))\(forHost)"
                )
            }
            if presented.selfSigned {
                return (
                    detail,
                    "TLS handshake failed: certificate for \(host) is not trusted (self-signed)\(forHost); "
                        + "set api.ca_file to it"
                )
            }
            return (
                detail,
                "TLS handshake failed: certificate for \(host) is not trusted (issued by \"\(presented.issuer)\", "
                    + "not a trusted CA)\(forHost); set api.ca_file to that CA's certificate"
            )
        case .wrongHost:
            guard let presented else {
                return (detail, "TLS handshake failed: certificate is not for \(host); use a host it names")
            }
            return (
                detail,
                "TLS handshake failed: certificate is for \(presented.nameList), not \(host); "
                    + "use a host it names in the endpoint"
            )
        case .clientCertificateRequired:
            return (
                detail,
                "TLS handshake failed: \(server) requires a client certificate; "
                    + "set api.client_certificate and api.client_key"
            )
        case .clientCertificateRefused(let alert):
            return (
                detail,
                "TLS handshake failed: \(server) refused the client certificate (\(alert)); "
                    + "check api.client_certificate and api.client_key"
            )
        case .notTLS:
            return (detail, "TLS handshake failed: \(server) does not speak TLS; should the endpoint be http://?")
        case .refused(let alert):
            return (
                detail,
                "TLS handshake failed: \(server) refused it (\(alert)): no TLS version or cipher in common, "
                    + "or it wants a client certificate (api.client_certificate)"
            )
        case .transient:
            return (detail, detail)
        }
    }

    /// `TLSV1_ALERT_UNKNOWN_CA` → `unknown ca`.
    private static func words(_ name: String) -> String {
        var name = Substring(name)
        if let alert = name.firstRange(of: "ALERT_") { name = name[alert.upperBound...] }
        return name.lowercased().replacing("_", with: " ")
    }

    private static func hostAndPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `YYYY-MM-DD`, UTC.
    private static func day(_ seconds: Int64) -> String { String(CivilTime.utcString(seconds).prefix(10)) }
}
