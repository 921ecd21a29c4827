import ArgumentParser

@main
struct Leadspool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadspool",
        abstract: "Batch pipeline for lead publishers: spool, validate, dedupe, submit, report.",
        subcommands: [SandboxCommand.self]
    )
}
