import Foundation
import Pipeline
import Testing

/// Feeds `scripts/oracle_email.py`: normalises one address per line of `LEADSPOOL_ORACLE_INPUT` and
/// writes `input<TAB>normalised-or-INVALID` lines to `LEADSPOOL_ORACLE_OUTPUT`. Runs only when the
/// script sets both variables; the comparison itself is the script's.
@Suite struct EmailOracleTests {
    static let inputPath = ProcessInfo.processInfo.environment["LEADSPOOL_ORACLE_INPUT"]
    static let outputPath = ProcessInfo.processInfo.environment["LEADSPOOL_ORACLE_OUTPUT"]

    @Test(.enabled(if: inputPath != nil && outputPath != nil, "run by scripts/oracle_email.py"))
    func normaliseOracleSample() throws {
        let input = try String(contentsOfFile: try #require(Self.inputPath), encoding: .utf8)
        var lines = input.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var output = ""
        output.reserveCapacity(input.utf8.count * 2)
        for line in lines {
            output += line
            output += "\t"
            switch EmailNormaliser.check(String(line)) {
            case .valid(let normalised): output += normalised
            case .invalid: output += "INVALID"
            }
            output += "\n"
        }
        try output.write(toFile: try #require(Self.outputPath), atomically: true, encoding: .utf8)
        #expect(!lines.isEmpty)
    }
}
