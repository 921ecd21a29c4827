import Foundation

/// Where the built `leadspool` executable is: `LEADSPOOL_BIN` if set, otherwise beside the test
/// bundle (`swift build --build-tests` puts both in the same build directory).
func leadspoolExecutable() throws -> URL {
    if let override = ProcessInfo.processInfo.environment["LEADSPOOL_BIN"], !override.isEmpty {
        return URL(fileURLWithPath: override)
    }
    var directories: [URL] = []
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        directories.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
    }
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        directories.append(bundle.bundleURL.deletingLastPathComponent())
    }
    for directory in directories {
        let candidate = directory.appendingPathComponent("leadspool")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw BinaryNotFound(searched: directories.map(\.path))
}

struct BinaryNotFound: Error, CustomStringConvertible {
    var searched: [String]
    var description: String {
        "leadspool executable not found beside the tests (searched \(searched)); run `swift build --build-tests`"
    }
}

/// Runs the built `leadspool` with `args` and waits for it. Output goes through temporary files, so a
/// large output cannot fill a pipe and stall the child.
///
/// - Parameters:
///   - environment: the child's environment; `nil` inherits the test process's.
///   - stdin: bytes for standard input; `nil` gives it /dev/null.
///   - directory: the working directory; `nil` keeps the test process's.
func runLeadspool(
    _ args: [String], environment: [String: String]? = nil, stdin: Data? = nil, directory: URL? = nil
) throws -> (status: Int32, stdout: Data, stderr: String) {
    let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("leadspool-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)
    defer {
        try? outHandle.close()
        try? errHandle.close()
    }

    let process = Process()
    process.executableURL = try leadspoolExecutable()
    process.arguments = args
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = outHandle
    process.standardError = errHandle
    var inHandle: FileHandle?
    if let stdin {
        let inURL = scratch.appendingPathComponent("stdin")
        try stdin.write(to: inURL)
        inHandle = try FileHandle(forReadingFrom: inURL)
        process.standardInput = inHandle
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    defer { try? inHandle?.close() }
    try process.run()
    process.waitUntilExit()
    let out = try Data(contentsOf: outURL)
    let err = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    return (process.terminationStatus, out, err)
}

/// Runs any executable (e.g. `/bin/gzip`) the same way, for checks that need a second tool.
func runTool(_ path: String, _ args: [String], stdin: Data) throws -> (status: Int32, stdout: Data) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let inURL = scratch.appendingPathComponent("stdin")
    let outURL = scratch.appendingPathComponent("stdout")
    try stdin.write(to: inURL)
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    let inHandle = try FileHandle(forReadingFrom: inURL)
    let outHandle = try FileHandle(forWritingTo: outURL)
    defer {
        try? inHandle.close()
        try? outHandle.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = args
    process.standardInput = inHandle
    process.standardOutput = outHandle
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, try Data(contentsOf: outURL))
}
