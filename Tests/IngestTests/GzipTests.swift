import Testing

@testable import Ingest

@Suite struct GzipTests {
    static let text = "phone,zip\n" + (0..<5000).map { "81355\($0),336\($0 % 100)" }.joined(separator: "\n") + "\n"

    func inflate(_ bytes: [UInt8], chunkSize: Int) throws(IngestError) -> [UInt8] {
        let gz = try GzipByteSource(wrapping: MemoryByteSource(bytes, chunkSize: chunkSize))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
            defer { raw.deallocate() }
            let n = try gz.read(into: raw)
            buffer = Array(raw)
            if n == 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    @Test(arguments: [1, 7, 1 << 16])
    func good(chunkSize: Int) throws {
        let compressed = try gzip(Array(Self.text.utf8))
        #expect(try inflate(compressed, chunkSize: chunkSize) == Array(Self.text.utf8))
    }

    @Test(arguments: [7, 1 << 16])
    func multiMember(chunkSize: Int) throws {
        let a = Array("phone,zip\n1,2\n".utf8)
        let b = Array("3,4\n".utf8)
        let compressed = try gzip(a) + gzip(b)
        #expect(try inflate(compressed, chunkSize: chunkSize) == a + b)
        // Zero padding after the last member is tolerated.
        #expect(try inflate(compressed + [0, 0, 0, 0], chunkSize: chunkSize) == a + b)
    }

    @Test(arguments: [7, 1 << 16])
    func truncated(chunkSize: Int) throws {
        let compressed = try gzip(Array(Self.text.utf8))
        do {
            _ = try inflate(Array(compressed.prefix(compressed.count / 2)), chunkSize: chunkSize)
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .unreadableFile)
            #expect(error.message.contains("truncated"))
            #expect(error.byteOffset != nil)
        }
    }

    @Test func corrupt() throws {
        var compressed = try gzip(Array(Self.text.utf8))
        for i in 20..<60 { compressed[i] ^= 0x5A }
        #expect(throws: IngestError.self) { try self.inflate(compressed, chunkSize: 1 << 16) }
    }

    @Test func corruptTrailer() throws {
        var compressed = try gzip(Array(Self.text.utf8))
        compressed[compressed.count - 6] ^= 0xFF  // CRC-32
        do {
            _ = try inflate(compressed, chunkSize: 1 << 16)
            Issue.record("expected a failure")
        } catch {
            #expect(error.message.contains("corrupt"))
        }
    }

    @Test func trailingGarbage() throws {
        let compressed = try gzip(Array("phone\n1\n".utf8)) + Array("garbage".utf8)
        #expect(throws: IngestError.self) { try self.inflate(compressed, chunkSize: 1 << 16) }
    }

    @Test func inspectHashesAndVerifies() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let plain = Array(Self.text.utf8)
        let compressed = try gzip(plain)
        let gzPath = try dir.write("a.csv.gz", compressed)
        let facts = try BatchFile.inspect(path: gzPath)
        #expect(facts.gzip)
        #expect(facts.format == .csv)
        #expect(facts.storedBytes == compressed.count)
        #expect(facts.contentBytes == plain.count)
        #expect(facts.sha256 == sha256Hex(compressed))

        // Magic bytes win over the name.
        let disguised = try dir.write("b.csv", compressed)
        #expect(try BatchFile.inspect(path: disguised).gzip)

        let brokenPath = try dir.write("c.csv.gz", Array(compressed.prefix(compressed.count - 10)))
        #expect(throws: IngestError.self) { try BatchFile.inspect(path: brokenPath) }

        let reader = try BatchFile.reader(path: gzPath, facts: facts, configuration: ReaderConfiguration())
        var count = 0
        var r = reader
        while try r.next() != nil { count += 1 }
        #expect(count == 5000)
    }

    @Test func inspectRefusesEmptyAndUnknownSuffix() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let empty = try dir.write("e.csv", [])
        #expect(throws: IngestError.self) { try BatchFile.inspect(path: empty) }
        let xlsx = try dir.write("f.xlsx", [1, 2, 3])
        #expect(throws: IngestError.self) { try BatchFile.inspect(path: xlsx) }
    }

    @Test func plainFileHash() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let bytes = Array("abc".utf8)
        let path = try dir.write("h.csv", bytes)
        // SHA-256("abc"), FIPS 180-2 test vector.
        #expect(try BatchFile.inspect(path: path).sha256
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(sha256Hex(bytes) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func batchName() {
        let facts = BatchFacts(
            sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", format: .csv, gzip: false,
            storedBytes: 3, contentBytes: 3)
        #expect(facts.batchName(claimedAt: 1_779_874_462) == "20260527T093422Z-ba7816bf8f01")
        #expect(
            facts.batchName(claimedAt: 1_779_874_462, uploadName: "Leads Nov 5.csv.gz")
                == "20260527T093422Z-Leads_Nov_5-ba7816bf8f01")
        #expect(facts.batchName(claimedAt: 1_779_874_462, uploadName: "….csv") == "20260527T093422Z-ba7816bf8f01")
    }
}

func sha256Hex(_ bytes: [UInt8]) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try? process.run()
    input.fileHandleForWriting.write(Data(bytes))
    try? input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data.prefix(64), as: UTF8.self)
}

import Foundation
