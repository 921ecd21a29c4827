/// Finds leads that repeat an earlier lead of the same batch (`DUPLICATE_IN_BATCH`): the same
/// vertical and phone, or the same vertical and email (ASCII case ignored).
///
/// Only records holding a lead take part: an invalid record is never a duplicate and does not
/// block a later valid one, and a duplicate does not block later records either (it is not sent),
/// so the row named is always the one that goes to the API.
///
/// Keys are hashed twice with differently seeded `Hasher`s; 96 of the 128 bits are kept with the row,
/// 16 bytes a slot in one linear-probing table (a false match needs a 96-bit collision: about 1 in
/// 10^16 for a million leads). Two keys a lead, load at most 0.8, growth by half: 1 M distinct leads
/// take 36–54 MB (briefly 1.7 times that while the table grows).
package struct BatchDeduper: Sendable {
    private struct Slot {
        var high: UInt64
        var low: UInt32
        /// 0 = empty (rows are 1-based).
        var row: UInt32
    }

    private var slots: [Slot] = []
    private var count = 0
    private static let maxLoad = 0.8

    /// `expectedLeads`, when known, sizes the table once instead of growing it.
    package init(expectedLeads: Int = 0) {
        if expectedLeads > 0 { resize(to: Int(Double(expectedLeads * 2) / Self.maxLoad) + 1) }
    }

    /// Number of keys held (two per lead).
    package var keyCount: Int { count }
    /// Bytes the table takes.
    package var tableBytes: Int { slots.count * MemoryLayout<Slot>.stride }

    /// When `record` holds a lead that repeats an earlier one, replaces its lead with a
    /// `DUPLICATE_IN_BATCH` problem per matching key (`same phone as row 12`) and answers `true`;
    /// otherwise remembers the lead's keys and answers `false`.
    @discardableResult
    package mutating func check(_ record: inout CheckedRecord) -> Bool {
        guard let lead = record.lead else { return false }
        let phoneKey = Self.key(lead.vertical, kind: 1, lead.phone, foldCase: false)
        let emailKey = Self.key(lead.vertical, kind: 2, lead.email, foldCase: true)
        let phoneRow = find(phoneKey)
        let emailRow = find(emailKey)
        if phoneRow == nil, emailRow == nil {
            let row = UInt32(clamping: max(1, record.row))
            insert(phoneKey, row: row)
            insert(emailKey, row: row)
            return false
        }
        record.lead = nil
        if let phoneRow {
            record.problems.append(
                Problem(.duplicateInBatch, field: "phone", value: lead.phone, text: "same phone as row \(phoneRow)")
            )
        }
        if let emailRow {
            record.problems.append(
                Problem(.duplicateInBatch, field: "email", value: lead.email, text: "same email as row \(emailRow)")
            )
        }
        return true
    }

    private struct Key {
        var high: UInt64
        var low: UInt32
    }

    private static func key(_ vertical: Vertical, kind: UInt8, _ value: String, foldCase: Bool) -> Key {
        UTF8Bytes.with(value) { bytes in
            var first = Hasher()
            var second = Hasher()
            first.combine(0x6C65_6164_7370_6F6F as UInt64)
            second.combine(0x6261_7463_6864_7570 as UInt64)
            first.combine(vertical)
            second.combine(vertical)
            first.combine(kind)
            second.combine(kind)
            if foldCase {
                var chunk = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
                withUnsafeMutableBytes(of: &chunk) { buffer in
                    var i = 0
                    while i < bytes.count {
                        let n = min(buffer.count, bytes.count - i)
                        for j in 0..<n { buffer[j] = UTF8Bytes.lower(bytes[i + j]) }
                        let part = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
                        first.combine(bytes: part)
                        second.combine(bytes: part)
                        i += n
                    }
                }
            } else {
                let raw = UnsafeRawBufferPointer(bytes)
                first.combine(bytes: raw)
                second.combine(bytes: raw)
            }
            first.combine(bytes.count)
            second.combine(bytes.count)
            return Key(
                high: UInt64(truncatingIfNeeded: first.finalize()),
                low: UInt32(truncatingIfNeeded: second.finalize())
            )
        }
    }

    /// The first slot to probe: the top bits of `high`, scaled to the capacity (any capacity works).
    @inline(__always)
    private static func home(_ high: UInt64, capacity: Int) -> Int {
        Int(((high >> 32) &* UInt64(capacity)) >> 32)
    }

    private func find(_ key: Key) -> UInt32? {
        guard !slots.isEmpty else { return nil }
        return slots.withUnsafeBufferPointer { table in
            var i = Self.home(key.high, capacity: table.count)
            while true {
                let slot = table[i]
                if slot.row == 0 { return nil }
                if slot.high == key.high, slot.low == key.low { return slot.row }
                i += 1
                if i == table.count { i = 0 }
            }
        }
    }

    private mutating func insert(_ key: Key, row: UInt32) {
        if Double(count + 1) > Double(slots.count) * Self.maxLoad {
            resize(to: max(1024, slots.count + slots.count / 2))
        }
        Self.place(Slot(high: key.high, low: key.low, row: row), in: &slots)
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

    private mutating func resize(to capacity: Int) {
        var table = [Slot](repeating: Slot(high: 0, low: 0, row: 0), count: capacity)
        for slot in slots where slot.row != 0 { Self.place(slot, in: &table) }
        slots = table
    }
}
