/// A write position in memory with room for a known number of bytes (what ``OutputBuffer/reserve(_:)``
/// reserved). Every write checks in debug builds that it stays inside that room, so a size estimate
/// that is too small fails a test instead of writing past the buffer; release builds check nothing
/// (the row encoders of the `check pass … writing all reports` bench row write through it).
struct Cursor {
    private(set) var position: UnsafeMutablePointer<UInt8>
    /// One past the last byte this cursor may write.
    let limit: UnsafeMutablePointer<UInt8>

    @inline(__always)
    init(_ start: UnsafeMutablePointer<UInt8>, room: Int) {
        position = start
        limit = start + room
    }

    @inline(__always)
    var room: Int { limit - position }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        assert(room >= 1, "write past the reserved room")
        position.pointee = byte
        position += 1
    }

    @inline(__always)
    mutating func put(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        assert(room >= n, "write past the reserved room")
        position.update(from: text.utf8Start, count: n)
        position += n
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        assert(room >= bytes.count, "write past the reserved room")
        position.update(from: source, count: bytes.count)
        position += bytes.count
    }

    /// Runs an encoder that writes at most `maxCount` bytes at a raw pointer and answers the pointer
    /// past what it wrote; both the room and the encoder's own bound are checked.
    @inline(__always)
    mutating func write(
        atMost maxCount: Int, _ encoder: (UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8>
    ) {
        assert(room >= maxCount, "write past the reserved room")
        let end = encoder(position)
        assert(end >= position && end - position <= maxCount, "encoder wrote more than its bound")
        position = end
    }
}
