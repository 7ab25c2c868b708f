import Glibc
import Synchronization

/// Whether a typed function has been quick so far. A caller that cannot hand its thread over (a task on Swift's
/// cooperative pool, where two stuck threads stall a two-core host) runs a function in place only once its last
/// `streakNeeded` calls each took at most `quickLimit`. A slower call sends it back to handler threads until it
/// has been quick again for longer each time (64 calls after the first slow one, doubling up to a million), so
/// a fluke (the machine paused the thread) costs little and a function that is often slow is rarely run in place.
final class CallTiming: Sendable {
    static let quickLimit: UInt64 = 2_000_000  // ns
    static let streakNeeded = 32

    /// Quick calls in a row; negative: the calls still owed after a slow one.
    private let streak = Atomic<Int>(0)
    private let slowCalls = Atomic<Int>(0)

    var isKnownQuick: Bool { streak.load(ordering: .relaxed) >= Self.streakNeeded }

    func measure<T>(_ call: () -> T) -> T {
        let started = Self.now()
        let result = call()
        record(Self.now() &- started)
        return result
    }

    func record(_ nanoseconds: UInt64) {
        if nanoseconds > Self.quickLimit {
            let slow = slowCalls.wrappingAdd(1, ordering: .relaxed).newValue
            streak.store(-(Self.streakNeeded << min(slow, 15)), ordering: .relaxed)
        } else if streak.load(ordering: .relaxed) < Self.streakNeeded {
            streak.wrappingAdd(1, ordering: .relaxed)  // racing calls may both add: harmless
        }
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
