/// What the passes over a batch did, summed (see `LedgerSchema.registerBatchFigures`).
package struct BatchFigures: Sendable, Hashable {
    /// Requests retried (every attempt after a lead's first that was not a rate-limit wait).
    package var retries = 0
    /// 429 answers that made the senders wait.
    package var rateLimitWaits = 0
    /// Seconds from the start of each pass to its reports, summed.
    package var workSeconds = 0.0

    package init(retries: Int = 0, rateLimitWaits: Int = 0, workSeconds: Double = 0) {
        self.retries = retries
        self.rateLimitWaits = rateLimitWaits
        self.workSeconds = workSeconds
    }

    package static func + (a: BatchFigures, b: BatchFigures) -> BatchFigures {
        BatchFigures(
            retries: a.retries + b.retries, rateLimitWaits: a.rateLimitWaits + b.rateLimitWaits,
            workSeconds: a.workSeconds + b.workSeconds)
    }
}
