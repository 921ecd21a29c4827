import CSupport
package import Ingest
package import LeadModel

/// Finds leads that repeat an earlier lead of the same batch (`DUPLICATE_IN_BATCH`): the same
/// vertical and phone, or the same vertical and email (ASCII case ignored). The keys are the
/// record's normalised `vertical`, `phone` and `email`, which ``Validator`` sets to the lead's.
///
/// Only records holding a lead take part: an invalid record is never a duplicate and does not
/// block a later valid one, and a duplicate does not block later records either (it is not sent),
/// so the row named is always the one that goes to the API.
///
/// A second pass over the same rows (the reports of `leadspool run`) reuses the table of the first
/// one: after ``rewind()``, the rows checked before get the same answers again from it, without a
/// second table.
///
/// Each key is hashed to 64 bits by a per-process seeded `Hasher`: its top 6 bits pick one of 64
/// shards, its low 32 bits the first slot to probe. A slot is 12 bytes: a 64-bit fingerprint (the
/// hash without its shard bits, plus 6 bits of a separate multiply-xorshift pass over the same bytes)
/// and the row. Two keys can only be taken for one when their shard and fingerprint agree, 70 bits in
/// all: for n keys a false match has a probability below n²/2⁷¹, under 2·10⁻⁹ for a million leads
/// (2 M keys), and far less in practice as the other key must also lie on the probe's path.
///
/// The shards use linear probing and grow by half at a load of 0.8, each on its own, so a resize
/// never holds more than one shard twice. ``reserve(leads:)`` sizes them once from an estimate
/// instead: 1 M leads (2 M keys) take 29 MiB sized for them (2 M / 0.8 × 12 bytes), 39 MiB grown to them.
package struct BatchDeduper: Sendable {
    /// Stored as three 32-bit words so the slot is 12 bytes, not 16 (a `UInt64` member would align it to 8).
    private struct Slot {
        var fingerprintLow: UInt32
        var fingerprintHigh: UInt32
        /// 0 = empty (rows are 1-based).
        var row: UInt32

        static let empty = Slot(fingerprintLow: 0, fingerprintHigh: 0, row: 0)
    }

    private static let shardCount = 64
    private static let maxLoad = 0.8
    private var shards: [[Slot]] = Array(repeating: [], count: BatchDeduper.shardCount)
    private var shardCounts = [Int](repeating: 0, count: BatchDeduper.shardCount)
    private var count = 0
    /// The highest row checked so far.
    private var lastRow = 0
    /// Rows up to this one were checked before the last ``rewind()``: they are answered from the table.
    private var replayThrough = 0

    /// Keys hashed by ``prefetch(_:)`` for rows about to be checked, by row modulo the ring's size.
    private var ahead = [(row: Int, phone: Key, email: Key)](
        repeating: (0, Key.unused, Key.unused), count: BatchDeduper.aheadCount)
    private static let aheadCount = 32

    /// The ring place of `row` (never negative, whatever the row).
    @inline(__always)
    private static func aheadPlace(_ row: Int) -> Int { row & (aheadCount - 1) }

    /// `expectedLeads`, when known, sizes the table once instead of growing it.
    package init(expectedLeads: Int = 0) {
        reserve(leads: expectedLeads)
    }

    /// Number of keys held (two per lead).
    package var keyCount: Int { count }
    /// Bytes the table takes.
    package var tableBytes: Int { shards.reduce(0) { $0 + $1.count } * MemoryLayout<Slot>.stride }

    /// Makes room for `leads` leads in all (two keys each) at the load limit, so the table does not
    /// grow before it holds that many; a table already that large is left as it is.
    package mutating func reserve(leads: Int) {
        guard leads > 0 else { return }
        let perShard = Int(Double(leads * 2) / Self.maxLoad) / Self.shardCount + 1
        for shard in 0..<Self.shardCount where shards[shard].count < perShard { resize(shard, to: perShard) }
    }

    /// Starts a second pass over the same records in the same order: each row checked so far gets
    /// the answer it got the first time (the table already names the first row of every key), and the
    /// rows after them are checked as usual.
    package mutating func rewind() {
        replayThrough = lastRow
    }

    /// Starts loading the table slots `record`'s keys will be probed at, so that ``check(_:)`` of it a few
    /// rows later finds them in the cache: the table is far larger than the cache, and each probe
    /// otherwise waits for memory. The keys are kept for that call (up to 32 rows ahead). Only a hint:
    /// `check` gives the same answers with or without it. `inout` only so that a record in an array is
    /// read in place (a plain argument copies it, retaining each of its strings); it is not changed.
    package mutating func prefetch(_ record: inout CheckedRecord) {
        // A record without problems holds a lead. Asked directly, `case .some = record.lead` copied the whole
        // lead here (1.2 % of `check`); a wrong guess would only fetch slots that `check` then leaves unused.
        guard record.problems.isEmpty, let vertical = record.vertical else { return }
        let phoneKey = Key(vertical, kind: 1, record.phone, foldCase: false)
        let emailKey = Key(vertical, kind: 2, record.email, foldCase: true)
        ahead.withUnsafeMutableBufferPointer { $0[Self.aheadPlace(record.row)] = (record.row, phoneKey, emailKey) }
        shards.withUnsafeBufferPointer { shards in
            func load(_ key: Key) {
                shards[key.shard].withUnsafeBufferPointer { table in
                    guard let base = table.baseAddress, !table.isEmpty else { return }
                    leadspool_prefetch_for_write(base + key.home(capacity: table.count))
                }
            }
            load(phoneKey)
            load(emailKey)
        }
    }

    /// When `record` holds a lead that repeats an earlier one, replaces its lead with a
    /// `DUPLICATE_IN_BATCH` problem per matching key (`same phone as row 12`) and answers `true`;
    /// otherwise remembers the lead's keys and answers `false`.
    @discardableResult
    package mutating func check(_ record: inout CheckedRecord) -> Bool {
        lastRow = max(lastRow, record.row)
        // The record's own normalised vertical, phone and email are the lead's; reading them, rather than
        // binding the lead, spares a copy (retain and release) of every string of the lead per row.
        guard case .some = record.lead, let vertical = record.vertical else { return false }
        let (phoneKey, emailKey) = keys(of: record, vertical)
        let row = UInt32(clamping: max(1, record.row))
        if record.row <= replayThrough {
            // The first pass stored a key under the first row that had it: an earlier row means this one
            // repeated it; this row or a later one means it was new here.
            let phoneRow = probe(phoneKey).row.flatMap { $0 < row ? $0 : nil }
            let emailRow = probe(emailKey).row.flatMap { $0 < row ? $0 : nil }
            return Self.markDuplicate(&record, phoneRow: phoneRow, emailRow: emailRow)
        }
        reserveOne(phoneKey.shard)
        reserveOne(emailKey.shard)
        let phone = probe(phoneKey)
        let email = probe(emailKey)
        if phone.row == nil, email.row == nil {
            store(phoneKey, row: row, at: phone.slot)
            if phoneKey.shard == emailKey.shard, email.slot == phone.slot {
                store(emailKey, row: row, at: probe(emailKey).slot)
            } else {
                store(emailKey, row: row, at: email.slot)
            }
            return false
        }
        return Self.markDuplicate(&record, phoneRow: phone.row, emailRow: email.row)
    }

    /// The record's keys: those ``prefetch(_:)`` kept for its row, or hashed now.
    @inline(__always)
    private func keys(of record: borrowing CheckedRecord, _ vertical: Vertical) -> (Key, Key) {
        let kept = ahead.withUnsafeBufferPointer { $0[Self.aheadPlace(record.row)] }
        if kept.row == record.row, record.row > 0 { return (kept.phone, kept.email) }
        return (
            Key(vertical, kind: 1, record.phone, foldCase: false), Key(vertical, kind: 2, record.email, foldCase: true)
        )
    }

    private static func markDuplicate(_ record: inout CheckedRecord, phoneRow: UInt32?, emailRow: UInt32?) -> Bool {
        guard phoneRow != nil || emailRow != nil else { return false }
        record.lead = nil
        if let phoneRow {
            record.problems.append(
                Problem(.duplicateInBatch, field: "phone", value: record.phone, text: "same phone as row \(phoneRow)")
            )
        }
        if let emailRow {
            record.problems.append(
                Problem(.duplicateInBatch, field: "email", value: record.email, text: "same email as row \(emailRow)")
            )
        }
        return true
    }

    /// The row holding `key`, or the empty slot where the probe for it ended.
    private mutating func probe(_ key: Key) -> (row: UInt32?, slot: Int) {
        // Through the outer buffer's pointer: `shards[i]` as a value would retain and release the shard.
        shards.withUnsafeMutableBufferPointer { shards in
            shards[key.shard].withUnsafeBufferPointer { table in
                var i = key.home(capacity: table.count)
                while true {
                    let slot = table[i]
                    if slot.row == 0 { return (nil, i) }
                    if slot.fingerprintLow == key.fingerprintLow, slot.fingerprintHigh == key.fingerprintHigh {
                        return (slot.row, i)
                    }
                    i += 1
                    if i == table.count { i = 0 }
                }
            }
        }
    }

    /// Grows the shard first when one more key would pass the load limit, so probes stay valid.
    private mutating func reserveOne(_ shard: Int) {
        let capacity = shards[shard].count
        if Double(shardCounts[shard] + 2) > Double(capacity) * Self.maxLoad {
            resize(shard, to: max(16, capacity + capacity / 2))
        }
    }

    private mutating func store(_ key: Key, row: UInt32, at slot: Int) {
        let shard = key.shard
        shards.withUnsafeMutableBufferPointer { shards in
            shards[shard].withUnsafeMutableBufferPointer {
                $0[slot] = Slot(fingerprintLow: key.fingerprintLow, fingerprintHigh: key.fingerprintHigh, row: row)
            }
        }
        shardCounts[shard] += 1
        count += 1
    }

    private mutating func resize(_ shard: Int, to capacity: Int) {
        var table = [Slot](repeating: .empty, count: capacity)
        table.withUnsafeMutableBufferPointer { table in
            for slot in shards[shard] where slot.row != 0 {
                // The fingerprint's low 32 bits are the hash's, which chose the home slot.
                var i = Key.home(slot.fingerprintLow, capacity: table.count)
                while table[i].row != 0 {
                    i += 1
                    if i == table.count { i = 0 }
                }
                table[i] = slot
            }
        }
        shards[shard] = table
    }
}

