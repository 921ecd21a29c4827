import CZlib

/// Compresses into gzip format (RFC 1952) with zlib and passes the result on. zlib writes a zero
/// modification time and no file name, so equal input gives equal bytes.
package final class GzipSink: ByteSink {
    private let downstream: any ByteSink
    private var stream = z_stream()
    private let output: UnsafeMutableRawBufferPointer

    package init(wrapping downstream: any ByteSink, level: Int32 = 6, chunkSize: Int = 256 * 1024) throws(GenError) {
        self.downstream = downstream
        output = .allocate(byteCount: chunkSize, alignment: 16)
        // windowBits 15 + 16 asks zlib for a gzip header and trailer instead of a zlib wrapper.
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            output.deallocate()
            throw GenError("zlib could not start (status \(status))")
        }
    }

    deinit {
        deflateEnd(&stream)
        output.deallocate()
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws(GenError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(bytes.count)
        try pump(flush: Z_NO_FLUSH)
    }

    package func finish() throws(GenError) {
        stream.next_in = nil
        stream.avail_in = 0
        try pump(flush: Z_FINISH)
        try downstream.finish()
    }

    private func pump(flush: Int32) throws(GenError) {
        while true {
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(output.count)
            let status = deflate(&stream, flush)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw GenError("zlib failed to compress (status \(status))")
            }
            let produced = output.count - Int(stream.avail_out)
            if produced > 0 {
                try downstream.write(UnsafeRawBufferPointer(rebasing: output[0..<produced]))
            }
            if flush == Z_FINISH {
                if status == Z_STREAM_END { return }
            } else if stream.avail_in == 0 && stream.avail_out > 0 {
                return
            }
        }
    }
}
