import Foundation
import NIOSSL

/// The files that set up TLS to an `https` endpoint: CA certificates to trust (added to the system's, or
/// alone) and a client certificate for a server that asks for one (mutual TLS). All PEM.
package struct TLSFiles: Sendable, Hashable {
    /// A PEM bundle of CA certificates trusted besides the system's roots (instead of them with `caOnly`).
    package var caFile: String?
    /// Trust `caFile` alone, not the system's roots.
    package var caOnly = false
    /// The PEM certificate chain presented to a server that asks for one, leaf first.
    package var clientCertificate: String?
    /// The PEM private key of `clientCertificate` (not encrypted).
    package var clientKey: String?
    /// How messages name the setting `caFile` came from (`api.ca_file`, or `SSL_CERT_FILE`).
    package var caFileSetting = "api.ca_file"

    package init(
        caFile: String? = nil, caOnly: Bool = false, clientCertificate: String? = nil, clientKey: String? = nil,
        caFileSetting: String = "api.ca_file"
    ) {
        self.caFile = caFile
        self.caOnly = caOnly
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.caFileSetting = caFileSetting
    }
}

extension TLSFiles {
    /// The client's TLS configuration, `nil` for the default one (the system's roots, no client certificate).
    /// Every file is read and checked now (and a TLS context made of them), so a missing, unreadable or
    /// unusable file stops the command at start, not at the first connection.
    func clientConfiguration() throws(SubmitConfigurationError) -> TLSConfiguration? {
        guard caFile != nil || caOnly || clientCertificate != nil || clientKey != nil else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            let roots = try Self.certificates(caFile, setting: caFileSetting)
            if caOnly {
                tls.trustRoots = .certificates(roots)
            } else {
                tls.additionalTrustRoots = [.certificates(roots)]
            }
        } else if caOnly {
            throw SubmitConfigurationError(.tlsFile, "api.ca_only needs api.ca_file (the CA certificates to trust)")
        }
        switch (clientCertificate, clientKey) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            let chain = try Self.certificates(certificate, setting: "api.client_certificate")
            let keyBytes = try Self.contents(key, setting: "api.client_key")
            let privateKey: NIOSSLPrivateKey
            do {
                privateKey = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
            } catch {
                throw SubmitConfigurationError(
                    .tlsFile, "api.client_key: \(key) is not a PEM private key (an encrypted key is not supported)")
            }
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(privateKey)
        default:
            throw SubmitConfigurationError(
                .tlsFile, "api.client_certificate and api.client_key go together: set both or neither")
        }
        do {
            // Loads the trust roots and pairs the key with the certificate, as each connection will.
            _ = try NIOSSLContext(configuration: tls)
        } catch {
            if let certificate = clientCertificate, let key = clientKey {
                throw SubmitConfigurationError(
                    .tlsFile, "api.client_key: \(key) is not the private key of the certificate in \(certificate)")
            }
            throw SubmitConfigurationError(.tlsFile, "the TLS trust roots cannot be loaded")
        }
        return tls
    }

    /// The certificates of a PEM file; none is an error.
    private static func certificates(_ path: String, setting: String) throws(SubmitConfigurationError)
        -> [NIOSSLCertificate]
    {
        let bytes = try contents(path, setting: setting)
        let certificates = (try? NIOSSLCertificate.fromPEMBytes(bytes)) ?? []
        guard !certificates.isEmpty else {
            throw SubmitConfigurationError(.tlsFile, "\(setting): \(path) holds no PEM certificate")
        }
        return certificates
    }

    private static func contents(_ path: String, setting: String) throws(SubmitConfigurationError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SubmitConfigurationError(.tlsFile, "\(setting): \(path) does not exist")
        }
        guard !isDirectory.boolValue else {
            throw SubmitConfigurationError(.tlsFile, "\(setting): \(path) is a directory, not a PEM file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SubmitConfigurationError(.tlsFile, "\(setting): \(path) cannot be read")
        }
        return Array(data)
    }
}
