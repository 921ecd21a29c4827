import Submission

/// Redraws the status line twice a second while a run works.
enum ProgressTicker {
    static func start(observer: RunObserver, counters: @escaping @Sendable () -> SubmitCounters) -> Task<Void, Never>? {
        guard observer.showsProgress else { return nil }
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                observer.render(counters())
            }
        }
    }
}
