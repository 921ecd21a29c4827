import ArgumentParser
import Foundation

@main
struct Leadspool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadspool",
        abstract: "Batch pipeline for lead publishers: spool, validate, dedupe, submit, report.",
        discussion: """
            Shell completions: leadspool --generate-completion-script bash|zsh|fish (make install puts them \
            in place, with the man page).
            """,
        version: LeadspoolVersion.text,
        subcommands: [
            RunCommand.self, WatchCommand.self, RetryCommand.self, DemoCommand.self, StatusCommand.self,
            ReportCommand.self, BackupCommand.self, CheckCommand.self, GenCommand.self, SandboxCommand.self,
            ClaimCommand.self, InitCommand.self, VersionCommand.self, ReceiveCommand.self,
        ]
    )

    /// ArgumentParser's `main`, but a usage error or a command's failure goes to stderr as a JSON event when
    /// the log format is JSON (help and `--version` still print as text, on stdout).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard StderrMessage.isJSON, code != .success else { exit(withError: error) }
            let message = fullMessage(for: error)
            if !message.isEmpty { StderrMessage.error(message) }
            Foundation.exit(code.rawValue)
        }
    }
}
