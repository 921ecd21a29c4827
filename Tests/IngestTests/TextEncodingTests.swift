import Foundation
import Testing

@testable import Ingest

/// Everything `source` hands out, asked for `readSize` bytes at a time.
func drain(_ source: inout some ByteSource, readSize: Int) throws -> [UInt8] {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 8)
    defer { buffer.deallocate() }
    var out: [UInt8] = []
    while true {
        let n = try source.read(into: buffer)
        if n == 0 { return out }
        out += buffer[0..<n]
    }
}

/// Windows-1252 bytes of `text`, encoded by hand from the code page (every character must be in it).
func windows1252(_ text: String) -> [UInt8] {
    var byScalar: [Unicode.Scalar: UInt8] = [:]
    for byte in 0...255 { byScalar[Windows1252.scalar(UInt8(byte))] = UInt8(byte) }
    return text.unicodeScalars.map { byScalar[$0]! }
}

func utf16(_ text: String, bigEndian: Bool, bom: Bool = true) -> [UInt8] {
    ((bom ? [0xFEFF] : []) + Array(text.utf16)).flatMap { unit -> [UInt8] in
        bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
    }
}

func utf32(_ text: String, bigEndian: Bool) -> [UInt8] {
    ([0xFEFF] + text.unicodeScalars.map(\.value)).flatMap { value -> [UInt8] in
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        return bigEndian ? bytes.reversed() : bytes
    }
}

/// The text facts of `bytes` fed to the scanner `chunk` bytes at a time.
func scan(_ bytes: [UInt8], chunk: Int = 1 << 16) -> TextFacts {
    var scanner = TextFactsScanner()
    var i = 0
    while i < bytes.count {
        let slice = Array(bytes[i..<min(i + chunk, bytes.count)])
        slice.withUnsafeBytes { scanner.feed($0) }
        i += chunk
    }
    return scanner.facts()
}

@Suite struct TextEncodingTests {
    static let name = "José Martínez O’Brien"
    static let chunks = [1, 7, 65536]

    // MARK: Windows-1252 and Latin-1

    @Test(arguments: chunks, chunks)
    func windows1252DecodesToUTF8(upstreamChunk: Int, readSize: Int) throws {
        let text = "first_name,last_name\n\(Self.name),Zoë – “€ 5” Œuvre\n"
        var source = SingleByteDecodingSource(
            MemoryByteSource(windows1252(text), chunkSize: upstreamChunk), encoding: .windows1252, chunkSize: 13)
        #expect(try drain(&source, readSize: readSize) == Array(text.utf8))
    }

    /// The five bytes Windows-1252 leaves undefined read as the C1 controls, as ISO-8859-1 reads them; every
    /// other byte above 0x7F is its Windows-1252 character.
    @Test func everyByteDecodes() throws {
        var source = SingleByteDecodingSource(MemoryByteSource(Array(0...255)), encoding: .windows1252)
        let decoded = String(decoding: try drain(&source, readSize: 1 << 16), as: UTF8.self)
        let scalars = Array(decoded.unicodeScalars)
        #expect(scalars.count == 256)
        #expect(!decoded.unicodeScalars.contains("\u{FFFD}"))
        for byte in [0x81, 0x8D, 0x8F, 0x90, 0x9D] { #expect(scalars[byte].value == UInt32(byte)) }
        #expect(scalars[0x80] == "€")
        #expect(scalars[0x92] == "’")
        #expect(scalars[0xE9] == "é")
    }

    @Test(arguments: chunks)
    func latin1DecodesEveryByteAsItsCodePoint(_ chunk: Int) throws {
        var source = SingleByteDecodingSource(MemoryByteSource(Array(0...255), chunkSize: chunk), encoding: .latin1)
        let decoded = String(decoding: try drain(&source, readSize: chunk), as: UTF8.self)
        #expect(decoded.unicodeScalars.map(\.value) == Array(0...255))
    }

    /// Any byte string read as Windows-1252 and written as UTF-8 gives the same bytes back when encoded in
    /// Windows-1252 again: nothing is lost or replaced.
    @Test func anyBytesRoundTripThroughWindows1252() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let count = Int.random(in: 0...300, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let readSize = [1, 2, 3, 7, 64, 4096].randomElement(using: &generator)!
            var source = SingleByteDecodingSource(
                MemoryByteSource(bytes, chunkSize: Int.random(in: 1...64, using: &generator)), encoding: .windows1252,
                chunkSize: Int.random(in: 1...64, using: &generator))
            let utf8 = try drain(&source, readSize: readSize)
            let text = try #require(String(validating: utf8, as: UTF8.self))
            #expect(windows1252(text) == bytes)
        }
    }

