import CSupport

/// The process's memory allocator.
package enum ProcessMemory {
    /// Caps glibc's malloc arenas. By default a thread that finds the arenas busy gets one of its own (up
    /// to 8 per core), and each keeps the memory freed into it: a long batch, whose work moves between the
    /// concurrency pool's, the HTTP client's and the ledger's threads, then holds several arenas' worth of
    /// free memory. Takes effect for arenas created afterwards, so call it before the work starts.
    ///
    /// Answers whether the allocator took the cap (`false` on other C libraries).
    @discardableResult
    package static func capArenas(_ arenas: Int) -> Bool {
        leadspool_malloc_arena_max(Int32(clamping: arenas)) == 1
    }

    /// Hands the allocator's free pages back to the system. Memory freed by one thread stays in that
    /// thread's arena, where another thread's allocations may not reuse it; trimmed, it stops counting.
    package static func trim() {
        leadspool_malloc_trim()
    }
}
