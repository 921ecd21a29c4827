import Synchronization

/// Reads single JSON objects (a webhook's body) as records, with the JSONL reader's parser and field
/// matching. One instance serves every request: the columns of the key lists seen are kept, as most bodies
/// repeat one of a few (one per vertical).
package final class JSONObjectRecords: Sendable {
    private let cache = Mutex<[[String]: Columns]>([:])
    private static let cacheLimit = 64

    package init() {}

    /// The object in `bytes` as record 1, or `nil` when `bytes` is not one JSON object (with the reason).
    package func record(_ bytes: UnsafeRawBufferPointer) -> Result<RawRecord, JSONObjectError> {
        var parser = JSONObjectParser()
        switch parser.parse(bytes.assumingMemoryBound(to: UInt8.self)) {
        case .failure(let reason, let at):
            return .failure(JSONObjectError(description: "bad JSON at byte \(at + 1): \(reason)"))
        case .success:
            return .success(
                RawRecord(row: 1, line: 1, byteOffset: 0, columns: columns(parser.keys), values: parser.values))
        }
    }

    private func columns(_ keys: [String]) -> Columns {
        if let known = cache.withLock({ $0[keys] }) { return known }
        let made = Columns(names: keys)
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[keys] = made
        }
        return made
    }
}

/// Why a body is not one JSON object.
package struct JSONObjectError: Error, Sendable, CustomStringConvertible {
    package let description: String
}