    // MARK: UTF-16 and UTF-32

    @Test(arguments: chunks, [false, true])
    func utf16DecodesToUTF8WithoutItsMark(_ chunk: Int, bigEndian: Bool) throws {
        let text = "first_name\tlast_name\r\n\(Self.name)\t😀 Zoë\r\n"
        var source = WideDecodingSource(
            MemoryByteSource(utf16(text, bigEndian: bigEndian), chunkSize: chunk),
            encoding: bigEndian ? .utf16BE : .utf16LE, chunkSize: 7)
        #expect(try drain(&source, readSize: chunk) == Array(text.utf8))
    }

    @Test(arguments: chunks, [false, true])
    func utf32DecodesToUTF8WithoutItsMark(_ chunk: Int, bigEndian: Bool) throws {
        let text = "first_name\n\(Self.name) 😀\n"
        var source = WideDecodingSource(
            MemoryByteSource(utf32(text, bigEndian: bigEndian), chunkSize: chunk),
            encoding: bigEndian ? .utf32BE : .utf32LE, chunkSize: 9)
        #expect(try drain(&source, readSize: chunk) == Array(text.utf8))
    }

    /// A lone surrogate or an odd last byte is handed on as a byte that is not UTF-8 (never U+FFFD), so the
    /// reader names the record unreadable.
    @Test func brokenUTF16IsNotReplaced() throws {
        let bytes = utf16("a", bigEndian: false) + [0x00, 0xD8, 0x62, 0x00] + [0x63]
        var source = WideDecodingSource(MemoryByteSource(bytes), encoding: .utf16LE)
        #expect(try drain(&source, readSize: 64) == [0x61, 0xFF, 0x62, 0xFF])
    }

    // MARK: Detection

    @Test(arguments: chunks)
    func detection(_ chunk: Int) {
        let plain = Array("first_name\n\(Self.name)\n".utf8)
        #expect(scan(plain, chunk: chunk).decision(.auto).encoding == .utf8)
        #expect(scan([0xEF, 0xBB, 0xBF] + plain, chunk: chunk).decision(.auto) == EncodingDecision(.utf8, "byte order mark"))

        let legacy = windows1252("first_name\n\(Self.name)\n")
        let facts = scan(legacy, chunk: chunk)
        #expect(facts.firstInvalidUTF8 == 14)
        #expect(facts.decision(.auto) == EncodingDecision(.windows1252, "not valid UTF-8 at byte 14"))
        #expect("\(facts.decision(.auto))" == "windows-1252 (not valid UTF-8 at byte 14)")

        #expect(scan(utf16("a,b\n", bigEndian: false), chunk: chunk).decision(.auto).encoding == .utf16LE)
        #expect(scan(utf16("a,b\n", bigEndian: true), chunk: chunk).decision(.auto).encoding == .utf16BE)
        #expect(scan(utf32("a,b\n", bigEndian: false), chunk: chunk).decision(.auto).encoding == .utf32LE)
        #expect(scan(utf32("a,b\n", bigEndian: true), chunk: chunk).decision(.auto).encoding == .utf32BE)

        // Invalid UTF-8 with a NUL is no single-byte text: read as UTF-8, its broken rows named.
        #expect(scan(legacy + [0], chunk: chunk).decision(.auto).encoding == .utf8)
        // A sequence cut off at the very end, overlong forms and surrogates are invalid.
        #expect(scan(plain + [0xC3], chunk: chunk).firstInvalidUTF8 == plain.count)
        #expect(scan([0x61, 0xC0, 0x80], chunk: chunk).firstInvalidUTF8 == 1)
        #expect(scan([0x61, 0xED, 0xA0, 0x80], chunk: chunk).firstInvalidUTF8 == 1)
        #expect(scan([0x61, 0xE2, 0x82, 0x61], chunk: chunk).firstInvalidUTF8 == 1)
        #expect(scan(Array("€😀 ok".utf8), chunk: chunk).firstInvalidUTF8 == nil)
    }

