import CSupport
import Ingest
package import LeadModel

/// Finds leads that repeat an earlier lead of the same batch (`DUPLICATE_IN_BATCH`): the same
/// vertical and phone, or the same vertical and email (ASCII case ignored). The keys are the
/// record's normalised `vertical`, `phone` and `email`, which ``Validator`` sets to the lead's.
///
/// Only records holding a lead take part: an invalid record is never a duplicate and does not
/// block a later valid one, and a duplicate does not block later records either (it is not sent),
/// so the row named is always the one that goes to the API.
///
/// Each key is hashed to 128 bits by two differently seeded `Hasher`s (per-process keys, as the
/// ledger's keyed hashes: a crafted file cannot aim at collisions), and two keys are one only when all
/// 128 bits agree. The hash's top 6 bits pick one of 64 shards, 32 others the first slot to probe;
/// a slot is 20 bytes (``DedupeEntry``: the hash and the row). The shards use linear probing and grow by
/// half at a load of 0.8, each on its own, so a resize never holds more than one shard twice.
///
/// Memory stays flat in the batch size: once the shards hold `memoryKeys` keys (by default 2¹⁸, 6.5 MiB
/// of slots), they are written out as one sorted run (concatenated in shard order, each shard sorted
/// in place: no copy) and emptied; ``SpilledKeys`` then answers for those keys, from disk behind an
/// 8 MiB Bloom filter. When no temporary file can be written, the shards grow as needed instead.
///
/// A second pass (``rewind()``) needs no table at all: the first pass logs each duplicate it found
/// (12 bytes per duplicate row), and the rows checked before get those answers again. Rows must come
/// in increasing order, as readers give them.
///
/// A copy of a deduper shares the keys already on disk with it: move a deduper (as `take()` and `swap`
/// do), never check with two copies.
package struct BatchDeduper: @unchecked Sendable {
    private typealias Slot = DedupeEntry

    /// The keys held in memory before they are moved to disk.
    package static let defaultMemoryKeys = 1 << 18
    private static let shardCount = 64
    private static let maxLoad = 0.8
    private var shards: [[Slot]] = Array(repeating: [], count: BatchDeduper.shardCount)
    private var shardCounts = [Int](repeating: 0, count: BatchDeduper.shardCount)
    /// Keys in the shards.
    private var count = 0
    /// A shard never grows past this many slots while spilling works.
    private let shardSlotLimit: Int
    /// Keys moved to disk: nil until the first spill.
    private var spilled: SpilledKeys?
    /// Set when a spill could not be written: the shards then grow as needed.
    private var spillFailed = false
    /// The duplicates found outside a replay, in row order, for the next ``rewind()``.
    private var duplicates: [DuplicateAnswer] = []
    /// The highest row checked so far.
    private var lastRow = 0
    /// Rows up to this one were checked before the last ``rewind()``: they are answered from `duplicates`.
    private var replayThrough = 0

    /// Keys hashed by ``prefetch(_:)`` for rows about to be checked, by row modulo the ring's size.
    private var ahead = [(row: Int, phone: Key, email: Key)](
        repeating: (0, Key.unused, Key.unused), count: BatchDeduper.aheadCount)
    private static let aheadCount = 32

    /// The ring place of `row` (never negative, whatever the row).
    @inline(__always)
    private static func aheadPlace(_ row: Int) -> Int { row & (aheadCount - 1) }

    /// `expectedLeads`, when known, sizes the table once instead of growing it (up to `memoryKeys` keys).
    package init(expectedLeads: Int = 0, memoryKeys: Int = BatchDeduper.defaultMemoryKeys) {
        shardSlotLimit = max(8, Int(Double(memoryKeys) / Self.maxLoad) / Self.shardCount + 1)
        reserve(leads: expectedLeads)
    }

    /// Number of keys held, in memory and on disk (two per lead).
    package var keyCount: Int { count + (spilled?.count ?? 0) }
    /// Bytes the table in memory takes.
    package var tableBytes: Int { shards.reduce(0) { $0 + $1.count } * MemoryLayout<Slot>.stride }
    /// Keys moved to disk so far.
    package var spilledKeyCount: Int { spilled?.count ?? 0 }

    /// Makes room for `leads` leads in all (two keys each) at the load limit, so the table does not
    /// grow before it holds that many (or its limit in memory); a table already that large is left as it is.
    package mutating func reserve(leads: Int) {
        guard leads > 0 else { return }
        var perShard = Int(Double(leads * 2) / Self.maxLoad) / Self.shardCount + 1
        if !spillFailed { perShard = min(perShard, shardSlotLimit) }
        for shard in 0..<Self.shardCount where shards[shard].count < perShard { resize(shard, to: perShard) }
    }

    /// Starts a second pass over the same records in the same order: each row checked so far gets
    /// the answer it got the first time, and the rows after them are checked as usual.
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
        guard record.problems.isEmpty, let vertical = record.vertical, record.row > replayThrough else { return }
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
        let row = UInt32(clamping: max(1, record.row))
        if record.row <= replayThrough {
            // The first pass named the first row of a key an earlier row had; a row not before this one
            // (the same row checked twice) means it was new here.
            let answer = replayed(row)
            func earlier(_ first: UInt32?) -> UInt32? { first.flatMap { $0 != 0 && $0 < row ? $0 : nil } }
            return Self.markDuplicate(&record, phoneRow: earlier(answer?.phoneRow), emailRow: earlier(answer?.emailRow))
        }
        let (phoneKey, emailKey) = keys(of: record, vertical)
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
        duplicates.append(DuplicateAnswer(row: row, phoneRow: phone.row ?? 0, emailRow: email.row ?? 0))
        return Self.markDuplicate(&record, phoneRow: phone.row, emailRow: email.row)
    }

    /// The first pass's answer for `row`, when it found the row a duplicate.
    private func replayed(_ row: UInt32) -> DuplicateAnswer? {
        var low = 0
        var high = duplicates.count
        while low < high {
            let middle = (low + high) / 2
            if duplicates[middle].row < row { low = middle + 1 } else { high = middle }
        }
        return low < duplicates.count && duplicates[low].row == row ? duplicates[low] : nil
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

    /// The row holding `key` (in memory or on disk), and the empty slot where the probe in memory ended.
    private mutating func probe(_ key: Key) -> (row: UInt32?, slot: Int) {
        // Through the outer buffer's pointer: `shards[i]` as a value would retain and release the shard.
        let found = shards.withUnsafeMutableBufferPointer { shards in
            shards[key.shard].withUnsafeBufferPointer { table -> (row: UInt32?, slot: Int) in
                var i = key.home(capacity: table.count)
                while true {
                    let slot = table[i]
                    if slot.row == 0 { return (nil, i) }
                    if slot.hashHigh0 == key.high0, slot.hashHigh1 == key.high1, slot.hashLow0 == key.low0,
                        slot.hashLow1 == key.low1
                    {
                        return (slot.row, i)
                    }
                    i += 1
                    if i == table.count { i = 0 }
                }
            }
        }
        guard found.row == nil, let spilled else { return found }
        return (spilled.row(of: key.hash), found.slot)
    }

    /// Makes room for one more key in `shard` (and its partner's) before the probes: grows the shard
    /// while under its limit, else moves every shard's keys to disk.
    private mutating func reserveOne(_ shard: Int) {
        let capacity = shards[shard].count
        guard Double(shardCounts[shard] + 2) > Double(capacity) * Self.maxLoad else { return }
        var grown = max(16, capacity + capacity / 2)
        if !spillFailed {
            grown = min(grown, shardSlotLimit)
            if grown <= capacity {
                spill()
                if !spillFailed { return }
                grown = max(16, capacity + capacity / 2)
            }
        }
        resize(shard, to: grown)
    }

    private mutating func store(_ key: Key, row: UInt32, at slot: Int) {
        let shard = key.shard
        shards.withUnsafeMutableBufferPointer { shards in
            shards[shard].withUnsafeMutableBufferPointer { $0[slot] = Slot(key.hash, row: row) }
        }
        shardCounts[shard] += 1
        count += 1
    }

    private mutating func resize(_ shard: Int, to capacity: Int) {
        var table = [Slot](repeating: .empty, count: capacity)
        table.withUnsafeMutableBufferPointer { table in
            for slot in shards[shard] where slot.row != 0 {
                var i = Key.home(slot.hashHigh0, capacity: table.count)
                while table[i].row != 0 {
                    i += 1
                    if i == table.count { i = 0 }
                }
                table[i] = slot
            }
        }
        shards[shard] = table
    }

    /// Writes every key in memory to a new sorted run and empties the shards. Each shard is compacted and
    /// sorted in place; shards hold disjoint ranges of the hash's top bits, so in shard order they make one
    /// sorted run. When the run cannot be written, the shards are rebuilt and spilling stops.
    private mutating func spill() {
        guard let run = DedupeRun() else {
            spillFailed = true
            return
        }
        var written = true
        var sorted = 0
        for shard in 0..<Self.shardCount where written {
            shards[shard].withUnsafeMutableBufferPointer { table in
                var kept = 0
                for i in 0..<table.count where table[i].row != 0 {
                    table[kept] = table[i]
                    kept += 1
                }
                for i in kept..<table.count { table[i] = .empty }
                var keys = UnsafeMutableBufferPointer(rebasing: table[0..<kept])
                keys.sort { $0.hash < $1.hash }
                for entry in keys where written { written = run.append(entry) }
            }
            sorted = shard + 1
        }
        if written, run.flush() {
            let keys = spilled ?? SpilledKeys()
            keys.add(run)
            spilled = keys
            for shard in 0..<Self.shardCount {
                shards[shard].withUnsafeMutableBufferPointer { $0.update(repeating: .empty) }
                shardCounts[shard] = 0
            }
            count = 0
        } else {
            spillFailed = true
            for shard in 0..<sorted { resize(shard, to: shards[shard].count) }
        }
    }
}

