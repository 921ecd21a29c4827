import HummingbirdTLS
import NIOCore

/// The PEM files of a sandbox that serves HTTPS, to rehearse TLS failures: a private CA, a certificate for
/// the wrong host, a client certificate required (mutual TLS).
package struct SandboxTLS: Sendable, Hashable {
    /// The server's certificate chain, leaf first.
    package var certificateChain: String
    package var privateKey: String
    /// When set, a client must present a certificate issued by one of these CAs.
    package var clientCA: String?

    package init(certificateChain: String, privateKey: String, clientCA: String? = nil) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.clientCA = clientCA
    }
}

extension SandboxTLS {
    /// The server's TLS configuration, with every file read now.
    func serverConfiguration() throws(SandboxOptionError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateChain)
        } catch {
            throw SandboxOptionError(description: "--tls-cert \(certificateChain): not a readable PEM certificate")
        }
        do {
            key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
        } catch {
            throw SandboxOptionError(description: "--tls-key \(privateKey): not a readable PEM private key")
        }
        guard !chain.isEmpty else {
            throw SandboxOptionError(description: "--tls-cert \(certificateChain): holds no PEM certificate")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        if let clientCA {
            let roots: [NIOSSLCertificate]
            do {
                roots = try NIOSSLCertificate.fromPEMFile(clientCA)
            } catch {
                throw SandboxOptionError(description: "--tls-client-ca \(clientCA): not a readable PEM certificate")
            }
            // A client certificate is required, and checked against these CAs only; its host is not checked.
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(roots)
        }
        return configuration
    }
}