    @Test func forcedEncodings() {
        let legacy = scan(windows1252("a\n\(Self.name)\n"))
        #expect(legacy.decision(.forced(.utf8)).encoding == .utf8)
        #expect(legacy.decision(.forced(.latin1)).encoding == .latin1)
        #expect(scan(Array("a\nb\n".utf8)).decision(.forced(.windows1252)).encoding == .windows1252)
        // A byte order mark cannot be mistaken: it decides whatever the setting.
        #expect(scan(utf16("a\n", bigEndian: false)).decision(.forced(.windows1252)).encoding == .utf16LE)
        #expect(EncodingSetting(name: "windows-1252") == .forced(.windows1252))
        #expect(EncodingSetting(name: "latin-1") == .forced(.latin1))
        #expect(EncodingSetting(name: "auto") == .auto)
        #expect(EncodingSetting(name: "ebcdic") == nil)
    }

    // MARK: Through the first pass and the readers

    /// The first pass looks at the whole file: an accent far past the first chunk still makes it Windows-1252,
    /// and the reader then gives every name intact.
    @Test(arguments: [false, true])
    func inspectDecidesOnTheWholeFile(gzipped: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var text = "first_name;last_name;phone\r\n"
        for i in 0..<5000 { text += "Ann;Lee;81355\(String(format: "%05d", i))\r\n" }
        text += "José;Martínez O’Brien;8135550100\r\n"
        let bytes = windows1252(text)
        let path = try dir.write(gzipped ? "legacy.csv.gz" : "legacy.csv", gzipped ? try gzip(bytes) : bytes)
        let facts = try BatchFile.inspect(path: path, chunkSize: 4096)
        #expect(facts.text.decision(.auto) == EncodingDecision(.windows1252, "not valid UTF-8 at byte \(bytes.count - 31)"))
        var reader = try BatchFile.reader(path: path, facts: facts, configuration: ReaderConfiguration())
        var last: RawRecord?
        while let record = try reader.next() {
            #expect(record.unreadable == nil)
            last = record
        }
        #expect(last?.values.map(\.text) == ["José", "Martínez O’Brien", "8135550100"])
    }

    /// Forced UTF-8: a byte that is not UTF-8 makes its row unreadable, naming the byte, as before.
    @Test func forcedUTF8NamesTheByte() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let bytes = windows1252("first_name,phone\nAnn,8135550100\nJosé,8135550101\n")
        let path = try dir.write("legacy.csv", bytes)
        let facts = try BatchFile.inspect(path: path)
        var configuration = ReaderConfiguration()
        configuration.encoding = .forced(.utf8)
        var reader = try BatchFile.reader(path: path, facts: facts, configuration: configuration)
        let first = try #require(try reader.next())
        #expect(first.unreadable == nil)
        let second = try #require(try reader.next())
        #expect(second.unreadable == "invalid UTF-8 at byte 35")
        // Shown for rejects.csv as its Windows-1252 characters, never U+FFFD.
        #expect(second.values.map { $0.text } == ["José", "8135550101"])
    }

    /// A UTF-16 "Unicode Text" export is converted, not refused.
    @Test(arguments: [false, true])
    func utf16FileIsRead(bigEndian: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try dir.write("unicode.csv", utf16("first_name\tphone\r\n\(Self.name)\t8135550100\r\n", bigEndian: bigEndian))
        let facts = try BatchFile.inspect(path: path)
        var reader = try BatchFile.reader(path: path, facts: facts, configuration: ReaderConfiguration())
        #expect(try reader.next()?.values.map(\.text) == [Self.name, "8135550100"])
        #expect(try reader.next()?.row == nil)
    }

    @Test func shownTextNeverHoldsReplacementCharacters() {
        #expect(String(showing: [0x42, 0xFF, 0x62]) == "Bÿb")
        #expect(String(showing: [0x43, 0x00, 0x64]) == "C\u{2400}d")
        #expect(String(showing: Array("é".utf8) + [0xE9]) == "éé")
    }
}
