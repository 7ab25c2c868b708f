/// Deadlines of one worker's calls, in the order they fall due. Every call of a connection has the same
/// deadline length, so deadlines arrive in order and a FIFO is a priority queue: the reader thread sleeps until
/// the head is due, instead of a timer per call (a Dispatch timer per call wakes Dispatch's timer thread each
/// time, which measurably slows a call down).
struct DeadlineQueue {
    private var entries: [(call: UInt64, due: ContinuousClock.Instant)] = []
    private var head = 0

    var next: ContinuousClock.Instant? { head < entries.count ? entries[head].due : nil }

    mutating func append(_ call: UInt64, due: ContinuousClock.Instant) {
        entries.append((call, due))
    }

    /// Removes and returns the head if it is due by `now`.
    mutating func popDue(_ now: ContinuousClock.Instant) -> UInt64? {
        guard head < entries.count, entries[head].due <= now else { return nil }
        defer { advance() }
        return entries[head].call
    }

    /// Drops entries at the head whose calls have ended (keeps the queue short between deadlines).
    mutating func dropFinished(_ isPending: (UInt64) -> Bool) {
        while head < entries.count, !isPending(entries[head].call) { advance() }
    }

    private mutating func advance() {
        head += 1
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
