import Foundation
package import Validation

/// Everything `leadspool receive` needs, with the defaults of docs/receive.md. The CLI maps flags and
/// `[receive]` of leadspool.toml onto it in one function.
package struct ReceiveConfiguration: Sendable {
    package var host = "127.0.0.1"
    package var port = 8443
    /// The endpoint's path.
    package var path = "/leads/inbound"
    /// The receive directory: `outbox/`, `ready/`, `ledger.sqlite`, `ledger.key`.
    package var directory: String
    package var secrets: WebhookSecrets
    /// Serve HTTPS with these PEM files; plain HTTP (behind a reverse proxy) when `nil`.
    package var tls: ReceiveTLS?
    /// An answer later than this is `rejected` / `timeout` (the API allows 10 s).
    package var deadline: Duration = .seconds(5)
    /// Bodies larger are answered 413.
    package var maxBodyBytes = 1 << 20
    package var validation = Validator.Configuration()
    package var desk = DeliveryDesk.Configuration()

    package init(directory: String, secrets: WebhookSecrets) {
        self.directory = directory
        self.secrets = secrets
    }

    /// `http` or `https`.
    package var scheme: String { tls == nil ? "http" : "https" }

    /// The checks a configuration from user input must pass.
    package func validated() throws(ReceiveError) -> ReceiveConfiguration {
        guard (0...65_535).contains(port) else {
            throw ReceiveError(.configuration, "--listen: port \(port) is not 0...65535")
        }
        guard path.hasPrefix("/"), !path.contains(where: { $0 == " " || $0 == "?" || $0 == "#" }) else {
            throw ReceiveError(.configuration, "receive.path must start with / and hold no space, ? or #")
        }
        guard deadline > .zero, deadline <= .seconds(10) else {
            throw ReceiveError(.configuration, "receive.deadline_ms must be 1...10000 (the API waits 10 s)")
        }
        guard desk.rotateLeads >= 1, desk.rotateSeconds > 0 else {
            throw ReceiveError(.configuration, "receive.rotate_leads and rotate_seconds must be positive")
        }
        return self
    }
}
