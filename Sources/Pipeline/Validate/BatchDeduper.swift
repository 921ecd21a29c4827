/// Finds leads that repeat an earlier lead of the same batch (`DUPLICATE_IN_BATCH`): the same
/// vertical and phone, or the same vertical and email (ASCII case ignored). The keys are the
/// record's normalised `vertical`, `phone` and `email`, which ``Validator`` sets to the lead's.
///
/// Only records holding a lead take part: an invalid record is never a duplicate and does not
/// block a later valid one, and a duplicate does not block later records either (it is not sent),
/// so the row named is always the one that goes to the API.
///
/// Each key gets 96 bits of fingerprint (64 from a per-process seeded `Hasher`, 32 from a separate
/// multiply-xorshift pass) kept with the row, 16 bytes a slot (a false match needs a 96-bit collision:
/// about 1 in 10^16 for a million leads). The slots live in 64 linear-probing shards picked by the top
/// hash bits, each growing by half at a load of 0.8 on its own, so a resize never holds more than one
/// shard twice: 1 M distinct leads (2 M keys) take 40–60 MB (51 MiB measured, 54 MiB peak).
package struct BatchDeduper: Sendable {
    private struct Slot {
        var high: UInt64
        var low: UInt32
        /// 0 = empty (rows are 1-based).
        var row: UInt32
    }

    private static let shardCount = 64
    private static let maxLoad = 0.8
    private var shards: [[Slot]] = Array(repeating: [], count: BatchDeduper.shardCount)
    private var shardCounts = [Int](repeating: 0, count: BatchDeduper.shardCount)
    private var shardCapacities = [Int](repeating: 0, count: BatchDeduper.shardCount)
    private var count = 0

    /// `expectedLeads`, when known, sizes the table once instead of growing it.
    package init(expectedLeads: Int = 0) {
        guard expectedLeads > 0 else { return }
        let perShard = Int(Double(expectedLeads * 2) / Self.maxLoad) / Self.shardCount + 1
        for shard in 0..<Self.shardCount { resize(shard, to: perShard) }
    }

    /// Number of keys held (two per lead).
    package var keyCount: Int { count }
    /// Bytes the table takes.
    package var tableBytes: Int { shards.reduce(0) { $0 + $1.count } * MemoryLayout<Slot>.stride }

    /// When `record` holds a lead that repeats an earlier one, replaces its lead with a
    /// `DUPLICATE_IN_BATCH` problem per matching key (`same phone as row 12`) and answers `true`;
    /// otherwise remembers the lead's keys and answers `false`.
    @discardableResult
    package mutating func check(_ record: inout CheckedRecord) -> Bool {
        // The record's own normalised vertical, phone and email are the lead's; reading them, rather than
        // binding the lead, spares a copy (retain and release) of every string of the lead per row.
        guard case .some = record.lead, let vertical = record.vertical else { return false }
        let phoneKey = Self.key(vertical, kind: 1, record.phone, foldCase: false)
        let emailKey = Self.key(vertical, kind: 2, record.email, foldCase: true)
        reserveOne(Self.shard(phoneKey.high))
        reserveOne(Self.shard(emailKey.high))
        let phone = probe(phoneKey)
        let email = probe(emailKey)
        if phone.row == nil, email.row == nil {
            let row = UInt32(clamping: max(1, record.row))
            store(phoneKey, row: row, at: phone.slot)
            if Self.shard(phoneKey.high) == Self.shard(emailKey.high), email.slot == phone.slot {
                store(emailKey, row: row, at: probe(emailKey).slot)
            } else {
                store(emailKey, row: row, at: email.slot)
            }
            return false
        }
        record.lead = nil
        if let phoneRow = phone.row {
            record.problems.append(
                Problem(.duplicateInBatch, field: "phone", value: record.phone, text: "same phone as row \(phoneRow)")
            )
        }
        if let emailRow = email.row {
            record.problems.append(
                Problem(.duplicateInBatch, field: "email", value: record.email, text: "same email as row \(emailRow)")
            )
        }
        return true
    }

    private struct Key {
        var high: UInt64
        var low: UInt32
    }

    /// `high` from `Hasher` (seeded per process), `low` from a cheap multiply-xorshift pass over the
    /// same bytes: independent enough for a 96-bit fingerprint, and half the cost of a second `Hasher`.
    private static func key(_ vertical: Vertical, kind: UInt8, _ value: String, foldCase: Bool) -> Key {
        UTF8Bytes.with(value) { bytes in
            guard foldCase else { return key(vertical, kind, UnsafeRawBufferPointer(bytes)) }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lowered in
                for i in 0..<bytes.count { lowered[i] = UTF8Bytes.lower(bytes[i]) }
                return key(vertical, kind, UnsafeRawBufferPointer(lowered))
            }
        }
    }

    private static func key(_ vertical: Vertical, _ kind: UInt8, _ bytes: UnsafeRawBufferPointer) -> Key {
        let tag = UInt64(kind) | UInt64(vertical.code) << 8
        var hasher = Hasher()
        hasher.combine(tag)
        hasher.combine(bytes: bytes)
        var mix: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ tag ^ UInt64(bytes.count) << 16
        var i = 0
        while i + 8 <= bytes.count {
            mix = step(mix, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        mix = step(mix, tail)
        mix = (mix ^ (mix >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        mix ^= mix >> 33
        return Key(high: UInt64(truncatingIfNeeded: hasher.finalize()), low: UInt32(truncatingIfNeeded: mix))
    }

    @inline(__always)
    private static func step(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let m = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
        return m ^ (m >> 31)
    }

    @inline(__always)
    private static func shard(_ high: UInt64) -> Int { Int(high >> 58) }

    /// The first slot to probe: the low half of `high` scaled to the shard's capacity (any capacity works).
    @inline(__always)
    private static func home(_ high: UInt64, capacity: Int) -> Int {
        Int(((high & 0xFFFF_FFFF) &* UInt64(capacity)) >> 32)
    }

    /// The row holding `key`, or the empty slot where the probe for it ended.
    private mutating func probe(_ key: Key) -> (row: UInt32?, slot: Int) {
        // Through the outer buffer's pointer: `shards[i]` as a value would retain and release the shard.
        shards.withUnsafeMutableBufferPointer { shards in
            shards[Self.shard(key.high)].withUnsafeBufferPointer { table in
                var i = Self.home(key.high, capacity: table.count)
                while true {
                    let slot = table[i]
                    if slot.row == 0 { return (nil, i) }
                    if slot.high == key.high, slot.low == key.low { return (slot.row, i) }
                    i += 1
                    if i == table.count { i = 0 }
                }
            }
        }
    }

    /// Grows the shard first when one more key would pass the load limit, so probes stay valid.
    private mutating func reserveOne(_ shard: Int) {
        let capacity = shardCapacities[shard]
        if Double(shardCounts[shard] + 2) > Double(capacity) * Self.maxLoad {
            resize(shard, to: max(16, capacity + capacity / 2))
        }
    }

    private mutating func store(_ key: Key, row: UInt32, at slot: Int) {
        let shard = Self.shard(key.high)
        shards.withUnsafeMutableBufferPointer { shards in
            shards[shard].withUnsafeMutableBufferPointer { $0[slot] = Slot(high: key.high, low: key.low, row: row) }
        }
        shardCounts[shard] += 1
        count += 1
    }

    private static func place(_ slot: Slot, in slots: inout [Slot]) {
        slots.withUnsafeMutableBufferPointer { table in
            var i = home(slot.high, capacity: table.count)
            while table[i].row != 0 {
                i += 1
                if i == table.count { i = 0 }
            }
            table[i] = slot
        }
    }

    private mutating func resize(_ shard: Int, to capacity: Int) {
        var table = [Slot](repeating: Slot(high: 0, low: 0, row: 0), count: capacity)
        for slot in shards[shard] where slot.row != 0 { Self.place(slot, in: &table) }
        shards[shard] = table
        shardCapacities[shard] = capacity
    }
}

extension Vertical {
    /// A small stable number per vertical, for hashing.
    fileprivate var code: UInt8 {
        switch self {
        case .insurance: return 1
        case .mortgage: return 2
        case .solar: return 3
        case .debt: return 4
        }
    }
}
