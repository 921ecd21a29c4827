/// The NANP numbering plan as leadspool sees it, decoded once from the generated `NANPTable`.
///
/// One entry per area code (NPA 000-999): its kind, and for the few area codes where the kind holds
/// for some exchanges only, a 1000-bit set of the exchanges (NXX) where it does not.
struct NANPPlan: Sendable {
    enum Kind: UInt8, Sendable {
        case unassigned = 0
        case usLine = 1
        case tollFree = 2
        case premiumRate = 3
        case personal = 4
        /// Another NANP region; the entry's region index says which.
        case otherRegion = 5
    }

    /// Per area code: bits 0-3 kind, bits 4-8 region index, bits 9-15 exception slot + 1 (0: none).
    private let entries: [UInt16]
    /// 16 words (1024 bits) per exception slot, bit n set when exchange n is NOT in use.
    private let exceptionBits: [UInt64]
    /// Two-letter region codes and display names of the other NANP regions, by region index.
    let regionCodes: [String]
    let regionNames: [String]
    /// Display names of country calling codes other than 1 (`nil`: no such code; `""`: non-geographic).
    let countryNames: [String?]

    static let shared = NANPPlan()

    private init() {
        var entries = [UInt16](repeating: 0, count: 1000)
        let kinds = Array(NANPTable.areaCodeKinds.utf8.filter { $0 != UInt8(ascii: "\n") })
        precondition(kinds.count == 1000, "NANPTable.areaCodeKinds must have 1000 kinds")
        for (npa, char) in kinds.enumerated() {
            switch char {
            case UInt8(ascii: "."): entries[npa] = UInt16(Kind.unassigned.rawValue)
            case UInt8(ascii: "U"): entries[npa] = UInt16(Kind.usLine.rawValue)
            case UInt8(ascii: "T"): entries[npa] = UInt16(Kind.tollFree.rawValue)
            case UInt8(ascii: "$"): entries[npa] = UInt16(Kind.premiumRate.rawValue)
            case UInt8(ascii: "P"): entries[npa] = UInt16(Kind.personal.rawValue)
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                entries[npa] = UInt16(Kind.otherRegion.rawValue) | UInt16(char - UInt8(ascii: "a")) << 4
            default: preconditionFailure("unknown kind in NANPTable.areaCodeKinds")
            }
        }
        var slots: [Int: Int] = [:]
        var bits: [UInt64] = []
        for (npa, exchanges) in NANPTable.exchangeExceptions {
            let slot: Int
            if let known = slots[npa] {
                slot = known
            } else {
                slot = slots.count
                slots[npa] = slot
                bits.append(contentsOf: repeatElement(0, count: 16))
                entries[npa] |= UInt16(slot + 1) << 9
            }
            for nxx in EmbeddedData.ranges(exchanges) {
                bits[slot * 16 + (nxx >> 6)] |= 1 << UInt64(nxx & 63)
            }
        }
        self.entries = entries
        self.exceptionBits = bits
        self.regionCodes = NANPTable.regionCodes.split(separator: ",").map(String.init)
        self.regionNames = NANPTable.regionNames
        precondition(regionCodes.count == regionNames.count, "NANPTable region codes and names differ")
        var names = [String?](repeating: nil, count: 1000)
        for item in NANPTable.countryCallingCodes.split(whereSeparator: { $0 == ";" || $0 == "\n" }) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            names[Int(parts[0])!] = String(parts[1])
        }
        self.countryNames = names
    }

    func kind(areaCode npa: Int) -> Kind {
        Kind(rawValue: UInt8(truncatingIfNeeded: entries[npa] & 0xF))!
    }

    func regionIndex(areaCode npa: Int) -> Int {
        Int((entries[npa] >> 4) & 0x1F)
    }

    /// Whether exchange `nxx` (200-999) is one where the area code's kind does not hold.
    func isException(areaCode npa: Int, exchange nxx: Int) -> Bool {
        let slot = Int(entries[npa] >> 9)
        guard slot != 0 else { return false }
        return exceptionBits[(slot - 1) * 16 + (nxx >> 6)] & (1 << UInt64(nxx & 63)) != 0
    }

    /// The number of area codes with an exception list.
    var exceptionAreaCodeCount: Int {
        entries.reduce(0) { $0 + ($1 >> 9 != 0 ? 1 : 0) }
    }
}
