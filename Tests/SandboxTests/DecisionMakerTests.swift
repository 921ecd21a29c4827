import Testing

@testable import Sandbox

@Suite struct DecisionMakerTests {
    private func leads(_ count: Int, vertical: SandboxVertical = .insurance) -> [LeadFacts] {
        (0..<count).map { LeadFacts(vertical: vertical, phone: "+1813" + String(5_550_000 + $0), email: "p\($0)@example.com") }
    }

    @Test func sameSeedGivesSameDecisions() {
        let first = leads(200).map(DecisionMaker(seed: 7).decide)
        let second = leads(200).map(DecisionMaker(seed: 7).decide)
        #expect(first == second)
    }

    @Test func otherSeedGivesOtherDecisions() {
        let seven = leads(200).map(DecisionMaker(seed: 7).decide)
        let eight = leads(200).map(DecisionMaker(seed: 8).decide)
        #expect(zip(seven, eight).contains { $0 != $1 })
    }

    @Test func decisionDependsOnVerticalPhoneAndEmail() {
        let maker = DecisionMaker(seed: 1)
        let base = LeadFacts(vertical: .solar, phone: "+18135550100", email: "a@example.com")
        let variants = [
            LeadFacts(vertical: .debt, phone: base.phone, email: base.email),
            LeadFacts(vertical: base.vertical, phone: "+18135550101", email: base.email),
            LeadFacts(vertical: base.vertical, phone: base.phone, email: "b@example.com"),
        ]
        for variant in variants {
            let differs = (0..<50).contains { seed in
                DecisionMaker(seed: UInt64(seed)).decide(variant) != DecisionMaker(seed: UInt64(seed)).decide(base)
            }
            #expect(differs, "\(variant) never changes the decision")
        }
        #expect(maker.decide(base) == maker.decide(base))
    }

    @Test func acceptsAboutTwoThirds() {
        let decisions = leads(4000).map(DecisionMaker(seed: 3).decide)
        let accepted = decisions.filter { if case .accepted = $0 { true } else { false } }.count
        #expect((2400...2800).contains(accepted))
    }

    @Test func rejectsWithEveryScoringReasonButNeverDuplicate() {
        let reasons = Set(leads(500).map(DecisionMaker(seed: 5).decide).compactMap { decision -> RejectReason? in
            if case .rejected(let reason) = decision { return reason }
            return nil
        })
        #expect(reasons == [.lowScore, .noBuyerMatch, .filterMismatch])
    }

    @Test(arguments: SandboxVertical.allCases)
    func bidsStayInTheVerticalsRangeWithCents(vertical: SandboxVertical) {
        let range = DecisionMaker.bidRange(vertical)
        var bids: [Int] = []
        for decision in leads(1000, vertical: vertical).map(DecisionMaker(seed: 9).decide) {
            if case .accepted(let cents, let leadID) = decision {
                bids.append(cents)
                #expect(leadID.count == 11 && leadID.hasPrefix("ld_"))
                #expect(leadID.dropFirst(3).allSatisfy { "0123456789abcdef".contains($0) })
            }
        }
        #expect(bids.allSatisfy { (range.lowerBound * 100...range.upperBound * 100).contains($0) })
        #expect(bids.contains { $0 % 100 != 0 }, "bids have cents")
        let spread = (bids.max() ?? 0) - (bids.min() ?? 0)
        #expect(spread > (range.upperBound - range.lowerBound) * 50, "bids cover the range")
    }

    @Test func leadIDIsPaddedHex() {
        #expect(DecisionMaker.leadID(0x0000_00AB_0000_0000) == "ld_000000ab")
        #expect(DecisionMaker.leadID(0xFFFF_FFFF_0000_0000) == "ld_ffffffff")
    }
}
