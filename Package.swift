// swift-tools-version: 6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// jemalloc's static library; with LEADSPOOL_JEMALLOC=shared (`make install`), its shared one (Debian's
// libjemalloc2 at run time). A --static-swift-stdlib link hides the symbols of static libraries
// (--exclude-libs ALL): a static jemalloc would serve the binary's own allocations but not those made inside
// libc, SQLite or zlib, and a block allocated by one and freed by the other crashes the process.
let jemalloc = Context.environment["LEADSPOOL_JEMALLOC"] == "shared" ? "-ljemalloc" : "-l:libjemalloc.a"

let package = Package(
    name: "leadspool",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "leadspool", targets: ["LeadspoolCLI"]),
        // Stage measurements for `make bench`; not installed.
        .executable(name: "leadspool-bench", targets: ["LeadspoolBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        // Resolved already for AsyncHTTPClient; named so Pipeline can set its trust roots and client certificate.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CSupport"),
        .target(
            name: "Ingest",
            dependencies: [
                "CZlib",
                "CSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The pipeline, one target per stage (docs/ARCHITECTURE.md): what a lead is, how a row becomes one,
        // where its fate is kept, how it is sent, and the batch run that ties them together.
        .target(name: "LeadModel", dependencies: ["Ingest"], path: "Sources/Pipeline/Model"),
        .target(
            name: "Validation",
            dependencies: ["LeadModel", "Ingest", "CSupport"],
            path: "Sources/Pipeline/Validation"
        ),
        .target(
            name: "LeadLedger",
            dependencies: [
                "LeadModel", "Ingest", "CSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Pipeline/Ledger"
        ),
        .target(
            name: "Submission",
            dependencies: [
                "LeadModel", "Ingest",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Pipeline/Submit"
        ),
        .target(
            name: "Pipeline",
            dependencies: [
                "LeadModel", "Validation", "LeadLedger", "Submission", "Export", "LeadGenerator", "Ingest", "CSupport",
                // For HTTPLeadTransport, the senders' default transport.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // RunMetrics records through swift-metrics; the CLI bootstraps the backend and serves it.
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Sources/Pipeline/Run"
        ),
        // Synthetic lead batches for `leadspool gen`, `demo` and the tests; its byte sinks (gzip writer, atomic
        // output file) also compress archived originals.
        .target(name: "LeadGenerator", dependencies: ["LeadModel", "Ingest", "CZlib"], path: "Sources/Gen"),
        .target(
            name: "Export",
            dependencies: ["LeadModel", "Validation", "LeadLedger", "Submission", "Ingest", "CSupport"]
        ),
        .target(
            name: "Receive",
            dependencies: [
                "LeadModel", "Validation", "LeadLedger", "Ingest", "Export",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Sandbox",
            dependencies: [
                "Ingest",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .plugin(name: "BuildInfo", capability: .buildTool(), path: "Plugins/BuildInfo"),
        .executableTarget(
            name: "LeadspoolCLI",
            dependencies: [
                "Ingest", "LeadModel", "Validation", "LeadLedger", "Submission", "Pipeline", "Export", "Sandbox",
                "LeadGenerator", "Receive", "CZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // jemalloc, linked in (static but for `make install`, above): a batch allocates and frees several
            // strings per row from two threads, and glibc's malloc spent ~12 % of `check`'s CPU on them.
            // Its options are `malloc_conf` in CSupport. Debian: libjemalloc-dev (scripts/install-deps.sh).
            linkerSettings: [.unsafeFlags(["-Xlinker", jemalloc])],
            plugins: ["BuildInfo"]
        ),
        .executableTarget(
            name: "LeadspoolBench",
            dependencies: [
                "Ingest", "LeadModel", "Validation", "LeadLedger", "Submission", "Pipeline", "Export", "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Sources/Bench",
            linkerSettings: [.unsafeFlags(["-Xlinker", jemalloc])]
        ),
        .testTarget(name: "IngestTests", dependencies: ["Ingest"]),
        .testTarget(name: "LeadModelTests", dependencies: ["LeadModel"]),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "LeadModel", "Ingest"]),
        .testTarget(
            name: "LedgerTests",
            dependencies: [
                "LeadLedger", "LeadModel", "Ingest", "CSupport", "Pipeline",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SubmissionTests",
            dependencies: [
                "Submission", "LeadModel", "Ingest",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "LeadModel", "LeadLedger", "Submission", "Validation", "Export", "LeadGenerator", "Ingest",
                "CSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The allocator of `leadspool` (above), so ProcessMemoryTests test the binary's.
            linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libjemalloc.a"])]
        ),
        .testTarget(name: "ExportTests", dependencies: ["Export", "LeadModel", "Validation", "LeadLedger", "Submission", "Pipeline", "Ingest", "CSupport"], exclude: ["Golden"]),
        .testTarget(
            name: "SandboxTests",
            dependencies: [
                "Sandbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ReceiveTests",
            dependencies: [
                "Receive", "LeadModel", "Validation", "LeadLedger", "Ingest",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "EndToEndTests", dependencies: [], exclude: ["Golden"]),
    ]
)

for target in package.targets where target.type != .system && target.type != .plugin && target.name != "CSupport" {
    target.swiftSettings = (target.swiftSettings ?? []) + upcoming
}