extension BatchDeduper {
    /// What the first pass found for a duplicate row (0: that key was new).
    private struct DuplicateAnswer {
        var row: UInt32
        var phoneRow: UInt32
        var emailRow: UInt32
    }

    /// A key's hash, split into what picks its place (shard, home slot) and what the slot keeps.
    private struct Key {
        var hash: DedupeHash

        /// Fills the empty places of the prefetch ring.
        static let unused = Key(hash: DedupeHash(low: 0, high: 0))

        private init(hash: DedupeHash) {
            self.hash = hash
        }

        /// Two `Hasher`s (seeded per process) over the key's tag and bytes, told apart by the tag's top bit.
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
            var high = Hasher()
            high.combine(tag)
            high.combine(bytes: bytes)
            var low = Hasher()
            low.combine(tag | 1 << 63)
            low.combine(bytes: bytes)
            hash = DedupeHash(
                low: UInt64(truncatingIfNeeded: low.finalize()), high: UInt64(truncatingIfNeeded: high.finalize()))
        }

        /// The top 6 bits.
        var shard: Int { Int(hash.high >> 58) }
        var low0: UInt32 { UInt32(truncatingIfNeeded: hash.low) }
        var low1: UInt32 { UInt32(truncatingIfNeeded: hash.low >> 32) }
        var high0: UInt32 { UInt32(truncatingIfNeeded: hash.high) }
        var high1: UInt32 { UInt32(truncatingIfNeeded: hash.high >> 32) }

        @inline(__always)
        func home(capacity: Int) -> Int { Self.home(high0, capacity: capacity) }

        /// The first slot to probe: the hash's low 32 bits of `high` scaled to the shard's capacity.
        @inline(__always)
        static func home(_ bits: UInt32, capacity: Int) -> Int {
            Int((UInt64(bits) &* UInt64(capacity)) >> 32)
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
