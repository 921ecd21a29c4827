import Crypto

/// The kind of a batch file, from its name.
package enum BatchFormat: String, Sendable {
    case csv
    case jsonl
}

/// What the first pass over a claimed file learnt, before any record is processed.
package struct BatchFacts: Sendable {
    /// SHA-256 of the file's bytes as stored (compressed bytes for a gzip file), lowercase hex.
    package var sha256: String
    package var format: BatchFormat
    package var gzip: Bool
    /// Size of the file as stored.
    package var storedBytes: Int
    /// Size of the content after decompression.
    package var contentBytes: Int
    /// What the whole content says about its encoding (``TextFacts/decision(_:)`` picks it).
    package var text = TextFacts()

    /// `<yyyyMMdd'T'HHmmss'Z'>-<first 12 hex of the SHA-256>` for a claim at `claimedAt`.
    package func batchName(claimedAt unixSeconds: Int64) -> String {
        UTCTime.compact(unixSeconds) + "-" + sha256.prefix(12)
    }
}

/// Opening batch files: format detection, the verifying first pass, and readers.
package enum BatchFile {
    /// The format a file name announces (`.csv`, `.jsonl`, `.ndjson`, each optionally `.gz`),
    /// and whether it says gzip; `nil` for any other name.
    package static func format(ofName name: String) -> (format: BatchFormat, gzip: Bool)? {
        var lower = name.lowercased()
        var gzip = false
        if lower.hasSuffix(".gz") {
            gzip = true
            lower.removeLast(3)
        }
        if lower.hasSuffix(".csv") { return (.csv, gzip) }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return (.jsonl, gzip) }
        return nil
    }

    /// Reads the whole file once: hashes it, and for gzip verifies the entire compressed stream,
    /// so a truncated or corrupt file is quarantined before any of its leads is submitted.
    /// Throws `unreadableFile` for an empty file, an unsupported name, or a broken gzip stream.
    package static func inspect(path: String, chunkSize: Int = 1 << 18) throws(IngestError) -> BatchFacts {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let (format, namedGzip) = format(ofName: name) else {
            throw .unreadable("unsupported file type: expected .csv, .jsonl or .ndjson, optionally .gz")
        }
        let file = try FileByteSource(path: path)
        let hashing = HashingByteSource(file)
        var head = [UInt8](repeating: 0, count: 2)
        var gzip = namedGzip
        var contentBytes = 0
        var scanner = TextFactsScanner()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }

        // Look at the first bytes: gzip magic wins over the name (a `.csv` that is really gzip).
        let first = try hashing.read(into: chunk)
        if first == 0 { throw .unreadable("the file is empty") }
        head[0] = chunk[0]
        head[1] = first > 1 ? chunk[1] : 0
        gzip = GzipByteSource.hasMagic(head)
        if namedGzip && !gzip { throw .unreadable("the name says gzip but the content is not gzip") }
        hashing.replay(UnsafeRawBufferPointer(rebasing: chunk[0..<first]))
        if gzip {
            let inflater = try GzipByteSource(wrapping: hashing)
            while true {
                let n = try inflater.read(into: chunk)
                if n == 0 { break }
                scanner.feed(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
                contentBytes += n
            }
        } else {
            while true {
                let n = try hashing.read(into: chunk)
                if n == 0 { break }
                scanner.feed(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
                contentBytes += n
            }
        }
        if contentBytes == 0 { throw .unreadable("the file is empty") }
        return BatchFacts(
            sha256: hashing.hexDigest(), format: format, gzip: gzip, storedBytes: hashing.total,
            contentBytes: contentBytes, text: scanner.facts())
    }

    /// The format and compression of a file from its name and first two bytes, without the full pass of
    /// ``inspect(path:chunkSize:)`` (which still decides whether the file is usable): enough to open a
    /// reader while the first pass runs beside it.
    package static func sniff(path: String) throws(IngestError) -> (format: BatchFormat, gzip: Bool) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let (format, _) = format(ofName: name) else {
            throw .unreadable("unsupported file type: expected .csv, .jsonl or .ndjson, optionally .gz")
        }
        let file = try FileByteSource(path: path)
        let head = UnsafeMutableRawBufferPointer.allocate(byteCount: 2, alignment: 1)
        defer { head.deallocate() }
        var count = 0
        while count < 2 {
            let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: head[count...]))
            if n == 0 { break }
            count += n
        }
        return (format, count == 2 && GzipByteSource.hasMagic(head))
    }

    /// A reader over the file's records (decompressing when `facts.gzip`), in the encoding
    /// `configuration.encoding` decides for the file.
    package static func reader(
        path: String, facts: BatchFacts, configuration: ReaderConfiguration
    ) throws(IngestError) -> any RecordReader {
        try reader(
            path: path, format: facts.format, gzip: facts.gzip,
            encoding: facts.text.decision(configuration.encoding).encoding, configuration: configuration)
    }

    /// A reader over the file's records (decompressing when `gzip`), decoding `encoding` to UTF-8.
    package static func reader(
        path: String, format: BatchFormat, gzip: Bool, encoding: TextEncoding = .utf8,
        configuration: ReaderConfiguration
    ) throws(IngestError) -> any RecordReader {
        let file = try FileByteSource(path: path)
        if gzip {
            let inflater = try GzipByteSource(wrapping: file)
            return try makeReader(format, inflater, encoding: encoding, configuration)
        }
        return try makeReader(format, file, encoding: encoding, configuration)
    }

    /// The text facts of the first `limit` bytes of content (decompressed when `gzip`): enough to start
    /// reading before the first pass has looked at the whole file. A sequence cut off at the limit is not
    /// taken as invalid.
    package static func sniffText(path: String, gzip: Bool, limit: Int = 1 << 16) throws(IngestError) -> TextFacts {
        var scanner = TextFactsScanner()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: limit, alignment: 16)
        defer { chunk.deallocate() }
        func fill(_ source: inout some ByteSource) throws(IngestError) -> Int {
            var count = 0
            while count < limit {
                let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[count...]))
                if n == 0 { return count }
                count += n
            }
            return count
        }
        var file = try FileByteSource(path: path)
        let count: Int
        if gzip {
            var inflater = try GzipByteSource(wrapping: file)
            count = try fill(&inflater)
        } else {
            count = try fill(&file)
        }
        scanner.feed(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        return scanner.facts(complete: count < limit)
    }

    /// A reader over `source`, decoding `encoding` to UTF-8 below it.
    package static func makeReader(
        _ format: BatchFormat, _ source: some ByteSource, encoding: TextEncoding,
        _ configuration: ReaderConfiguration
    ) throws(IngestError) -> any RecordReader {
        switch encoding {
        case .utf8:
            return try makeReader(format, source, configuration)
        case .windows1252, .latin1:
            return try makeReader(
                format, SingleByteDecodingSource(source, encoding: encoding, chunkSize: configuration.chunkSize),
                configuration)
        case .utf16LE, .utf16BE, .utf32LE, .utf32BE:
            return try makeReader(
                format, WideDecodingSource(source, encoding: encoding, chunkSize: configuration.chunkSize),
                configuration)
        }
    }

    package static func makeReader(
        _ format: BatchFormat, _ source: some ByteSource, _ configuration: ReaderConfiguration
    ) throws(IngestError) -> any RecordReader {
        switch format {
        case .csv: return try CSVReader(source: source, configuration: configuration)
        case .jsonl: return try JSONLReader(source: source, configuration: configuration)
        }
    }
}

/// Passes bytes through while hashing them with SHA-256; can hand back bytes already read once.
final class HashingByteSource: ByteSource {
    private let upstream: FileByteSource
    private var hasher = SHA256()
    private var pending: [UInt8] = []
    private(set) var total = 0

    init(_ upstream: FileByteSource) { self.upstream = upstream }

    /// Makes the next read return these (already hashed) bytes again.
    func replay(_ bytes: UnsafeRawBufferPointer) { pending = Array(bytes) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        if !pending.isEmpty {
            let n = min(pending.count, buffer.count)
            pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            pending.removeFirst(n)
            return n
        }
        let n = try upstream.read(into: buffer)
        if n > 0 {
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += n
        }
        return n
    }

    func hexDigest() -> String {
        let digest = hasher.finalize()
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
