import ArgumentParser
import Pipeline

/// The API options of the commands that submit (`run`, `watch`, `retry`).
struct APIOptions: ParsableArguments {
    @Option(name: .long, help: "API endpoint (default: https://api.dreamyleads.com/webhook/lead, env DL_API_URL).")
    var endpoint: String?

    @Option(name: .long, help: "File holding the API token (otherwise the DL_API_KEY environment variable).")
    var tokenFile: String?

    // Only here to refuse it: a token in argv shows in `ps` and shell history.
    @Option(name: .long, help: .hidden)
    var token: String?

    @Flag(name: .long, help: "Mask phone and email in the reports.")
    var redact = false

    /// Refuses `--token`; puts `--endpoint` and `--token-file` into `settings`.
    func apply(to settings: inout Settings) throws {
        if token != nil {
            throw ConfigurationError(
                "--token is refused (a token on the command line leaks into ps and shell history); "
                    + "set DL_API_KEY or use --token-file FILE")
        }
        if let endpoint { settings.endpoint = endpoint }
        if let tokenFile { settings.tokenFile = tokenFile }
    }

    /// The run's token and the publishers' own (see ``RunCommand/token(settings:preferFile:environment:)``).
    func tokens(_ settings: Settings) throws -> (APIToken, [String: APIToken]) {
        (
            try RunCommand.token(settings: settings, preferFile: tokenFile != nil),
            try RunCommand.publisherTokens(settings: settings)
        )
    }
}
