import ArgumentParser

@main
struct Leadspool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadspool",
        abstract: "Batch pipeline for lead publishers: spool, validate, dedupe, submit, report.",
        discussion: """
            Shell completions: leadspool --generate-completion-script bash|zsh|fish (make install puts them \
            in place, with the man page).
            """,
        subcommands: [
            RunCommand.self, WatchCommand.self, RetryCommand.self, DemoCommand.self, StatusCommand.self,
            ReportCommand.self, BackupCommand.self, CheckCommand.self, GenCommand.self, SandboxCommand.self,
            BenchCommand.self, ClaimCommand.self, InitCommand.self,
        ]
    )
}
