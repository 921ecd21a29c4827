import Foundation
import Testing

/// Two processes claim from one spool at once: every file is claimed exactly once.
@Suite struct SpoolRaceTests {
    @Test func twoProcessesClaimEachFileOnce() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("leadspool-race-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/incoming", withIntermediateDirectories: true)
        for i in 0..<100 {
            try Data("phone\n\(i)\n".utf8).write(to: URL(fileURLWithPath: root + "/incoming/f\(i).csv"))
        }
        let binary = LeadspoolBinary.url
        let processes = (0..<2).map { _ -> (Process, Pipe) in
            let p = Process()
            p.executableURL = binary
            p.arguments = ["_claim", "--spool", root]
            let out = Pipe()
            p.standardOutput = out
            return (p, out)
        }
        for (p, _) in processes { try p.run() }
        var claimed: [[String]] = []
        for (p, out) in processes {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            claimed.append(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
        }
        #expect(Set(claimed[0]).isDisjoint(with: Set(claimed[1])))
        #expect(claimed[0].count + claimed[1].count == 100)
        let work = try FileManager.default.contentsOfDirectory(atPath: root + "/work")
        #expect(work.count == 100)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/incoming").isEmpty)
    }
}

/// The built `leadspool` binary (see `leadspoolExecutable()`); a missing binary fails the test
/// that runs it.
enum LeadspoolBinary {
    static var url: URL { (try? leadspoolExecutable()) ?? URL(fileURLWithPath: "/nonexistent/leadspool") }
}
