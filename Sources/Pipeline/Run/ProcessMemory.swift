import CSupport

/// The process's memory allocator: jemalloc, linked into `leadspool` (options in CSupport's
/// `malloc_conf`), or the C library's malloc in a program built without it.
package enum ProcessMemory {
    /// "jemalloc" or "libc".
    package static var allocator: String { String(cString: leadspool_malloc_name()) }

    /// Hands the allocator's free pages back to the system (jemalloc: every arena purged; glibc:
    /// `malloc_trim`). Between the two passes of a big batch, so the second starts from what is in use.
    package static func trim() {
        leadspool_malloc_trim()
    }
}
