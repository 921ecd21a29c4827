import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a server's certificate says of itself: enough to tell in words why it was refused.
package struct PresentedCertificate: Sendable, Hashable {
    /// The DNS names and IP addresses it is for (its subject alternative names), else its subject's common name.
    package var hostNames: [String]
    /// Its subject is its issuer.
    package var selfSigned: Bool
    /// The issuer's common name (or organisation).
    package var issuer: String
    /// Seconds since 1970.
    package var notBefore: Int64
    package var notAfter: Int64

    package init(hostNames: [String], selfSigned: Bool, issuer: String, notBefore: Int64, notAfter: Int64) {
        self.hostNames = hostNames
        self.selfSigned = selfSigned
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// The names for a message: `localhost`, `a, b and 3 more`.
    package var nameList: String {
        if hostNames.isEmpty { return "no host name" }
        let shown = hostNames.prefix(3).joined(separator: ", ")
        return hostNames.count > 3 ? "\(shown) and \(hostNames.count - 3) more" : shown
    }

    /// Whether it is for `host` (a `*.` name covers one label).
    package func names(_ host: String) -> Bool {
        let host = host.lowercased()
        return hostNames.contains { name in
            let name = name.lowercased()
            if name == host { return true }
            guard name.hasPrefix("*."), let dot = host.firstIndex(of: ".") else { return false }
            return host[host.index(after: dot)...] == name.dropFirst(2)
        }
    }
}

extension PresentedCertificate {
    init(_ certificate: NIOSSLCertificate) {
        var names: [String] = []
        // The underscored accessor is NIOSSL's only way to the alternative names short of parsing the DER.
        for name in certificate._subjectAlternativeNames() {
            let bytes = name.contents.withUnsafeBufferPointer { Array($0) }
            if name.nameType == .dnsName {
                names.append(String(decoding: bytes, as: UTF8.self))
            } else if name.nameType == .ipAddress, let address = Self.address(bytes) {
                names.append(address)
            }
        }
        let subject = certificate.subjectName
        let issuer = certificate.issuerName
        if names.isEmpty, let commonName = subject.last(where: { $0.type == .commonName })?.value {
            names = [commonName]
        }
        self.init(
            hostNames: names, selfSigned: !subject.isEmpty && subject == issuer,
            issuer: issuer.last(where: { $0.type == .commonName })?.value
                ?? issuer.last(where: { $0.type == .organization })?.value ?? "an unnamed issuer",
            notBefore: Int64(certificate.notValidBefore), notAfter: Int64(certificate.notValidAfter))
    }

    /// An IP address in text form.
    private static func address(_ bytes: [UInt8]) -> String? {
        switch bytes.count {
        case 4:
            return bytes.map(String.init).joined(separator: ".")
        case 16:
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let done = bytes.withUnsafeBytes { raw in
                inet_ntop(AF_INET6, raw.baseAddress, &text, socklen_t(text.count)) != nil
            }
            return done ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        default:
            return nil
        }
    }
}

/// Reads the certificate a server presents, without trusting it and without sending anything over the
/// connection: one TLS handshake that this side breaks off once it has the certificate.
///
/// Used once, after a handshake was refused, to say in words what the certificate is (self-signed, for
/// which host, expired) rather than only that it failed.
enum TLSCertificateProbe {
    /// The server's leaf certificate, or `nil` when it could not be had within `timeout`.
    static func presented(host: String, port: Int, timeout: Duration) async -> PresentedCertificate? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        // The custom callback below replaces the chain's verification; host names are compared by the caller.
        configuration.certificateVerification = .noHostnameVerification
        guard let context = try? NIOSSLContext(configuration: configuration) else { return nil }
        let seen = Seen()
        let nanoseconds = max(
            1_000_000, timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        // SNI carries a host name only, never an address.
        let serverName = Self.isAddress(host) ? nil : host
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(
                        context: context, serverHostname: serverName,
                        customVerificationCallback: { certificates, verdict in
                            if let leaf = certificates.first {
                                let presented = PresentedCertificate(leaf)
                                seen.value.withLock { $0 = presented }
                            }
                            // Break the handshake off: nothing is sent to a server that is not trusted.
                            verdict.succeed(NIOSSLVerificationResult.failed)
                        })
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            let limit = channel.eventLoop.scheduleTask(in: TimeAmount.nanoseconds(nanoseconds)) { () -> Void in
                channel.close(promise: nil)
            }
            try? await channel.closeFuture.get()
            limit.cancel()
        } catch {
            return nil
        }
        return seen.value.withLock { $0 }
    }

    private final class Seen: Sendable {
        let value = Mutex<PresentedCertificate?>(nil)
    }

    private static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
