import Foundation
import Testing

@testable import Pipeline

@Suite struct ProcessMemoryTests {
    #if canImport(Glibc)
    @Test func theTestsRunOnTheAllocatorOfTheBinary() {
        // Package.swift links jemalloc into these tests as into `leadspool`, so `trim` below is the
        // binary's purge.
        #expect(ProcessMemory.allocator == "jemalloc")
    }

    /// Resident set size of this process (`/proc/self/statm`, second field, in pages).
    private static func residentBytes() throws -> Int {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let pages = Int(statm.split(separator: " ")[1]) ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test func trimmingHandsFreedPagesBackToTheSystem() throws {
        // 200 MB in 2 KB blocks, written so they are resident; then all but every 64th is freed. The kept
        // ones pin the heap around 1 562 holes of 126 KB, which `free` leaves resident (jemalloc holds freed
        // pages for a second, glibc gives back only the top of a heap): `trim` must hand them back now.
        let size = 2048
        let blocks = (0..<100_000).map { _ in UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16) }
        for block in blocks { block.initializeMemory(as: UInt8.self, repeating: 0x5A, count: size) }
        var kept: [UnsafeMutableRawPointer] = []
        kept.reserveCapacity(blocks.count / 64 + 1)
        for (i, block) in blocks.enumerated() {
            if i % 64 == 0 { kept.append(block) } else { block.deallocate() }
        }
        defer { for block in kept { block.deallocate() } }
        let before = try Self.residentBytes()
        ProcessMemory.trim()
        let after = try Self.residentBytes()
        #expect(before - after > 100 << 20, "resident before trim \(before >> 20) MB, after \(after >> 20) MB")
    }
    #endif
}
