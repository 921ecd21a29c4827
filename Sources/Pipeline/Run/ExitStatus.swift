/// How a command ends (CONTRACT §3): sysexits codes, so cron and systemd can act on them.
package enum ExitStatus: Int32, Sendable, Hashable, Error {
    /// Every ready file was processed (rejected or invalid leads are results, not errors).
    case ok = 0
    /// A usage or configuration error (EX_USAGE).
    case usage = 64
    /// A file was quarantined or could not be read at all (EX_DATAERR).
    case dataError = 65
    /// The API stayed unavailable: every lead sent ran out of retries (EX_UNAVAILABLE).
    case unavailable = 69
    /// A bug: the program found itself inconsistent (EX_SOFTWARE).
    case software = 70
    /// Reports, spool or ledger could not be created or written (EX_CANTCREAT).
    case cantCreate = 73
    /// Another process holds the lock; nothing was done (EX_TEMPFAIL).
    case tempFail = 75
    /// The API refused the token (HTTP 401): the run stopped (EX_NOPERM).
    case authRefused = 77
    /// Configuration found wrong at run time, such as a refused TLS handshake (EX_CONFIG).
    case config = 78

    /// The status of a command that met every status in `statuses`: the first of `precedence` among them
    /// (the one a person must act on first), else `ok`.
    package static func first(of precedence: [ExitStatus], in statuses: Set<ExitStatus>) -> ExitStatus {
        precedence.first(where: statuses.contains) ?? .ok
    }

    /// The order in which `run` and `watch` report what their files asked for.
    package static let runPrecedence: [ExitStatus] = [.authRefused, .config, .cantCreate, .unavailable, .dataError]
}
