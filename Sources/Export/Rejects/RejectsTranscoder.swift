import Ingest

/// Writes a finished `rejects.csv` (UTF-8 after a BOM, as ``RejectsSpool`` makes it) again in the encoding
/// of the batch's file, for `reports.rejects_encoding = "same"`: a publisher whose tool saves and reads
/// Windows-1252 or UTF-16 gets the file back the way the tool expects it. UTF-16 and UTF-32 start with
/// their BOM; a single-byte encoding has none. A character the target encoding lacks (only possible in
/// leadspool's own reason texts, since the cells came from a file in that encoding) becomes `?`.
/// Streams in chunks, so memory does not grow with the file.
enum RejectsTranscoder {
    static func transcode(from sourcePath: String, to target: Int32, targetPath: String, encoding: TextEncoding)
        throws
    {
        let fd = POSIX.openForReading(sourcePath)
        guard fd >= 0 else { throw ExportError(.readFailed, path: sourcePath, systemError: POSIX.lastError) }
        defer { POSIX.closeQuietly(fd) }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 18)
        switch encoding {
        case .utf16LE: out += [0xFF, 0xFE]
        case .utf16BE: out += [0xFE, 0xFF]
        case .utf32LE: out += [0xFF, 0xFE, 0x00, 0x00]
        case .utf32BE: out += [0x00, 0x00, 0xFE, 0xFF]
        case .utf8, .windows1252, .latin1: break
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var pending: [UInt8] = []
        var first = true
        func flush() throws {
            let error: Int32? = out.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
                return POSIX.writeAll(target, base, bytes.count)
            }
            if let error { throw ExportError(.writeFailed, path: targetPath, systemError: error) }
            out.removeAll(keepingCapacity: true)
        }
        while true {
            let got = chunk.withUnsafeMutableBytes { POSIX.readSome(fd, $0.baseAddress!, $0.count) }
            if got < 0 { throw ExportError(.readFailed, path: sourcePath, systemError: POSIX.lastError) }
            if got == 0 { break }
            pending += chunk[..<got]
            // Decode whole characters only; a character cut by the chunk waits for the next one.
            var end = pending.count
            var back = 0
            while back < 4 && back < end && pending[end - 1 - back] & 0xC0 == 0x80 { back += 1 }
            if back < end {
                let lead = pending[end - 1 - back]
                let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                if length > back + 1 { end -= back + 1 }
            }
            var slice = pending[..<end]
            if first, slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
            first = false
            for scalar in String(decoding: slice, as: UTF8.self).unicodeScalars {
                encode(scalar, encoding, into: &out)
            }
            pending.removeFirst(end)
            if out.count >= 1 << 18 { try flush() }
        }
        if !pending.isEmpty {
            for scalar in String(decoding: pending, as: UTF8.self).unicodeScalars {
                encode(scalar, encoding, into: &out)
            }
        }
        try flush()
    }

    static func encode(_ scalar: Unicode.Scalar, _ encoding: TextEncoding, into out: inout [UInt8]) {
        let value = scalar.value
        switch encoding {
        case .utf8:
            out += Array(String(scalar).utf8)
        case .utf16LE, .utf16BE:
            for unit in UTF16.encode(scalar)! {
                let (low, high) = (UInt8(unit & 0xFF), UInt8(unit >> 8))
                out += encoding == .utf16LE ? [low, high] : [high, low]
            }
        case .utf32LE:
            out += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
        case .utf32BE:
            out += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        case .latin1:
            out.append(value <= 0xFF ? UInt8(value) : UInt8(ascii: "?"))
        case .windows1252:
            if value < 0x80 || (0xA0...0xFF).contains(value) {
                out.append(UInt8(value))
            } else {
                out.append(windows1252Byte[value] ?? UInt8(ascii: "?"))
            }
        }
    }

    /// The byte of each character Windows-1252 puts at 0x80...0x9F.
    private static let windows1252Byte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for byte in UInt8(0x80)...UInt8(0x9F) { map[Windows1252.scalar(byte).value] = byte }
        return map
    }()
}
