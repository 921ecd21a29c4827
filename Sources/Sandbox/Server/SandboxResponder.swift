import Hummingbird
import Logging
import NIOCore

/// Routes and answers every request. A hand-written switch rather than a router: the sandbox has
/// three routes and must answer 404 and 405 exactly.
struct SandboxResponder: HTTPResponder {
    typealias Context = SandboxRequestContext

    static let webhookPath = "/webhook/lead"
    static let statsPath = "/_sandbox/stats"
    static let resetPath = "/_sandbox/reset"

    let configuration: SandboxConfiguration
    let state: SandboxState
    let decisions: DecisionMaker
    let faults: FaultPlan
    let forced: ForcedStatusPlan
    let logger: Logger

    init(configuration: SandboxConfiguration, state: SandboxState, logger: Logger) {
        self.configuration = configuration
        self.state = state
        decisions = DecisionMaker(seed: configuration.seed)
        faults = FaultPlan(
            seed: configuration.seed,
            latencyMilliseconds: configuration.latencyMilliseconds,
            errorRate: configuration.errorRate,
            dropRate: configuration.dropRate
        )
        forced = ForcedStatusPlan(seed: configuration.seed, forced: configuration.forcedStatuses)
        self.logger = logger
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let path = request.uri.path
        let route: String
        let reply: Reply
        switch path {
        case Self.webhookPath:
            route = path
            if request.method == .post {
                reply = try await webhook(request, channel: context.channel, arrival: started)
            } else {
                reply = record(.methodNotAllowed(allow: "POST"))
            }
        case Self.statsPath:
            route = path
            reply = request.method == .get ? stats() : .methodNotAllowed(allow: "GET")
        case Self.resetPath:
            route = path
            if request.method == .post {
                state.reset()
                reply = .json(.ok, #"{"status":"reset"}"#)
            } else {
                reply = .methodNotAllowed(allow: "POST")
            }
        default:
            // Unknown paths are not logged: a path is client data and could carry PII.
            route = "(other)"
            reply = record(.json(.notFound, ErrorBody.render("no such endpoint", fields: nil)))
        }
        let response = reply.response
        log(method: request.method, route: route, status: response?.status.code, since: started)
        if let response { return response }
        // Dropped: the channel is closed already, so this answer is never written.
        return Response(status: .internalServerError)
    }

    /// Counts an answer that is not about a lead.
    private func record(_ reply: Reply) -> Reply {
        state.finish(status: reply.statusCode, leadKey: nil, attempt: nil, proposed: nil)
        return reply
    }

    private func stats() -> Reply {
        let snapshot = state.snapshot()
        return .json(.ok, SandboxStats.render(snapshot, uptimeMicroseconds: state.elapsedMicroseconds()))
    }

    private func log(method: HTTPRequest.Method, route: String, status: Int?, since started: ContinuousClock.Instant) {
        guard logger.logLevel <= .info else { return }
        let micros = state.elapsedMicroseconds(at: .now) - state.elapsedMicroseconds(at: started)
        let statusText = status.map(String.init) ?? "dropped"
        let milliseconds = JSONWriter.fixedPointText(micros, decimals: 3, trimZeros: false)
        logger.info(
            "request",
            metadata: [
                "http.method": "\(method.rawValue)", "http.path": "\(route)", "http.status": "\(statusText)",
                "http.latency_ms": "\(milliseconds)",
            ]
        )
    }
}

/// An answer before it becomes a `Response`; `dropped` has none.
enum Reply {
    case json(HTTPResponse.Status, String, HTTPFields = [:])
    /// An HTML page where JSON belongs (`--force-status nonjson`).
    case html(HTTPResponse.Status, String)
    case dropped

    static func methodNotAllowed(allow: String) -> Reply {
        var headers = HTTPFields()
        headers[.allow] = allow
        return .json(.methodNotAllowed, ErrorBody.render("method not allowed; use \(allow)", fields: nil), headers)
    }

    var statusCode: Int? {
        switch self {
        case .json(let status, _, _), .html(let status, _): status.code
        case .dropped: nil
        }
    }

    var response: Response? {
        let status: HTTPResponse.Status
        let body: String
        var headers: HTTPFields
        switch self {
        case .json(let code, let text, let extra):
            (status, body, headers) = (code, text, extra)
            headers[.contentType] = "application/json"
        case .html(let code, let text):
            (status, body, headers) = (code, text, [.contentType: "text/html"])
        case .dropped:
            return nil
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// `{"error":"…","fields":[…]}`, the body of every error answer.
enum ErrorBody {
    static func render(_ message: String, fields: [String]?) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.key("error")
        json.string(message)
        if let fields {
            json.key("fields")
            json.beginArray()
            for field in fields { json.string(field) }
            json.endArray()
        }
        json.endObject()
        return json.text
    }
}
