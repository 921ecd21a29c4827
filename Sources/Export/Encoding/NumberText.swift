/// Numbers as report text, without Foundation formatters: integers, money in cents, fixed decimals.
package enum NumberText {
    /// Room any `Int` needs.
    static let maxIntCount = 20

    /// Writes `value` in decimal at `cursor`; answers the cursor past it.
    @inline(__always)
    static func write(_ value: Int, at cursor: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = cursor
        var magnitude = value.magnitude
        if value < 0 {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        let end = p + digitCount(magnitude)
        var q = end
        let pairs = digitPairs.utf8Start
        while magnitude >= 100 {
            let pair = Int(magnitude % 100) * 2
            magnitude /= 100
            q -= 2
            q[0] = pairs[pair]
            q[1] = pairs[pair + 1]
        }
        if magnitude >= 10 {
            q -= 2
            q[0] = pairs[Int(magnitude) * 2]
            q[1] = pairs[Int(magnitude) * 2 + 1]
        } else {
            q -= 1
            q[0] = UInt8(truncatingIfNeeded: magnitude) &+ 0x30
        }
        return end
    }

    @inline(__always)
    private static func digitCount(_ n: UInt) -> Int {
        // Comparisons, not divisions: row numbers, statuses and latencies are small.
        if n < 10 { return 1 }
        if n < 100 { return 2 }
        if n < 1000 { return 3 }
        if n < 10_000 { return 4 }
        if n < 100_000 { return 5 }
        if n < 1_000_000 { return 6 }
        if n < 10_000_000 { return 7 }
        var count = 8
        var rest = n / 100_000_000
        while rest > 0 {
            rest /= 10
            count += 1
        }
        return count
    }

    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// Whole cents of a money amount (rounded half away from zero), or `nil` when it is not finite or
    /// too large to be money.
    @inline(__always)
    package static func cents(_ amount: Double) -> Int? {
        guard amount.isFinite, abs(amount) < 1e15 else { return nil }
        return Int((amount * 100).rounded())
    }

    /// Writes cents as `d.dd` (`1850` → `18.50`, `-5` → `-0.05`).
    @inline(__always)
    static func writeCents(_ cents: Int, at cursor: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = cursor
        if cents < 0 {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        let magnitude = Int(cents.magnitude)
        p = write(magnitude / 100, at: p)
        let fraction = magnitude % 100
        p[0] = UInt8(ascii: ".")
        p[1] = UInt8(truncatingIfNeeded: fraction / 10) &+ 0x30
        p[2] = UInt8(truncatingIfNeeded: fraction % 10) &+ 0x30
        return p + 3
    }

    /// `cents` as text (`1850` → `18.50`).
    package static func money(cents: Int) -> String {
        String(unsafeUninitializedCapacity: maxIntCount + 4) { out in
            writeCents(cents, at: out.baseAddress!) - out.baseAddress!
        }
    }

    /// `value` with exactly `decimals` digits after the point (0…9), rounded half away from zero.
    /// Values too large for that precision fall back to the shortest round-trip text.
    package static func fixed(_ value: Double, decimals: Int) -> String {
        precondition((0...9).contains(decimals))
        guard value.isFinite else { return "0" }
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded()
        guard scaled < 9e15 else { return "\(value)" }
        let units = Int(scaled)
        var text = value < 0 && units != 0 ? "-" : ""
        text += String(units / scale)
        if decimals > 0 {
            let fraction = String(units % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }
}

extension OutputBuffer {
    @inline(__always)
    mutating func int(_ value: Int) throws {
        var p = try reserve(NumberText.maxIntCount)
        p.write(atMost: NumberText.maxIntCount) { NumberText.write(value, at: $0) }
        commit(p)
    }

    @inline(__always)
    mutating func cents(_ value: Int) throws {
        var p = try reserve(NumberText.maxIntCount + 4)
        p.write(atMost: NumberText.maxIntCount + 4) { NumberText.writeCents(value, at: $0) }
        commit(p)
    }
}
