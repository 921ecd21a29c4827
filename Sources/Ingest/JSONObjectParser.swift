/// Parses one JSON object from a line of bytes into keys and values, keeping each value's JSON
/// type (nested arrays and objects are kept as raw text). Reused across lines to avoid allocations.
struct JSONObjectParser {
    enum Result {
        case success
        case failure(String, at: Int)
    }

    private(set) var keys: [String] = []
    private(set) var values: [RawValue] = []
    private var scratch: [UInt8] = []
    /// Position of each key, kept only for objects with more than `linearKeys` keys: a linear search per
    /// key made a line of 80 000 keys take seconds.
    private var keyIndex: [String: Int] = [:]
    static let linearKeys = 32

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }

    /// Where `key` already is among the keys of the object being parsed (a repeated key: the last value wins).
    private mutating func position(ofKey key: String) -> Int? {
        guard keys.count > Self.linearKeys else { return keys.firstIndex(of: key) }
        if keyIndex.isEmpty {
            for (i, k) in keys.enumerated() { keyIndex[k] = i }
        }
        return keyIndex[key]
    }

    /// True when the last parsed keys equal `names` in order.
    func sameKeys(as names: [String]) -> Bool { names == keys }

    private struct Failure: Error {
        var reason: String
        var at: Int
    }

    mutating func parse(_ p: UnsafeBufferPointer<UInt8>) -> Result {
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        keyIndex.removeAll(keepingCapacity: true)
        var i = 0
        do {
            skipSpace(p, &i)
            guard i < p.count, p[i] == UInt8(ascii: "{") else { throw Failure(reason: "not a JSON object", at: i) }
            i += 1
            skipSpace(p, &i)
            if i < p.count && p[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipSpace(p, &i)
                    guard i < p.count, p[i] == UInt8(ascii: "\"") else {
                        throw Failure(reason: "expected a quoted key", at: i)
                    }
                    let key = try parseString(p, &i)
                    skipSpace(p, &i)
                    guard i < p.count, p[i] == UInt8(ascii: ":") else { throw Failure(reason: "expected ':'", at: i) }
                    i += 1
                    skipSpace(p, &i)
                    let value = try parseValue(p, &i)
                    if let existing = position(ofKey: key) {
                        values[existing] = value
                    } else {
                        keys.append(key)
                        values.append(value)
                        if !keyIndex.isEmpty { keyIndex[key] = keys.count - 1 }
                    }
                    skipSpace(p, &i)
                    guard i < p.count else { throw Failure(reason: "the object is not closed", at: i) }
                    if p[i] == UInt8(ascii: ",") {
                        i += 1
                        continue
                    }
                    guard p[i] == UInt8(ascii: "}") else { throw Failure(reason: "expected ',' or '}'", at: i) }
                    i += 1
                    break
                }
            }
            skipSpace(p, &i)
            guard i == p.count else { throw Failure(reason: "unexpected data after the object", at: i) }
            return .success
        } catch let failure as Failure {
            return .failure(failure.reason, at: failure.at)
        } catch {
            return .failure("\(error)", at: i)
        }
    }

    private func skipSpace(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        while i < p.count && Self.isSpace(p[i]) { i += 1 }
    }

    private mutating func parseValue(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws -> RawValue {
        guard i < p.count else { throw Failure(reason: "expected a value", at: i) }
        switch p[i] {
        case UInt8(ascii: "\""):
            return .string(try parseString(p, &i))
        case UInt8(ascii: "t"):
            try expectLiteral("true", p, &i)
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false", p, &i)
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null", p, &i)
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber(p, &i))
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let lower = i
            try skipNested(p, &i)
            return .json(String(decoding: UnsafeBufferPointer(rebasing: p[lower..<i]), as: UTF8.self))
        default:
            throw Failure(reason: "unexpected character", at: i)
        }
    }

    private func expectLiteral(_ literal: StaticString, _ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws {
        let count = literal.utf8CodeUnitCount
        guard i + count <= p.count else { throw Failure(reason: "bad literal", at: i) }
        let lit = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for k in 0..<count where p[i + k] != lit[k] { throw Failure(reason: "bad literal", at: i) }
        i += count
    }

    private func parseNumber(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws -> String {
        let lower = i
        func digits(_ i: inout Int) -> Int {
            let s = i
            while i < p.count && p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
            return i - s
        }
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < p.count, p[i] >= 0x30, p[i] <= 0x39 else { throw Failure(reason: "bad number", at: lower) }
        if p[i] == UInt8(ascii: "0") { i += 1 } else { _ = digits(&i) }
        if i < p.count && p[i] == UInt8(ascii: ".") {
            i += 1
            guard digits(&i) > 0 else { throw Failure(reason: "bad number", at: lower) }
        }
        if i < p.count && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            if i < p.count && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits(&i) > 0 else { throw Failure(reason: "bad number", at: lower) }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: p[lower..<i]), as: UTF8.self)
    }

    /// Skips a nested array or object, string-aware.
    private func skipNested(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws {
        let lower = i
        var depth = 0
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                while i < p.count && p[i] != UInt8(ascii: "\"") { i += p[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard i < p.count else { break }
            } else if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 {
                    i += 1
                    guard String(validating: UnsafeBufferPointer(rebasing: p[lower..<i]), as: UTF8.self) != nil else {
                        throw Failure(reason: "invalid UTF-8", at: lower + (firstInvalidUTF8Offset(
                            UnsafeBufferPointer(rebasing: p[lower..<i])) ?? 0))
                    }
                    return
                }
            }
            i += 1
        }
        throw Failure(reason: "unterminated array or object", at: lower)
    }

    private mutating func parseString(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws -> String {
        let open = i
        i += 1
        let lower = i
        // Fast path: no escapes.
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: p[lower..<i])
                i += 1
                guard let s = String.fromUTF8(slice) else {
                    throw Failure(reason: "invalid UTF-8", at: lower + (firstInvalidUTF8Offset(slice) ?? 0))
                }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw Failure(reason: "control character in a string", at: i) }
            i += 1
        }
        guard i < p.count else { throw Failure(reason: "unterminated string", at: open) }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[lower..<i]))
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                guard let s = scratch.withUnsafeBufferPointer({ String.fromUTF8($0) }) else {
                    throw Failure(reason: "invalid UTF-8", at: lower)
                }
                return s
            }
            if b < 0x20 { throw Failure(reason: "control character in a string", at: i) }
            if b != UInt8(ascii: "\\") {
                scratch.append(b)
                i += 1
                continue
            }
            guard i + 1 < p.count else { break }
            let e = p[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(p, i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 6 <= p.count, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                        throw Failure(reason: "lone surrogate in \\u escape", at: i)
                    }
                    let low = try hex4(p, i + 2)
                    guard (0xDC00...0xDFFF).contains(low) else { throw Failure(reason: "bad surrogate pair", at: i) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw Failure(reason: "lone surrogate in \\u escape", at: i)
                }
                guard let u = Unicode.Scalar(scalar) else { throw Failure(reason: "bad \\u escape", at: i) }
                scratch.append(contentsOf: UTF8.encode(u)!)
            default:
                throw Failure(reason: "bad escape", at: i - 1)
            }
        }
        throw Failure(reason: "unterminated string", at: open)
    }

    private func hex4(_ p: UnsafeBufferPointer<UInt8>, _ at: Int) throws -> UInt32 {
        guard at + 4 <= p.count else { throw Failure(reason: "bad \\u escape", at: at) }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = p[at + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw Failure(reason: "bad \\u escape", at: at)
            }
            v = v << 4 | d
        }
        return v
    }
}
