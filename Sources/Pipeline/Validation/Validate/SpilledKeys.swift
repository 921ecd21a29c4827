/// The keys ``BatchDeduper`` moved out of memory: sorted runs on disk (``DedupeRun``) and one Bloom
/// filter of fixed size over all of them, so that most new keys are known to be new without a read.
///
/// Runs are merged as a binary counter does (a run is merged into the one before it while that one is
/// less than twice its size), so n spills of equal size leave at most log₂ n + 1 runs and every key is
/// rewritten about log₂ n times. The filter is 8 MiB whatever the batch: for 8 M keys (4 M leads) about
/// 2 % of the new keys still read one block of each run; the answers are exact either way, as a key is
/// only taken for a stored one when all 128 bits of its hash agree.
final class SpilledKeys {
    /// 2¹⁷ blocks of one cache line (eight 64-bit words): 8 MiB.
    private static let blockBits = 17
    private var filter: [UInt64]
    private var runs: [DedupeRun] = []
    private(set) var count = 0

    init() {
        filter = [UInt64](repeating: 0, count: 8 << Self.blockBits)
    }

    /// Takes `run` (sorted, every key new) and merges runs as needed. A merge that cannot be written
    /// leaves the runs unmerged: every key is still found.
    func add(_ run: DedupeRun) {
        run.forEach { insertInFilter($0.hash) }
        runs.append(run)
        count += run.count
        while runs.count >= 2, runs[runs.count - 2].count < 2 * runs[runs.count - 1].count {
            guard let merged = Self.merge(runs[runs.count - 2], runs[runs.count - 1]) else { return }
            runs.removeLast(2)
            runs.append(merged)
        }
    }

    /// The row stored under `hash`, if any run holds it.
    func row(of hash: DedupeHash) -> UInt32? {
        guard mayContain(hash) else { return nil }
        for run in runs.reversed() {
            if let row = run.row(of: hash) { return row }
        }
        return nil
    }

    private static func block(_ hash: DedupeHash) -> Int { Int(hash.high >> UInt64(64 - blockBits)) << 3 }

    private func insertInFilter(_ hash: DedupeHash) {
        let block = Self.block(hash)
        var bits = hash.low
        filter.withUnsafeMutableBufferPointer { words in
            for _ in 0..<4 {
                words[block + Int(bits & 7)] |= 1 << ((bits >> 3) & 63)
                bits >>= 9
            }
        }
    }

    private func mayContain(_ hash: DedupeHash) -> Bool {
        let block = Self.block(hash)
        var bits = hash.low
        return filter.withUnsafeBufferPointer { words in
            for _ in 0..<4 {
                if words[block + Int(bits & 7)] & 1 << ((bits >> 3) & 63) == 0 { return false }
                bits >>= 9
            }
            return true
        }
    }

    /// One run holding the entries of both, in order; nil when it cannot be written.
    private static func merge(_ a: DedupeRun, _ b: DedupeRun) -> DedupeRun? {
        guard let merged = DedupeRun() else { return nil }
        var ok = true
        // The entries of `b` are taken in order while those of `a` stream past; a key is in one run only.
        var bEntries: [DedupeEntry] = []
        bEntries.reserveCapacity(4 * DedupeRun.blockEntries)
        var bNext = 0
        var bRead = 0
        func refill() {
            bEntries.removeAll(keepingCapacity: true)
            bNext = 0
            let entries = min(4 * DedupeRun.blockEntries, b.count - bRead)
            guard entries > 0 else { return }
            b.read(into: &bEntries, from: bRead, count: entries)
            bRead += entries
        }
        refill()
        a.forEach { entry in
            guard ok else { return }
            let hash = entry.hash
            while bNext < bEntries.count, bEntries[bNext].hash < hash {
                ok = ok && merged.append(bEntries[bNext])
                bNext += 1
                if bNext == bEntries.count { refill() }
            }
            ok = ok && merged.append(entry)
        }
        while ok, bNext < bEntries.count {
            ok = merged.append(bEntries[bNext])
            bNext += 1
            if bNext == bEntries.count { refill() }
        }
        guard ok, merged.flush() else { return nil }
        return merged
    }
}
