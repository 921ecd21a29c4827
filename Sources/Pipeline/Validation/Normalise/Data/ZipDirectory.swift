/// The US ZIP codes in use, decoded once from the generated `ZipTable`.
struct ZipDirectory: Sendable {
    /// Bit n set: ZIP n is in use.
    private let inUse: [UInt8]
    /// Bit n set: ZIP n is listed by the source as no longer in use.
    private let retired: [UInt8]
    /// Index p true: some ZIP in use starts with the three digits p.
    private let prefixes: [Bool]

    static let shared = ZipDirectory()

    private init() {
        inUse = EmbeddedData.base64(ZipTable.inUse)
        retired = EmbeddedData.base64(ZipTable.retired)
        precondition(inUse.count == 12_500 && retired.count == 12_500, "ZipTable sets must have 100 000 bits")
        var prefixes = [Bool](repeating: false, count: 1000)
        for zip in 0..<100_000 where inUse[zip >> 3] & (1 << UInt8(zip & 7)) != 0 {
            prefixes[zip / 100] = true
        }
        self.prefixes = prefixes
    }

    func isInUse(_ zip: Int) -> Bool {
        inUse[zip >> 3] & (1 << UInt8(zip & 7)) != 0
    }

    func isRetired(_ zip: Int) -> Bool {
        retired[zip >> 3] & (1 << UInt8(zip & 7)) != 0
    }

    /// Whether some ZIP in use starts with the three digits `prefix` (0-999).
    func hasPrefix(_ prefix: Int) -> Bool {
        prefixes[prefix]
    }

    var inUseCount: Int { inUse.reduce(0) { $0 + $1.nonzeroBitCount } }
    var retiredCount: Int { retired.reduce(0) { $0 + $1.nonzeroBitCount } }
    var prefixCount: Int { prefixes.reduce(0) { $0 + ($1 ? 1 : 0) } }
}
