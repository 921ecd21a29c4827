import Foundation
import Testing
import Validation

/// Feeds `scripts/oracle_email.py`: normalises one address per line of `LEADSPOOL_ORACLE_INPUT` and
/// writes `input<TAB>normalised-or-INVALID` lines to `LEADSPOOL_ORACLE_OUTPUT`. Without those
/// variables it checks the same output format on a small built-in sample, so it always runs.
@Suite struct EmailOracleTests {
    @Test func normaliseOracleSample() throws {
        let environment = ProcessInfo.processInfo.environment
        if let inputPath = environment["LEADSPOOL_ORACLE_INPUT"], let outputPath = environment["LEADSPOOL_ORACLE_OUTPUT"] {
            let input = try String(contentsOfFile: inputPath, encoding: .utf8)
            var lines = input.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() }
            try Self.answers(lines).write(toFile: outputPath, atomically: true, encoding: .utf8)
            #expect(!lines.isEmpty)
        } else {
            let sample: [Substring] = [" Ana.Lopez@Example.COM ", "john..doe@example.com", "no-at-sign.example.com"]
            #expect(
                Self.answers(sample)
                    == " Ana.Lopez@Example.COM \tAna.Lopez@example.com\njohn..doe@example.com\tINVALID\n"
                    + "no-at-sign.example.com\tINVALID\n")
        }
    }

    static func answers(_ lines: [Substring]) -> String {
        var output = ""
        for line in lines {
            output += line
            output += "\t"
            switch EmailNormaliser.check(String(line)) {
            case .valid(let normalised): output += normalised
            case .invalid: output += "INVALID"
            }
            output += "\n"
        }
        return output
    }
}
