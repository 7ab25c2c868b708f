import Foundation
import Synchronization

/// The stdio reading thread answers most requests itself (no hand-off, which is most of what a small request
/// costs). The watchdog keeps that safe: if an answer runs longer than a tick or two (a slow or stuck typed
/// function), it takes the reading role away from that thread and starts another to go on reading, so one slow
/// call never holds up the requests behind it, nor their cancellations. The slow call's thread answers when it
/// is done and then ends; the watchdog answers for it if its deadline passes first.
///
/// The reading thread pays two atomic operations per answer; the watchdog checks every millisecond while
/// requests come, and sleeps when the input is quiet.
final class ReadingWatchdog: @unchecked Sendable {
    /// Even: the reading thread is reading; odd: it is answering a request. Each answer moves it on by two, so a
    /// value seen twice a tick apart is one answer that has run for at least a tick.
    private let phase = Atomic<UInt64>(0)
    private let parked = Atomic<Bool>(false)
    private let wakeUp = DispatchSemaphore(value: 0)
    private let tick: Duration
    /// Starts a new reading thread after a take-over.
    private let takeOver: (InlineCall) -> Void
    /// The reading thread's current answer: written by it before `enter`, read here only after a take-over.
    private var current: InlineCall?
    /// Calls taken over and not yet answered, with the instant their deadline passes.
    private let overdue = Mutex<[(call: InlineCall, due: ContinuousClock.Instant?)]>([])

    init(tick: Duration = .milliseconds(1), takeOver: @escaping (InlineCall) -> Void) {
        self.tick = tick
        self.takeOver = takeOver
        let thread = Thread { [self] in watch() }
        thread.name = "plugboard-watchdog"
        thread.start()
    }

    /// The reading thread starts answering `call`; pass the ticket to `leave`.
    func enter(_ call: InlineCall) -> UInt64 {
        current = call
        // Sequentially consistent against `park`: either the watchdog sees the answer or this sees it parked.
        let answering = phase.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
        if parked.load(ordering: .sequentiallyConsistent), parked.exchange(false, ordering: .acquiringAndReleasing) { wakeUp.signal() }
        return answering
    }

    /// The reading thread is done answering: true if it is still the reading thread (the phase is still the one
    /// it entered; a take-over moved it on).
    func leave(_ ticket: UInt64) -> Bool {
        phase.compareExchange(expected: ticket, desired: ticket &+ 1, ordering: .acquiringAndReleasing).exchanged
    }

    private func watch() {
        var seen: UInt64 = 0
        var quietTicks = 0
        while true {
            sleep(for: tick)
            let now = phase.load(ordering: .acquiring)
            if now & 1 == 1, now == seen,
               phase.compareExchange(expected: now, desired: now &+ 1, ordering: .acquiringAndReleasing).exchanged {
                // The answer has run for over a tick: its thread keeps it, a new thread reads on.
                let call = current!
                overdue.withLock { $0.append((call, call.timeout.map { .now + $0 - tick })) }
                takeOver(call)
            }
            quietTicks = now == seen && now & 1 == 0 ? quietTicks + 1 : 0
            seen = now
            let waiting = expireOverdue()
            if quietTicks >= 100 && !waiting { park() }
        }
    }

    /// Answers taken-over calls whose deadline passed; true while any is still running.
    private func expireOverdue() -> Bool {
        let now = ContinuousClock.now
        let expired: [InlineCall] = overdue.withLock { list in
            list.removeAll { $0.call.isSettled }
            let due = list.filter { $0.due.map { $0 <= now } ?? false }.map(\.call)
            list.removeAll { entry in due.contains { $0 === entry.call } }
            return due
        }
        for call in expired { call.expire() }
        return overdue.withLock { !$0.isEmpty }
    }

    /// Sleeps until the reading thread starts answering again.
    private func park() {
        parked.store(true, ordering: .sequentiallyConsistent)
        if phase.load(ordering: .sequentiallyConsistent) & 1 == 1, parked.exchange(false, ordering: .acquiringAndReleasing) {
            return
        }
        wakeUp.wait()
    }

    private func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
