import HummingbirdTLS
import NIOCore

/// The PEM certificate chain and private key of a receiver that serves HTTPS itself.
package struct ReceiveTLS: Sendable, Hashable {
    package var certificateChain: String
    package var privateKey: String

    package init(certificateChain: String, privateKey: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    /// The server's TLS configuration, both files read now.
    func serverConfiguration() throws(ReceiveError) -> TLSConfiguration {
        guard let chain = try? NIOSSLCertificate.fromPEMFile(certificateChain), !chain.isEmpty else {
            throw ReceiveError(.configuration, "--tls-cert \(certificateChain): not a readable PEM certificate")
        }
        guard let key = try? NIOSSLPrivateKey(file: privateKey, format: .pem) else {
            throw ReceiveError(.configuration, "--tls-key \(privateKey): not a readable PEM private key")
        }
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
