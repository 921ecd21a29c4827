import Crypto
import Foundation
package import Ingest

/// The original of a finished batch in `done/`, found again for `leadspool retry`.
///
/// The archive may carry a number (`leads.1.csv`, when a file of that name was archived before) and a
/// `.gz` that `archive_gzip` added. A name proves nothing: a candidate is the original only when the
/// SHA-256 of its bytes, or of its decompressed bytes (the original was compressed on archiving), is the
/// batch id.
package struct ArchivedOriginal: Sendable {
    package var path: String
    /// How to read it (`BatchFile.reader`): `gzip` is set for a compressed archive.
    package var facts: BatchFacts

    /// The verified original of batch `id` (`fileName` as claimed) in `folder`, or `nil` when none of the
    /// files there that could be it has the batch's content.
    ///
    /// - Throws: only `IngestError.io` when `folder` exists but cannot be listed.
    package static func find(batchID id: String, fileName: String, folder: String) throws(IngestError) -> Self? {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            if !FileManager.default.fileExists(atPath: folder) { return nil }
            throw IngestError(.io, "cannot list \(folder)")
        }
        for name in candidates(of: fileName, in: names) {
            let path = folder + "/" + name
            // A file that is unreadable now (truncated, not gzip any more) is simply not the original.
            guard let facts = try? BatchFile.inspect(path: path) else { continue }
            if facts.sha256 == id { return ArchivedOriginal(path: path, facts: facts) }
            if facts.gzip, (try? contentDigest(path: path)) == id { return ArchivedOriginal(path: path, facts: facts) }
        }
        return nil
    }

    /// Names in `names` that archiving `fileName` may have produced, the likeliest first: the name itself,
    /// then with `.gz`, then numbered (`stem.N.ext`, `stem.N.ext.gz`) by number.
    static func candidates(of fileName: String, in names: [String]) -> [String] {
        var stem = Substring(fileName)
        var suffix = ""
        for ext in [".gz", ".csv", ".jsonl", ".ndjson"] where stem.lowercased().hasSuffix(ext) {
            suffix = String(stem.suffix(ext.count)) + suffix
            stem = stem.dropLast(ext.count)
        }
        /// 0 for the name itself, N for `stem.N.ext`, `nil` for another file.
        func number(_ base: Substring) -> Int? {
            if base == fileName { return 0 }
            guard base.hasPrefix(stem + "."), base.hasSuffix(suffix), base.count > stem.count + 1 + suffix.count
            else { return nil }
            let middle = base.dropFirst(stem.count + 1).dropLast(suffix.count)
            guard middle.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return Int(middle)
        }
        var ranked: [(rank: Int, name: String)] = []
        for name in names {
            if let n = number(Substring(name)) {
                ranked.append((n * 2, name))
            } else if name.hasSuffix(".gz"), let n = number(name.dropLast(3)) {
                ranked.append((n * 2 + 1, name))
            }
        }
        return ranked.sorted { ($0.rank, $0.name) < ($1.rank, $1.name) }.map(\.name)
    }

    /// SHA-256 (lowercase hex) of the decompressed content of the gzip file at `path`.
    static func contentDigest(path: String) throws(IngestError) -> String {
        let source = try GzipByteSource(wrapping: FileByteSource(path: path))
        var hasher = SHA256()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = try source.read(into: chunk)
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
