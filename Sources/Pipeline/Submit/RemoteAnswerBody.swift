#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads the bodies the API answers with, through `JSONDecoder` (``AnswerJSON``).
enum RemoteAnswerBody {
    /// Longest remote text put in a reason, in characters.
    static let maxMessageLength = 300

    /// A 2xx body: `{"status":"accepted","bid_amount":18.5,"lead_id":"ld_..."}` or
    /// `{"status":"rejected", ...}`; `nil` for anything else (not JSON, no such status, cut short).
    ///
    /// An `accepted` body missing `lead_id` or `bid_amount` is still accepted (the lead is sold; a
    /// `failed` result would invite sending it again), with the missing values empty.
    static func parse(_ response: TransportResponse) -> RemoteAnswer? {
        guard !response.bodyTruncated, case .object(let body)? = decode(response.body), let status = body.status
        else { return nil }
        switch status {
        case "accepted":
            return .accepted(leadID: body.leadID, bid: body.bid)
        case "rejected":
            return .rejected(reason: (body.reason ?? body.message ?? body.error).flatMap(clean))
        default:
            return nil
        }
    }

    /// The remote error text of a 4xx body: `error`, `message`, `reason` or `detail` of a JSON object
    /// (with its `fields` list, if any), or else the body as text; one line, cut to
    /// ``maxMessageLength``. `nil` when there is nothing to say.
    static func message(_ body: [UInt8]) -> String? {
        switch decode(body) {
        case nil: return clean(String(decoding: body, as: UTF8.self))
        case .other(let text): return text.flatMap(clean)
        case .object(let object):
            var text = (object.error ?? object.message ?? object.reason ?? object.detail).flatMap(clean)
            let names = (object.fields ?? object.errors ?? []).compactMap { $0.flatMap(clean) }
            if !names.isEmpty {
                let list = "fields: " + names.joined(separator: ", ")
                text = text.map { "\($0) (\(list))" } ?? list
            }
            return text.flatMap(clean)
        }
    }

    /// The body as JSON, `nil` when it is not JSON. Bytes that are not UTF-8 and lone surrogate escapes
    /// become U+FFFD first (which ``clean(_:)`` shows as `?`): broken text from a server is repaired
    /// rather than refused, as `JSONDecoder` would.
    private static func decode(_ body: [UInt8]) -> AnswerJSON? {
        var bytes = Array(String(decoding: body, as: UTF8.self).utf8)
        repairLoneSurrogateEscapes(&bytes)
        return try? JSONDecoder().decode(AnswerJSON.self, from: Data(bytes))
    }

    /// Rewrites each `\uD800`–`\uDFFF` escape that is not half of a high-low pair as `\uFFFD`.
    static func repairLoneSurrogateEscapes(_ bytes: inout [UInt8]) {
        func surrogate(at i: Int) -> UInt32? {
            guard i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                let value = UInt32(String(decoding: bytes[i + 2..<i + 6], as: UTF8.self), radix: 16),
                (0xD800..<0xE000).contains(value)
            else { return nil }
            return value
        }
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] != UInt8(ascii: "u") {
                i += 2  // another escape (`\\` too): its second byte starts nothing
                continue
            }
            guard let high = surrogate(at: i) else {
                i += 1
                continue
            }
            if high < 0xDC00, let low = surrogate(at: i + 6), low >= 0xDC00 {
                i += 12
                continue
            }
            bytes.replaceSubrange(i + 2..<i + 6, with: Array("FFFD".utf8))
            i += 6
        }
    }

    /// One line: control characters and runs of whitespace become one space; trimmed; cut. A replacement
    /// character (bytes that were not UTF-8, a lone surrogate escape) becomes `?`: no report holds U+FFFD.
    static func clean(_ text: String) -> String? {
        var out = ""
        var pendingSpace = false
        var count = 0
        for character in text {
            if character.isWhitespace
                || character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control })
            {
                pendingSpace = !out.isEmpty
                continue
            }
            if count >= maxMessageLength {
                out.append("…")
                break
            }
            if pendingSpace {
                out.append(" ")
                count += 1
                pendingSpace = false
            }
            out.append(character.unicodeScalars.contains("\u{FFFD}") ? "?" : character)
            count += 1
        }
        return out.isEmpty ? nil : out
    }
}
