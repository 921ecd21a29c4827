import ArgumentParser

@main
struct Leadspool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadspool",
        abstract: "Batch pipeline for lead publishers: spool, validate, dedupe, submit, report.",
        subcommands: [
            RunCommand.self, WatchCommand.self, RetryCommand.self, DemoCommand.self, StatusCommand.self,
            ReportCommand.self, BackupCommand.self, CheckCommand.self, GenCommand.self, SandboxCommand.self,
            BenchCommand.self, ClaimCommand.self,
        ]
    )
}
