/// The growing read buffer both readers keep: unconsumed bytes live in `start..<end`, and `base` is
/// the stream offset of `buffer[0]`.
enum ReadBuffer {
    /// Moves the unconsumed bytes to the front, grows the buffer when full, and reads at least a
    /// chunk, and at least as much as the partial record already buffered, so a long record is
    /// re-scanned a logarithmic number of times however small the source's reads.
    static func fill(
        _ buffer: inout UnsafeMutableBufferPointer<UInt8>, start: inout Int, end: inout Int, base: inout Int,
        eof: inout Bool, source: inout any ByteSource, chunkSize: Int
    ) throws(IngestError) {
        if start > 0 {
            let count = end - start
            if count > 0 {
                UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(
                    from: buffer.baseAddress! + start, byteCount: count)
            }
            base += start
            start = 0
            end = count
        }
        if end == buffer.count {
            let bigger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: buffer.count * 2)
            _ = bigger.initialize(fromContentsOf: buffer)
            buffer.deallocate()
            buffer = bigger
        }
        let want = max(chunkSize, end - start)
        var added = 0
        while added < want && end < buffer.count {
            let room = buffer.count - end
            let n = try source.read(
                into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[end..<(end + room)])))
            if n == 0 {
                eof = true
                break
            }
            end += n
            added += n
        }
    }
}
