/// UTF-16 or UTF-32 bytes from `upstream` (a spreadsheet's "Unicode Text" export), handed on as UTF-8
/// without the byte order mark. A unit that is no character (a lone surrogate, a value past U+10FFFF, an odd
/// byte at the end) is handed on as a byte that is not UTF-8 (0xFF), so the reader makes its record
/// unreadable, as it does with a broken UTF-8 file; nothing is ever replaced with U+FFFD.
package final class WideDecodingSource<Upstream: ByteSource>: ByteSource {
    private var upstream: Upstream
    private let unitSize: Int
    private let bigEndian: Bool
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    /// UTF-8 decoded but not handed out yet.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var upstreamDone = false
    private var atStart = true
    /// A high surrogate waiting for its low half (UTF-16).
    private var high: UInt32?

    package init(_ upstream: Upstream, encoding: TextEncoding, chunkSize: Int = 1 << 16) {
        switch encoding {
        case .utf16LE: (unitSize, bigEndian) = (2, false)
        case .utf16BE: (unitSize, bigEndian) = (2, true)
        case .utf32LE: (unitSize, bigEndian) = (4, false)
        case .utf32BE: (unitSize, bigEndian) = (4, true)
        default: preconditionFailure("not a UTF-16 or UTF-32 encoding: \(encoding)")
        }
        self.upstream = upstream
        self.input = .allocate(byteCount: max(8, chunkSize), alignment: 8)
        pending.reserveCapacity(max(8, chunkSize) * 2)
    }

    deinit { input.deallocate() }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
            if upstreamDone { return 0 }
            try decodeMore()
        }
        let n = min(buffer.count, pending.count - pendingStart)
        pending.withUnsafeBytes { all in
            buffer.baseAddress!.copyMemory(from: all.baseAddress! + pendingStart, byteCount: n)
        }
        pendingStart += n
        return n
    }

    /// Reads a chunk from upstream and decodes its whole units into `pending`.
    private func decodeMore() throws(IngestError) {
        let leftover = inputEnd - inputStart
        if leftover > 0 && inputStart > 0 {
            input.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: leftover)
        }
        inputStart = 0
        inputEnd = leftover
        let n = try upstream.read(into: UnsafeMutableRawBufferPointer(rebasing: input[inputEnd...]))
        inputEnd += n
        if n == 0 {
            upstreamDone = true
            if high != nil { pending.append(0xFF) }
            if inputEnd > inputStart { pending.append(0xFF) }
            high = nil
            inputStart = inputEnd
            return
        }
        let raw = UnsafeRawPointer(input.baseAddress!)
        var i = inputStart
        while i + unitSize <= inputEnd {
            let unit: UInt32
            if unitSize == 2 {
                let a = UInt32(raw.load(fromByteOffset: i, as: UInt8.self))
                let b = UInt32(raw.load(fromByteOffset: i + 1, as: UInt8.self))
                unit = bigEndian ? a << 8 | b : b << 8 | a
            } else {
                var v: UInt32 = 0
                for k in 0..<4 {
                    let byte = UInt32(raw.load(fromByteOffset: i + (bigEndian ? k : 3 - k), as: UInt8.self))
                    v = v << 8 | byte
                }
                unit = v
            }
            i += unitSize
            if atStart {
                atStart = false
                if unit == 0xFEFF { continue }
            }
            take(unit)
        }
        inputStart = i
    }

    @inline(__always)
    private func take(_ unit: UInt32) {
        if unitSize == 2 {
            if let h = high {
                high = nil
                if (0xDC00...0xDFFF).contains(unit) {
                    append(0x10000 + ((h - 0xD800) << 10) + (unit - 0xDC00))
                    return
                }
                pending.append(0xFF)
            }
            if (0xD800...0xDBFF).contains(unit) {
                high = unit
                return
            }
        }
        append(unit)
    }

    @inline(__always)
    private func append(_ value: UInt32) {
        if value < 0x80 {
            pending.append(UInt8(value))
        } else if let scalar = Unicode.Scalar(value) {
            pending.append(contentsOf: UTF8.encode(scalar)!)
        } else {
            pending.append(0xFF)
        }
    }
}
