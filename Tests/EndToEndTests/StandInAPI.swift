import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal Dreamy Leads endpoint on 127.0.0.1 (port 0) for the end-to-end tests of `run`: real
/// HTTP/1.1 with keep-alive, one thread per connection. Accepts every lead from `token` (bid 12.5)
///, answers 401 to any other token, and counts what arrived.
///
/// The end-to-end target has no dependencies, so this stands in for the sandbox here.
final class StandInAPI: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let token: String
    private let lock = NSLock()
    private var posts = 0
    private var keys: [String: Int] = [:]
    private var unauthorized = 0

    init(token: String) throws {
        self.token = token
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = listener
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var endpoint: String { "http://127.0.0.1:\(port)/webhook/lead" }

    /// POSTs that carried the right token.
    var acceptedPosts: Int { lock.withLock { posts } }
    /// Distinct `Idempotency-Key`s seen with the right token.
    var distinctKeys: Int { lock.withLock { keys.count } }
    /// Requests answered 401.
    var refused: Int { lock.withLock { unauthorized } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            // Read one request: head, then Content-Length bytes of body.
            var headEnd: Int?
            while headEnd == nil {
                headEnd = Self.find([13, 10, 13, 10], in: buffer)
                if headEnd != nil { break }
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { return }
                buffer.append(contentsOf: chunk[0..<n])
            }
            let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
            var headers: [String: String] = [:]
            for line in head.split(separator: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            let bodyStart = headEnd! + 4
            while buffer.count < bodyStart + length {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { return }
                buffer.append(contentsOf: chunk[0..<n])
            }
            let body = String(decoding: buffer[bodyStart..<(bodyStart + length)], as: UTF8.self)
            buffer.removeFirst(bodyStart + length)
            let (status, answer) = respond(headers: headers, body: body)
            let reply =
                "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Unauthorized")\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(answer.utf8.count)\r\n\r\n\(answer)"
            let bytes = Array(reply.utf8)
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n <= 0 { return }
                sent += n
            }
        }
    }

    private func respond(headers: [String: String], body: String) -> (Int, String) {
        lock.lock()
        defer { lock.unlock() }
        guard headers["authorization"] == "Bearer \(token)" else {
            unauthorized += 1
            return (401, #"{"error":"invalid token"}"#)
        }
        posts += 1
        let key = headers["idempotency-key"] ?? ""
        keys[key, default: 0] += 1
        let id = String(format: "ld_%08x", keys.count)
        return (200, #"{"status":"accepted","bid_amount":12.5,"lead_id":"\#(id)"}"#)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
