/// Copies of a few bytes without a call into `memmove`: report values are mostly 1–32 bytes, where
/// the call costs more than the copy.
enum SmallCopy {
    @inline(__always)
    static func copy(from source: UnsafePointer<UInt8>, count n: Int, to target: UnsafeMutablePointer<UInt8>) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        switch n {
        case 0:
            return
        case 1...3:
            target[0] = source[0]
            target[n / 2] = source[n / 2]
            target[n - 1] = source[n - 1]
        case 4...7:
            // Two overlapping 4-byte moves cover any length from 4 to 8.
            let head = from.loadUnaligned(as: UInt32.self)
            let last = from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: last, toByteOffset: n - 4, as: UInt32.self)
        case 8...16:
            let head = from.loadUnaligned(as: UInt64.self)
            let last = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: last, toByteOffset: n - 8, as: UInt64.self)
        case 17...32:
            let a = from.loadUnaligned(as: UInt64.self)
            let b = from.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = from.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self)
            let d = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            to.storeBytes(of: a, as: UInt64.self)
            to.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            to.storeBytes(of: c, toByteOffset: n - 16, as: UInt64.self)
            to.storeBytes(of: d, toByteOffset: n - 8, as: UInt64.self)
        default:
            target.update(from: source, count: n)
        }
    }
}
