import Foundation
import Testing

/// The built `leadspool` allocates with jemalloc, linked in, configured by CSupport's `malloc_conf`.
@Suite("leadspool's allocator")
struct AllocatorTests {
    @Test func theBinaryRunsOnJemallocWithItsOwnOptions() throws {
        // jemalloc prints its statistics, options included, at exit when asked through MALLOC_CONF; glibc's
        // malloc ignores the variable, so without jemalloc nothing of this is printed.
        var environment = ProcessInfo.processInfo.environment
        environment["MALLOC_CONF"] = "stats_print:true"
        let result = try runLeadspool(["--help"], environment: environment)
        #expect(result.status == 0)
        #expect(result.stderr.contains("jemalloc statistics"), "no jemalloc statistics on stderr")
        #expect(result.stderr.contains("opt.narenas: 1"))
        #expect(result.stderr.contains("opt.dirty_decay_ms: 1000"))
        #expect(result.stderr.contains("opt.muzzy_decay_ms: 0"))
    }
}