extension BatchDeduper {
    /// A key's hash, split into what picks its place (shard, home slot) and what the slot keeps.
    private struct Key {
        var shard: Int
        var fingerprintLow: UInt32
        var fingerprintHigh: UInt32

        /// Fills the empty places of the prefetch ring.
        static let unused = Key(shard: 0, fingerprintLow: 0, fingerprintHigh: 0)

        private init(shard: Int, fingerprintLow: UInt32, fingerprintHigh: UInt32) {
            self.shard = shard
            self.fingerprintLow = fingerprintLow
            self.fingerprintHigh = fingerprintHigh
        }

        /// The hash comes from `Hasher` (seeded per process); the 6 fingerprint bits the shard takes
        /// from it come from a cheap multiply-xorshift pass over the same bytes instead, independent of
        /// it, so shard and fingerprint together tell 70 bits.
        init(_ vertical: Vertical, kind: UInt8, _ value: String, foldCase: Bool) {
            self = UTF8Bytes.with(value) { bytes in
                guard foldCase else { return Key(vertical, kind, UnsafeRawBufferPointer(bytes)) }
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lowered in
                    for i in 0..<bytes.count { lowered[i] = UTF8Bytes.lower(bytes[i]) }
                    return Key(vertical, kind, UnsafeRawBufferPointer(lowered))
                }
            }
        }

