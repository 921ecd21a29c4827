import LeadModel

/// Makes the rows of a synthetic batch one after another into a reused `GenRow`.
///
/// Three random streams keep concerns apart: `data` draws every row's clean values, `selection` picks
/// the dirty rows, `faults` picks and shapes their defects. So a row's base values do not depend on
/// `--dirty`, and a dirty batch differs from the clean one of the same seed only where defects are.
package struct LeadSynthesizer {
    let options: GenOptions
    private var data: GenRandom
    private var selection: GenRandom
    var faults: GenRandom
    private let phones: PhonePermutation
    private var rowsLeft: Int
    private var dirtyLeft: Int
    private var rowIndex = 0
    private let verticalBytes: [[UInt8]]

    // Facts of the current row, which defects are built from.
    var vertical: Vertical = .insurance
    var rowNumber = 0
    var digits: [UInt8] = []
    var firstName = 0
    var lastName = 0
    var emailDomain = 0
    var consentTime: Int64 = 0
    var vehicleYear = 0
    var homeowner = false
    var loanAmount = 0
    var electricBill = 0
    /// The defects of the current row (empty for a clean row).
    private(set) var defects: [GenDefect] = []
    /// Per vertical, the phone of the latest clean row: an in-batch duplicate repeats it.
    var lastCleanPhone: [[UInt8]] = Array(repeating: [], count: Vertical.allCases.count)
    var verticalIndex = 0

    init(options: GenOptions) {
        self.options = options
        data = GenRandom(seed: options.seed, stream: 1)
        selection = GenRandom(seed: options.seed, stream: 2)
        faults = GenRandom(seed: options.seed, stream: 3)
        phones = PhonePermutation(seed: options.seed, areaCodes: GenTables.areaCodes, exchanges: GenTables.exchanges)
        rowsLeft = options.rows
        dirtyLeft = options.dirtyRowCount
        verticalBytes = Vertical.allCases.map { Array($0.rawValue.utf8) }
        digits.reserveCapacity(16)
        defects.reserveCapacity(2)
    }

    /// The most rows one file can have without repeating a phone.
    package static func maximumRows(seed: UInt64) -> Int {
        PhonePermutation(seed: seed, areaCodes: GenTables.areaCodes, exchanges: GenTables.exchanges).count
    }

    /// Fills `row` with the next record; `false` when all rows were made.
    mutating func next(into row: inout GenRow) -> Bool {
        guard rowsLeft > 0 else { return false }
        row.reset()
        makeCleanRow(into: &row)
        // Selection sampling (Knuth's algorithm S): exactly `dirtyRowCount` rows, spread evenly at random.
        let isDirty = selection.below(rowsLeft) < dirtyLeft
        rowsLeft -= 1
        rowIndex += 1
        defects.removeAll(keepingCapacity: true)
        if isDirty {
            dirtyLeft -= 1
            chooseDefects()
            for defect in defects { apply(defect, to: &row) }
        } else {
            lastCleanPhone[verticalIndex].removeAll(keepingCapacity: true)
            lastCleanPhone[verticalIndex] += digits
        }
        return true
    }

    private mutating func chooseDefects() {
        let all = GenDefect.allCases
        var first: GenDefect
        repeat {
            first = faults.pick(all)
        } while !first.applies(to: vertical) || (first == .duplicateInBatch && lastCleanPhone[verticalIndex].isEmpty)
        defects.append(first)
        guard !first.isExclusive, faults.chance(0.2) else { return }
        for _ in 0..<8 {
            let second = faults.pick(all)
            if second.applies(to: vertical), !second.conflicts(with: first) {
                defects.append(second)
                return
            }
        }
    }

    private mutating func makeCleanRow(into row: inout GenRow) {
        rowNumber = rowIndex + 1
        vertical = options.verticals.count == 1 ? options.verticals[0] : data.pick(options.verticals)
        verticalIndex = Vertical.allCases.firstIndex(of: vertical)!

        row.clear(.ref, kind: .string)
        row.edit(.ref) {
            $0.append(UInt8(ascii: "R"))
            GenBytes.appendDigits(rowNumber, width: 6, to: &$0)
        }
        row.set(.vertical, verticalBytes[verticalIndex])

        firstName = data.below(GenTables.firstNames.count)
        lastName = data.below(GenTables.lastNames.count)
        row.set(.firstName, GenTables.firstNames[firstName].0)
        row.set(.lastName, GenTables.lastNames[lastName].0)

        emailDomain = data.below(GenTables.emailDomains.count)
        let emailStyle = data.below(3)
        row.clear(.email, kind: .string)
        row.edit(.email) { out in
            let first = GenTables.firstNames[firstName].1
            let last = GenTables.lastNames[lastName].1
            switch emailStyle {
            case 0: out += first; out.append(UInt8(ascii: ".")); out += last
            case 1: out += first; out.append(UInt8(ascii: "_")); out += last
            default: out.append(first[0]); out += last
            }
            // The row number keeps every address of a file unique.
            GenBytes.appendDigits(rowNumber, width: 1, to: &out)
            out.append(UInt8(ascii: "@"))
            out += GenTables.emailDomains[emailDomain]
        }

        phones.digits(forRow: rowIndex, into: &digits)
        row.clear(.phone, kind: .string)
        row.edit(.phone) { out in
            if options.e164Phones { out.append(UInt8(ascii: "+")); out.append(UInt8(ascii: "1")) }
            out += digits
        }

        row.set(.zip, data.pick(GenTables.zips))

        consentTime = options.now - Int64(data.inRange(60...(30 * 86_400)))
        row.clear(.tcpaTimestamp, kind: .string)
        row.edit(.tcpaTimestamp) { GenBytes.appendISO8601(consentTime, to: &$0) }
        row.set(.tcpaText, data.pick(GenTables.consentTexts))
        row.set(.tcpaURL, data.pick(GenTables.consentURLs[vertical]!))
        row.set(.campaign, data.pick(GenTables.campaigns))

        switch vertical {
        case .insurance:
            row.set(.coverageType, data.pick(GenTables.coverageTypes))
            vehicleYear = data.inRange(2005...2025)
            row.clear(.vehicleYear, kind: .number)
            row.edit(.vehicleYear) { GenBytes.appendDigits(vehicleYear, width: 1, to: &$0) }
            homeowner = data.chance(0.6)
            row.set(.homeowner, text: homeowner ? "true" : "false", kind: .bool)
        case .mortgage:
            row.set(.loanPurpose, data.pick(GenTables.loanPurposes))
            loanAmount = data.inRange(100...900) * 1000
            row.clear(.loanAmount, kind: .number)
            row.edit(.loanAmount) { GenBytes.appendDigits(loanAmount, width: 1, to: &$0) }
            row.set(.creditRange, data.pick(GenTables.creditRanges))
        case .solar:
            electricBill = data.inRange(80...450)
            row.clear(.monthlyElectricBill, kind: .number)
            row.edit(.monthlyElectricBill) { GenBytes.appendDigits(electricBill, width: 1, to: &$0) }
            row.set(.roofType, data.pick(GenTables.roofTypes))
        case .debt:
            row.set(.debtAmount, data.pick(GenTables.debtAmounts))
            row.set(.debtType, data.pick(GenTables.debtTypes))
        }
    }
}
