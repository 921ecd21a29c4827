import LeadLedger

/// The roll-up page's trend: per day, week or month, bars of submitted and accepted leads (left axis) and a
/// line of revenue (right axis), as inline SVG with a `<title>` per mark for the exact figures.
struct RollupTrendChart {
    /// One period's figures.
    struct Point {
        var name: String
        var line: RollupLine
    }

    let points: [Point]
    let periodName: String?

    init(report: RollupReport) {
        periodName = report.periodDimension?.rawValue
        guard report.periodDimension != nil else {
            points = []
            return
        }
        var byPeriod: [String: [RollupRow]] = [:]
        for line in report.lines { byPeriod[line.group.day ?? "", default: []].append(line.group) }
        points = byPeriod.keys.sorted().map { Point(name: $0, line: .sum(byPeriod[$0]!)) }
    }

    private static let width = 1000.0
    private static let height = 280.0
    private static let left = 56.0
    private static let right = 78.0
    private static let top = 28.0
    private static let bottom = 40.0
    private static let submittedColour = "#9db4d6"
    private static let acceptedColour = "#2e8b57"
    private static let revenueColour = "#c98a1b"

    func svg() -> String {
        guard let periodName else {
            return "<p class=\"muted\">Group by day, week or month (<code>--by week,publisher</code>) for a trend.</p>\n"
        }
        guard !points.isEmpty else { return "<p class=\"muted\">No answered leads in this period.</p>\n" }
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let countTicks = Self.ticks(Double(points.map(\.line.submitted).max() ?? 0))
        let revenueTicks = Self.ticks(points.map(\.line.revenue).max() ?? 0)
        let countMax = countTicks.last!
        let revenueMax = revenueTicks.last!
        let slot = plotWidth / Double(points.count)
        let bar = min(slot * 0.36, 40)
        func y(_ value: Double, _ max: Double) -> Double { Self.top + plotHeight * (1 - value / max) }

        var svg = """
            <svg class="trend" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" width="100%" role="img" \
            aria-label="Submitted, accepted and revenue per \(periodName)">
            <title>Submitted, accepted and revenue per \(periodName)</title>

            """
        // Grid and both axes' labels.
        for tick in countTicks {
            let ty = Self.f(y(tick, countMax))
            svg += "<line x1=\"\(Self.f(Self.left))\" x2=\"\(Self.f(Self.width - Self.right))\" y1=\"\(ty)\" y2=\"\(ty)\" "
            svg += "stroke=\"#e6e9ef\"/>\n"
            svg += "<text class=\"axis\" x=\"\(Self.f(Self.left - 6))\" y=\"\(ty)\" dy=\"4\" text-anchor=\"end\">"
            svg += "\(HTMLText.grouped(Int(tick)))</text>\n"
        }
        for tick in revenueTicks {
            svg += "<text class=\"axis\" x=\"\(Self.f(Self.width - Self.right + 6))\" y=\"\(Self.f(y(tick, revenueMax)))\" "
            svg += "dy=\"4\">\(Self.shortDollars(tick))</text>\n"
        }
        let labelEvery = max(1, (points.count + 13) / 14)
        var revenuePath: [String] = []
        for (i, point) in points.enumerated() {
            let x = Self.left + slot * Double(i) + slot / 2
            let submitted = Double(point.line.submitted)
            let accepted = Double(point.line.accepted)
            let name = HTMLText.escape(point.name)
            svg += "<rect x=\"\(Self.f(x - bar))\" y=\"\(Self.f(y(submitted, countMax)))\" width=\"\(Self.f(bar))\" "
            svg += "height=\"\(Self.f(plotHeight * submitted / countMax))\" fill=\"\(Self.submittedColour)\">"
            svg += "<title>\(name): \(HTMLText.grouped(point.line.submitted)) submitted</title></rect>\n"
            svg += "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y(accepted, countMax)))\" width=\"\(Self.f(bar))\" "
            svg += "height=\"\(Self.f(plotHeight * accepted / countMax))\" fill=\"\(Self.acceptedColour)\">"
            svg += "<title>\(name): \(HTMLText.grouped(point.line.accepted)) accepted "
            svg += "(\(HTMLText.percent(point.line.acceptance)))</title></rect>\n"
            revenuePath.append("\(Self.f(x)),\(Self.f(y(point.line.revenue, revenueMax)))")
            if i % labelEvery == 0 {
                svg += "<text class=\"axis\" x=\"\(Self.f(x))\" y=\"\(Self.f(Self.height - Self.bottom + 16))\" "
                svg += "text-anchor=\"middle\">\(name)</text>\n"
            }
        }
        svg += "<polyline points=\"\(revenuePath.joined(separator: " "))\" fill=\"none\" stroke=\"\(Self.revenueColour)\" "
        svg += "stroke-width=\"2\"/>\n"
        for (i, point) in points.enumerated() {
            let xy = revenuePath[i].split(separator: ",")
            svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3.5\" fill=\"\(Self.revenueColour)\">"
            svg += "<title>\(HTMLText.escape(point.name)): \(RollupReport.dollars(point.line.revenue)) revenue</title></circle>\n"
        }
        svg += "<line x1=\"\(Self.f(Self.left))\" x2=\"\(Self.f(Self.width - Self.right))\" "
        svg += "y1=\"\(Self.f(Self.top + plotHeight))\" y2=\"\(Self.f(Self.top + plotHeight))\" stroke=\"#9aa3b2\"/>\n"
        // Legend, top left.
        let legend: [(String, String)] = [
            ("Submitted", Self.submittedColour), ("Accepted", Self.acceptedColour), ("Revenue (right axis)", Self.revenueColour),
        ]
        var lx = Self.left
        for (label, colour) in legend {
            svg += "<rect x=\"\(Self.f(lx))\" y=\"6\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            svg += "<text x=\"\(Self.f(lx + 17))\" y=\"16\">\(label)</text>\n"
            lx += 30 + Double(label.count) * 7
        }
        return svg + "</svg>\n"
    }

    /// 0 and four or five round steps up to at least `max` (1, 2 or 5 times a power of ten).
    static func ticks(_ max: Double) -> [Double] {
        guard max > 0 else { return [0, 1] }
        let rough = max / 4
        var power = 1.0
        while power * 10 <= rough { power *= 10 }
        while power > rough { power /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? power * 10
        var ticks = [0.0]
        while ticks.last! < max { ticks.append(ticks.last! + step) }
        return ticks
    }

    /// `$1.2k`, `$35`.
    private static func shortDollars(_ amount: Double) -> String {
        if amount >= 1_000_000 { return "$" + NumberText.fixed(amount / 1_000_000, decimals: 1) + "M" }
        if amount >= 1_000 { return "$" + NumberText.fixed(amount / 1_000, decimals: 1) + "k" }
        return "$" + NumberText.fixed(amount, decimals: 0)
    }

    private static func f(_ value: Double) -> String { NumberText.fixed(value, decimals: 1) }
}