        private init(_ vertical: Vertical, _ kind: UInt8, _ bytes: UnsafeRawBufferPointer) {
            let tag = UInt64(kind) | UInt64(vertical.code) << 8
            var hasher = Hasher()
            hasher.combine(tag)
            hasher.combine(bytes: bytes)
            let hash = UInt64(truncatingIfNeeded: hasher.finalize())
            var mix: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ tag ^ UInt64(bytes.count) << 16
            var i = 0
            while i + 8 <= bytes.count {
                mix = Self.step(mix, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count {
                tail |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            mix = Self.step(mix, tail)
            mix = (mix ^ (mix >> 33)) &* 0xFF51_AFD7_ED55_8CCD
            mix ^= mix >> 33
            shard = Int(hash >> 58)
            let fingerprint = hash & (1 << 58 - 1) | mix << 58
            fingerprintLow = UInt32(truncatingIfNeeded: fingerprint)
            fingerprintHigh = UInt32(truncatingIfNeeded: fingerprint >> 32)
        }

        @inline(__always)
        private static func step(_ h: UInt64, _ word: UInt64) -> UInt64 {
            let m = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            return m ^ (m >> 31)
        }

        @inline(__always)
        func home(capacity: Int) -> Int { Self.home(fingerprintLow, capacity: capacity) }

        /// The first slot to probe: the hash's low 32 bits scaled to the shard's capacity (any capacity works).
        @inline(__always)
        static func home(_ low: UInt32, capacity: Int) -> Int {
            Int((UInt64(low) &* UInt64(capacity)) >> 32)
        }
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
