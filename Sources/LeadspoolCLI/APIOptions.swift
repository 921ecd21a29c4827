import ArgumentParser
import Foundation
import Submission

/// The API options of the commands that submit (`run`, `watch`, `retry`).
struct APIOptions: ParsableArguments {
    @Option(name: .long, help: "API endpoint (default: https://api.dreamyleads.com/webhook/lead, env DL_API_URL).")
    var endpoint: String?

    @Option(name: .long, help: "File holding the API token (otherwise the DL_API_KEY environment variable).")
    var tokenFile: String?

    // Only here to refuse it: a token in argv shows in `ps` and shell history.
    @Option(name: .long, help: .hidden)
    var token: String?

    @Option(
        name: .long,
        help: "PEM CA certificates to trust besides the system's (api.ca_file, env DL_CA_FILE; SSL_CERT_FILE too).")
    var caFile: String?

    @Option(
        name: .customLong("client-cert"),
        help: "PEM client certificate for mutual TLS (api.client_certificate, env DL_CLIENT_CERT).")
    var clientCertificate: String?

    @Option(name: .long, help: "PEM private key of --client-cert (api.client_key, env DL_CLIENT_KEY).")
    var clientKey: String?

    @Flag(name: .long, help: "Mask phone and email in the reports.")
    var redact = false

    /// Refuses `--token`; puts `--endpoint`, `--token-file` and the TLS files into `settings`. The TLS files
    /// come from the flags, else `DL_CA_FILE`, `DL_CLIENT_CERT`, `DL_CLIENT_KEY`, else the configuration; with
    /// no CA file set anywhere, `SSL_CERT_FILE` is the trust store instead of the system's, as for OpenSSL.
    func apply(
        to settings: inout Settings, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        if token != nil {
            throw ConfigurationError(
                "--token is refused (a token on the command line leaks into ps and shell history); "
                    + "set DL_API_KEY or use --token-file FILE")
        }
        if let endpoint { settings.endpoint = endpoint }
        if let tokenFile { settings.tokenFile = tokenFile }
        func setting(_ flag: String?, _ variable: String) -> String? {
            if let flag { return flag }
            guard let value = environment[variable], !value.isEmpty else { return nil }
            return value
        }
        if let caFile = setting(caFile, "DL_CA_FILE") { settings.caFile = caFile }
        if let certificate = setting(clientCertificate, "DL_CLIENT_CERT") { settings.clientCertificate = certificate }
        if let key = setting(clientKey, "DL_CLIENT_KEY") { settings.clientKey = key }
        if settings.caFile == nil, let bundle = environment["SSL_CERT_FILE"], !bundle.isEmpty {
            settings.caFile = bundle
            settings.caOnly = true
            settings.caFileSetting = "SSL_CERT_FILE"
        }
    }

    /// The run's token and the publishers' own (see ``RunCommand/token(settings:preferFile:environment:)``).
    func tokens(_ settings: Settings) throws -> (APIToken, [String: APIToken]) {
        (
            try RunCommand.token(settings: settings, preferFile: tokenFile != nil),
            try RunCommand.publisherTokens(settings: settings)
        )
    }
}
