import ArgumentParser
import LeadGenerator
import LeadModel
import Pipeline

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `leadspool gen`: a deterministic synthetic lead batch for tests, the demo and benchmarks.
struct GenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Write a synthetic lead batch (deterministic for equal options).",
        discussion: """
            Clean rows are valid leads: real US area codes and ZIP codes, consent within the last 30 days. \
            With --dirty F exactly round(rows × F) rows carry one or two realistic defects (formatted or \
            Excel-mangled phones, ZIP+4 or ZIPs that lost a leading zero, missing fields, bad consent \
            fields, invalid emails, toll-free or Canadian phones, in-batch duplicates, bad vertical fields, \
            quotes and line breaks in consent text); some survive normalisation, others make the lead \
            invalid. A dirty CSV looks like a spreadsheet export: UTF-8 BOM, CRLF line ends, header names \
            as people type them, an extra `campaign` column. A clean CSV has API field names and LF.
            """
    )

    // Every command takes the global options (CONTRACT §2); gen reads none of the settings, but a
    // broken --config is still refused, and --quiet drops the summary line.
    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of rows.")
    var rows = 1000

    @Option(help: "Output format: csv or jsonl.")
    var format: GenFormat = .csv

    @Flag(help: "Compress the output with gzip.")
    var gzip = false

    @Option(help: "Share of rows with defects, 0 to 1.")
    var dirty = 0.0

    @Option(help: "Seed of the generator; equal seeds and options give equal bytes.")
    var seed: UInt64 = 1

    @Option(help: "insurance, mortgage, solar, debt, or mixed (all four).")
    var vertical: GenVerticalChoice = .mixed

    @Option(help: "Write to this file (through FILE.tmp, renamed when complete) instead of standard output.")
    var output: String?

    @Option(help: .hidden)
    var now: Int64?

    @Option(help: .hidden)
    var defectsLog: String?

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more") }
        let limit = LeadSynthesizer.maximumRows(seed: seed)
        guard rows <= limit else { throw ValidationError("--rows must be at most \(limit) (distinct phones)") }
        guard dirty >= 0, dirty <= 1 else { throw ValidationError("--dirty must be between 0 and 1") }
    }

    func run() throws {
        do {
            _ = try global.loadSettings()
        } catch let error as ConfigurationError {
            Self.printError("leadspool: \(error.message)\n")
            throw ExitCode(.usage)
        }
        let options = GenOptions(
            rows: rows, dirty: dirty, seed: seed, verticals: vertical.verticals,
            now: now ?? Int64(time(nil)), e164Phones: format == .jsonl)
        let generation = GenRun(options: options, format: format, gzip: gzip)
        var file: GenOutputFile?
        var log: GenOutputFile?
        do throws(GenError) {
            file = try output.map { (path: String) throws(GenError) in try GenOutputFile(path: path) }
            log = try defectsLog.map { (path: String) throws(GenError) in try GenOutputFile(path: path) }
            let count = try generation.write(
                to: file?.descriptor ?? STDOUT_FILENO, name: output ?? "standard output",
                defectsLog: log.map { ($0.descriptor, $0.path) })
            try file?.commit()
            file = nil
            try log?.commit()
            log = nil
            var summary = "wrote \(count) rows (\(format.rawValue)\(gzip ? ", gzip" : ""), dirty \(dirty), "
            summary += "seed \(seed), vertical \(vertical.rawValue)) to \(output ?? "standard output")\n"
            if !global.quiet { Self.printError(summary) }
        } catch {
            file?.discard()
            log?.discard()
            Self.printError("leadspool gen: \(error.description)\n")
            throw ExitCode(.cantCreate)
        }
    }

    private static func printError(_ text: String) {
        let sink = FileDescriptorSink(descriptor: STDERR_FILENO, name: "standard error")
        Array(text.utf8).withUnsafeBytes { try? sink.write($0) }
    }
}

extension GenFormat: ExpressibleByArgument {}

/// `--vertical`: one of the API's verticals, or all of them.
enum GenVerticalChoice: String, CaseIterable, ExpressibleByArgument {
    case insurance, mortgage, solar, debt, mixed

    var verticals: [Vertical] {
        switch self {
        case .mixed: return Vertical.allCases
        default: return [Vertical(rawValue: rawValue)!]
        }
    }
}
