import Dispatch
import Export
import Foundation
import Ingest
import Hummingbird
import Logging
import NIOCore

/// Answers the endpoint: a hand-written sequence of checks, each with its status, in the order docs/receive.md
/// gives. The signature is checked over the raw body before the body is parsed.
struct ReceiveResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    static let signatureHeader = HTTPFields.Element.Name("X-DreamyLeads-Signature")!
    static let leadIDHeader = HTTPFields.Element.Name("X-DreamyLeads-LeadId")!
    static let versionHeader = HTTPFields.Element.Name("X-DreamyLeads-Version")!
    /// The API version the page documents.
    static let knownVersion = "2026-04"

    let configuration: ReceiveConfiguration
    let screen: LeadScreen
    let desk: DeliveryDesk
    let metrics: ReceiveMetrics
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        guard request.uri.path == configuration.path else {
            // The path is not logged: it is the client's text.
            metrics.delivered("not_found")
            return Self.error(.notFound, "no such endpoint")
        }
        guard request.method == .post else {
            metrics.delivered("method_not_allowed")
            var response = Self.error(.methodNotAllowed, "method not allowed; use POST")
            response.headers[.allow] = "POST"
            return response
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            metrics.delivered("too_large")
            return Self.error(.contentTooLarge, "the body is larger than \(configuration.maxBodyBytes) bytes")
        }
        guard Self.isJSON(request.headers[.contentType]) else {
            metrics.delivered("unsupported_type")
            return Self.error(.unsupportedMediaType, "Content-Type must be application/json")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch {
            metrics.delivered("too_large")
            return Self.error(.contentTooLarge, "the body is larger than \(configuration.maxBodyBytes) bytes")
        }
        let signed = body.withUnsafeReadableBytes { bytes in
            configuration.secrets.verify(signature: request.headers[Self.signatureHeader], body: bytes)
        }
        guard signed else {
            metrics.signatureFailed()
            logger.notice("refused a delivery: signature missing or wrong")
            return Response(status: .unauthorized)
        }
        guard let leadID = request.headers[Self.leadIDHeader], Self.isLeadID(leadID) else {
            metrics.delivered("bad_request")
            return Self.error(.badRequest, "X-DreamyLeads-LeadId must be ld_ and up to 64 letters, digits, _ or -")
        }
        let version = request.headers[Self.versionHeader] ?? ""
        if version != Self.knownVersion {
            metrics.unknownVersion()
            logger.warning(
                "delivery with an unknown API version, accepted",
                metadata: ["receive.version": "\(Self.printable(version))", "receive.lead_id": "\(leadID)"])
        }
        let outcome = await decide(leadID: leadID, version: Self.printable(version), body: body)
        let elapsed = Int64(DispatchTime.now().uptimeNanoseconds &- started)
        switch outcome {
        case .answered(let answer, let replay):
            metrics.answered(answer, replay: replay, nanoseconds: elapsed)
            if logger.logLevel <= .debug {
                logger.debug(
                    "answered", metadata: ["receive.lead_id": "\(leadID)", "receive.status": "\(answer.status)",
                        "receive.reason": "\(answer.reason?.rawValue ?? "")", "receive.replay": "\(replay)"])
            }
            return Self.json(.ok, answer.json)
        case .badRequest(let reason):
            metrics.delivered("bad_request")
            return Self.error(.badRequest, "the body is not one JSON object (\(reason))")
        case .unavailable:
            metrics.delivered("unavailable")
            return Self.error(.serviceUnavailable, "the answer could not be recorded; try again")
        }
    }

    /// A new lead id is screened and queued for the writer, with the deadline armed; one on its way already
    /// waits for that delivery's outcome; one answered before gets its stored answer.
    private func decide(leadID: String, version: String, body: ByteBuffer) async -> DeliveryOutcome {
        let (ticket, isNew) = desk.ticket(for: leadID)
        guard isNew else {
            let outcome = await ticket.outcome()
            if case .answered(let answer, _) = outcome { return .answered(answer, replay: true) }
            return outcome
        }
        let stored: ReceiveAnswer?
        do {
            stored = try desk.storedAnswer(leadID)
        } catch {
            logger.error("cannot read the receive ledger: \(error.message)")
            desk.release(ticket, .unavailable)
            return .unavailable
        }
        if let stored {
            desk.release(ticket, .answered(stored, replay: true))
            return .answered(stored, replay: true)
        }
        let now = Int64(Date().timeIntervalSince1970)
        let screened = body.withUnsafeReadableBytes { bytes in
            screen.screen(body: bytes, leadID: leadID, version: version, receivedAt: now)
        }
        switch screened {
        case .failure(let error):
            desk.release(ticket, .badRequest(error.description))
        case .success(let lead):
            let deadline = DispatchWorkItem { _ = ticket.expire() }
            let (seconds, attoseconds) = configuration.deadline.components
            let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: deadline)
            desk.submit(ticket, lead)
            let outcome = await ticket.outcome()
            deadline.cancel()
            return outcome
        }
        return await ticket.outcome()
    }

    /// `application/json`, parameters (`; charset=utf-8`) allowed.
    static func isJSON(_ value: String?) -> Bool {
        guard let value else { return false }
        let type = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
        return type?.lowercased() == "application/json"
    }

    /// `ld_` and 1...64 of `[A-Za-z0-9_-]`: safe in logs, file lines and SQL.
    static func isLeadID(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count > 3, utf8.count <= 67, text.hasPrefix("ld_") else { return false }
        return utf8.dropFirst(3).allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }

    /// At most 32 printable ASCII characters of a header, for logs and the outbox.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x21 && $0.value < 0x7F }.prefix(32)))
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, #"{"error":"# + JSONText.quoted(message) + "}")
    }
}
