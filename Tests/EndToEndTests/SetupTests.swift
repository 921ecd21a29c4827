import Foundation
import Testing

/// `leadspool init` and the shell completions.
@Suite struct SetupTests {
    /// The configuration loader's keys that `init` leaves out (test-only).
    static let testOnlyKeys: Set<String> = []

    @Test func initWritesEveryKeyOfTheLoaderInAFileThatLoads() throws {
        let dir = try TemporaryDirectory("leadspool-init")
        let root = dir.path("srv")
        let result = try runLeadspool(["init", root])
        #expect(result.status == 0, "\(result.stderr)")
        let out = String(decoding: result.stdout, as: UTF8.self)
        let binary = try #require(out.split(separator: "\n").first { $0.hasPrefix("* * * * * cd \(root) && /") })
        #expect(binary.hasSuffix(" run --quiet --log-format json >>run.log 2>&1"))
        #expect(out.contains("WorkingDirectory=\(root)\n"))
        #expect(out.contains(" watch --config \(root)/leadspool.toml --log-format json --metrics-port 9464\n"))

        for folder in ["spool", "spool/incoming", "spool/work", "spool/done", "spool/failed", "spool/reports"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + folder)
            #expect(attributes[.type] as? FileAttributeType == .typeDirectory, "\(folder)")
            #expect((attributes[.posixPermissions] as? Int) == 0o750, "\(folder)")
        }

        // Every key the loader accepts is in the file, and nothing else.
        let text = try String(contentsOfFile: root + "/leadspool.toml", encoding: .utf8)
        let listed = try runLeadspool(["init", "--list-keys"])
        try #require(listed.status == 0)
        let loaderKeys = Set(String(decoding: listed.stdout, as: UTF8.self).split(separator: "\n").map(String.init))
        #expect(loaderKeys.contains("api.endpoint") && loaderKeys.contains("publishers.NAME.token_env"))
        #expect(Self.keys(in: text) == loaderKeys.subtracting(Self.testOnlyKeys))

        // The file loads as written, and with every key set to the value it shows.
        let here = URL(fileURLWithPath: root)
        let asWritten = try runLeadspool(["status", "--config", root + "/leadspool.toml"], directory: here)
        #expect(asWritten.status == 0, "\(asWritten.stderr)")
        let uncommented = Self.uncomment(text)
        try uncommented.write(toFile: root + "/all.toml", atomically: true, encoding: .utf8)
        let everyKey = try runLeadspool(["status", "--config", root + "/all.toml"], directory: here)
        #expect(everyKey.status == 0, "\(everyKey.stderr)")
        // status does check the file: an unknown key stops it.
        try (uncommented + "\n[watch.extra]\nbogus = 1\n").write(
            toFile: root + "/bad.toml", atomically: true, encoding: .utf8)
        let bad = try runLeadspool(["status", "--config", root + "/bad.toml"], directory: here)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("unknown key"))
    }

    @Test func initRefusesToReplaceAFileWithoutForce() throws {
        let dir = try TemporaryDirectory("leadspool-init")
        // The current directory by default.
        let first = try runLeadspool(["init"], directory: dir.url)
        #expect(first.status == 0, "\(first.stderr)")
        let config = dir.path("leadspool.toml")
        let written = try String(contentsOfFile: config, encoding: .utf8)
        try "spool = \"/elsewhere\"\n".write(toFile: config, atomically: true, encoding: .utf8)

        let again = try runLeadspool(["init", dir.url.path])
        #expect(again.status == 64)
        #expect(again.stderr.contains("--force"))
        #expect(try String(contentsOfFile: config, encoding: .utf8) == "spool = \"/elsewhere\"\n")

        let forced = try runLeadspool(["init", "--force", dir.url.path])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == written)
        #expect(forced.stdout.count > 0)
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsNameTheCommands(shell: String) throws {
        let result = try runLeadspool(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result.stderr)")
        let script = String(decoding: result.stdout, as: UTF8.self)
        for word in ["run", "watch", "init", "backup", "status", "metrics-port"] {
            let named = script.contains(word)
            #expect(named, "\(shell): \(word)")
        }
    }

    /// The dotted key paths of a file `init` wrote: the commented-out `# key = value` lines under their
    /// table (`[t]` or `# [t]`), with the example publisher's name as `NAME` and a quoted header as `HEADER`.
    static func keys(in text: String) -> Set<String> {
        var table = ""
        var keys = Set<String>()
        for line in text.split(separator: "\n") {
            var body = Substring(line)
            if body.hasPrefix("# ") { body = body.dropFirst(2) }
            if body.hasPrefix("["), body.hasSuffix("]") {
                var parts = body.dropFirst().dropLast().split(separator: ".").map(String.init)
                if parts.first == "publishers", parts.count > 1 { parts[1] = "NAME" }
                table = parts.joined(separator: ".")
                continue
            }
            guard line.hasPrefix("# "), let equals = body.range(of: " = ") else { continue }
            var key = String(body[..<equals.lowerBound])
            if key.count > 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = "HEADER" }
            guard !key.isEmpty, key.allSatisfy(Self.isKeyCharacter) || key == "HEADER" else { continue }
            keys.insert(table.isEmpty ? key : table + "." + key)
        }
        return keys
    }

    static func isKeyCharacter(_ c: Character) -> Bool { c.isLowercase || c == "_" }

    /// The file with every commented-out key and table header made live.
    static func uncomment(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let body = line.dropFirst(2)
            guard line.hasPrefix("# ") else { return String(line) }
            if body.hasPrefix("["), body.hasSuffix("]") { return String(body) }
            if let equals = body.range(of: " = ") {
                let key = body[..<equals.lowerBound]
                if key.allSatisfy(Self.isKeyCharacter) || (key.hasPrefix("\"") && key.hasSuffix("\"")) {
                    return String(body)
                }
            }
            return String(line)
        }.joined(separator: "\n")
    }
}
