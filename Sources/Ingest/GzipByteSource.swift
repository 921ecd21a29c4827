import CZlib

/// Decompresses a gzip stream (RFC 1952) with zlib as it is read. Several concatenated members
/// (as `cat a.gz b.gz` makes) are one stream; trailing zero padding is allowed. A truncated or
/// corrupt stream throws `unreadableFile` naming the compressed byte offset.
package final class GzipByteSource: ByteSource {
    private var upstream: any ByteSource
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var upstreamDone = false
    private var memberEnded = false
    private var finished = false
    /// Compressed bytes consumed so far.
    package private(set) var compressedOffset = 0

    package init(wrapping upstream: some ByteSource, bufferSize: Int = 1 << 17) throws(IngestError) {
        self.upstream = upstream
        self.input = .allocate(byteCount: bufferSize, alignment: 16)
        let status = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            throw IngestError(.io, "zlib could not start (status \(status))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// True when the bytes start with the gzip magic number.
    package static func hasMagic(_ bytes: some Collection<UInt8>) -> Bool {
        var it = bytes.makeIterator()
        return it.next() == 0x1f && it.next() == 0x8b
    }

    private func refill() throws(IngestError) {
        if inputStart < inputEnd || upstreamDone { return }
        let n = try upstream.read(into: input)
        inputStart = 0
        inputEnd = n
        if n == 0 { upstreamDone = true }
    }

    /// After a member's end: decides whether another member follows, only padding, or garbage.
    private func startNextMemberIfAny() throws(IngestError) {
        while true {
            try refill()
            if inputStart == inputEnd { finished = true; return }
            let first = input[inputStart]
            if first == 0 {
                // Zero padding after the last member (tape archives and some tools write it).
                while inputStart < inputEnd, input[inputStart] == 0 {
                    inputStart += 1
                    compressedOffset += 1
                }
                continue
            }
            guard first == 0x1f else {
                throw .unreadable("trailing data after the end of the gzip stream", byteOffset: compressedOffset)
            }
            inflateReset(&stream)
            memberEnded = false
            return
        }
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while !finished {
            if memberEnded {
                try startNextMemberIfAny()
                continue
            }
            try refill()
            if inputStart == inputEnd {
                throw .unreadable("truncated gzip stream: the file ends inside compressed data",
                    byteOffset: compressedOffset)
            }
            let available = inputEnd - inputStart
            stream.next_in = input.baseAddress!.advanced(by: inputStart).assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(available)
            stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(buffer.count)
            let status = inflate(&stream, Z_NO_FLUSH)
            let consumed = available - Int(stream.avail_in)
            inputStart += consumed
            compressedOffset += consumed
            let produced = buffer.count - Int(stream.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                memberEnded = true
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw .unreadable("corrupt gzip stream: \(reason)", byteOffset: compressedOffset)
            }
            if produced > 0 { return produced }
            if status == Z_BUF_ERROR && consumed == 0 && upstreamDone {
                throw .unreadable("truncated gzip stream: the file ends inside compressed data",
                    byteOffset: compressedOffset)
            }
        }
        return 0
    }
}
