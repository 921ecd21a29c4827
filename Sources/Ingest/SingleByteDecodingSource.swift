/// Windows-1252 or ISO-8859-1 bytes from `upstream`, handed on as UTF-8, so the readers above see UTF-8
/// whatever the file was saved as. Every byte decodes: nothing is ever replaced.
///
/// Measured by `make bench`'s windows-1252 check row: ASCII runs (most of a lead file) are copied eight
/// bytes at a time; a byte above 0x7F becomes two or three bytes from a table.
package final class SingleByteDecodingSource<Upstream: ByteSource>: ByteSource {
    private var upstream: Upstream
    /// UTF-8 of each byte 0x80...0xFF: up to three bytes, low byte first, and the length in the top byte.
    private let table: UnsafeMutablePointer<UInt32>
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    /// The rest of a character that did not fit in the caller's buffer.
    private var carry: [UInt8] = []
    private var upstreamDone = false

    package init(_ upstream: Upstream, encoding: TextEncoding, chunkSize: Int = 1 << 16) {
        precondition(encoding == .windows1252 || encoding == .latin1)
        self.upstream = upstream
        self.table = .allocate(capacity: 128)
        for byte in 0x80...0xFF {
            let scalar = encoding == .windows1252 ? Windows1252.scalar(UInt8(byte)) : Unicode.Scalar(UInt8(byte))
            var packed: UInt32 = 0
            var length: UInt32 = 0
            for unit in UTF8.encode(scalar)! {
                packed |= UInt32(unit) << (8 * length)
                length += 1
            }
            table[byte - 0x80] = packed | length << 24
        }
        self.input = .allocate(byteCount: max(1, chunkSize), alignment: 8)
    }

    deinit {
        table.deallocate()
        input.deallocate()
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let capacity = buffer.count
        guard capacity > 0 else { return 0 }
        let out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var written = 0
        while !carry.isEmpty && written < capacity {
            out[written] = carry.removeFirst()
            written += 1
        }
        while written < capacity {
            if inputStart == inputEnd {
                if upstreamDone || written > 0 { break }
                let n = try upstream.read(into: input)
                if n == 0 {
                    upstreamDone = true
                    break
                }
                inputStart = 0
                inputEnd = n
            }
            written = transcode(into: out, written: written, capacity: capacity)
        }
        return written
    }

    /// Decodes from `input[inputStart..<inputEnd]` into `out[written..<capacity]`; answers the new `written`.
    @inline(__always)
    private func transcode(into out: UnsafeMutablePointer<UInt8>, written start: Int, capacity: Int) -> Int {
        var written = start
        var i = inputStart
        let end = inputEnd
        let raw = UnsafeRawPointer(input.baseAddress!)
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        let table = self.table
        while i < end && written < capacity {
            // ASCII a word at a time, as far as both buffers allow.
            while i + 8 <= end && written + 8 <= capacity {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                UnsafeMutableRawPointer(out + written).storeBytes(of: word, as: UInt64.self)
                i += 8
                written += 8
            }
            guard i < end && written < capacity else { break }
            let b = bytes[i]
            i += 1
            if b < 0x80 {
                out[written] = b
                written += 1
                continue
            }
            let entry = table[Int(b) - 0x80]
            let length = Int(entry >> 24)
            for k in 0..<length {
                let unit = UInt8(truncatingIfNeeded: entry >> (8 * UInt32(k)))
                if written < capacity {
                    out[written] = unit
                    written += 1
                } else {
                    carry.append(unit)
                }
            }
        }
        inputStart = i
        return written
    }
}

/// The Windows-1252 code page.
package enum Windows1252 {
    /// The character Windows-1252 gives a byte; the five bytes it leaves undefined (0x81, 0x8D, 0x8F,
    /// 0x90, 0x9D) are the C1 controls, as in ISO-8859-1.
    package static func scalar(_ byte: UInt8) -> Unicode.Scalar {
        guard byte >= 0x80 && byte <= 0x9F else { return Unicode.Scalar(byte) }
        return Unicode.Scalar(c1[Int(byte - 0x80)])!
    }

    private static let c1: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}
