import Synchronization

/// At most `lines` log lines per `interval`, so a flood (refused connections, a failing provider under load, an
/// unreachable collector) is a few lines that say how many went unsaid, never a flood of its own.
public final class LogThrottle: Sendable {
    private struct Window {
        var start: ContinuousClock.Instant?
        var used = 0
        var suppressed = 0
    }
    private let lines: Int
    private let interval: Duration
    private let window = Mutex(Window())

    public init(lines: Int = 1, per interval: Duration) {
        self.lines = lines
        self.interval = interval
    }

    /// Nil: hold this line back. Otherwise write it, with the number of lines held back since the last one.
    public func admit(now: ContinuousClock.Instant = .now) -> Int? {
        window.withLock { window in
            if window.start.map({ now - $0 >= interval }) ?? true {
                window.start = now
                window.used = 0
            }
            guard window.used < lines else {
                window.suppressed += 1
                return nil
            }
            window.used += 1
            defer { window.suppressed = 0 }
            return window.suppressed
        }
    }
}
