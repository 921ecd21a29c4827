/// A text value of the current row, copied into a ``TextArena``.
struct StagedText {
    var offset: Int
    var count: Int
    /// No byte that CSV quoting or JSON escaping would touch: both encoders may copy it as is.
    var clean: Bool

    /// No value (a column the row has nothing for).
    static let empty = StagedText(offset: 0, count: 0, clean: true)
}

/// Reusable scratch memory for the text values of one row. Each value is copied out of its `String`
/// once and scanned once, then both the CSV and the JSONL encoder write it with plain copies; this
/// halves the cost of reaching into the strings, which dominates short values.
struct TextArena {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes staged since the last ``reset()``.
    private(set) var used = 0

    /// Readable, initialised bytes kept past the staged ones for ``ByteScan``'s word reads.
    private static let slack = 8

    init(capacity: Int = 16 * 1024) {
        self.capacity = capacity
        base = .allocate(capacity: capacity + Self.slack)
        base.initialize(repeating: 0, count: capacity + Self.slack)
    }

    func deallocate() {
        base.deallocate()
    }

    @inline(__always)
    mutating func reset() {
        used = 0
    }

    @inline(__always)
    mutating func stage(_ text: String) -> StagedText {
        let count = text.utf8.count
        if count == 0 { return StagedText(offset: used, count: 0, clean: true) }
        if capacity - used < count { grow(to: used + count) }
        let start = base + used
        withUTF8(text) { bytes in
            if let source = bytes.baseAddress { start.update(from: source, count: bytes.count) }
        }
        let staged = StagedText(
            offset: used, count: count, clean: !ByteScan.hasCSVOrJSONSpecial(padded: start, count: count))
        used += count
        return staged
    }

    /// Stages one of our ASCII words (an outcome; always clean).
    @inline(__always)
    mutating func stage(word: StaticString) -> StagedText {
        let count = word.utf8CodeUnitCount
        if capacity - used < count { grow(to: used + count) }
        (base + used).update(from: word.utf8Start, count: count)
        defer { used += count }
        return StagedText(offset: used, count: count, clean: true)
    }

    /// Stages the decimal text of `value` (always clean).
    @inline(__always)
    mutating func stage(_ value: Int) -> StagedText {
        if capacity - used < NumberText.maxIntCount { grow(to: used + NumberText.maxIntCount) }
        let start = base + used
        let count = NumberText.write(value, at: start) - start
        defer { used += count }
        return StagedText(offset: used, count: count, clean: true)
    }

    /// Stages cents as `d.dd` (always clean).
    @inline(__always)
    mutating func stage(cents: Int) -> StagedText {
        if capacity - used < NumberText.maxIntCount + 4 { grow(to: used + NumberText.maxIntCount + 4) }
        let start = base + used
        let count = NumberText.writeCents(cents, at: start) - start
        defer { used += count }
        return StagedText(offset: used, count: count, clean: true)
    }

    @inline(__always)
    func bytes(_ text: StagedText) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + text.offset, count: text.count)
    }

    private mutating func grow(to needed: Int) {
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: needed * 2 + Self.slack)
        grown.initialize(repeating: 0, count: needed * 2 + Self.slack)
        grown.update(from: base, count: used)
        base.deallocate()
        base = grown
        capacity = needed * 2
    }
}
