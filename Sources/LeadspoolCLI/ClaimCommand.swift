import ArgumentParser
import Foundation
import Ingest

/// Claims every ready file and prints its name, leaving it in `work/` (hidden: used by the test
/// that races two processes for the same spool).
struct ClaimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_claim", abstract: "Claim ready files and print their names.", shouldDisplay: false)

    @Option(name: .long) var spool: String

    func run() throws {
        let spool = Spool(root: spool)
        try spool.ensureLayout()
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let scan = spool.scan(nowNanos: Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec), settleSeconds: 0)
        var out = ""
        for file in scan.ready {
            if let claimed = try spool.claim(file) {
                out += claimed.name + "\n"
                claimed.release()
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
