import Foundation
import PlugboardCore
import PlugboardTestSupport

/// Many requests released at one instant: every connection is opened first and its thread parked at a gate, so
/// the requests leave as close together as the machine allows. Each is timed from the gate's opening: when its
/// bytes were written and when its reply came. Tests of rates bound what they expect by `spread`, because on a
/// loaded machine "at once" still takes a while, and a rate's tokens come back meanwhile.
struct LoopbackVolley: Sendable {
    struct Shot: Sendable {
        let index: Int
        let reply: LoopbackHTTP.Reply?
        let sent: Double     // seconds after the gate opened
        let replied: Double
    }

    /// The requests, as `LoopbackHTTP.request` builds them.
    let requests: [(headers: [String: String], body: [UInt8])]
    let port: Int

    /// Seconds from the gate's opening until the last request was written.
    static func spread(_ shots: [Shot]) -> Double { shots.map(\.sent).max() ?? 0 }

    func fire() async -> [Shot] {
        let gate = Gate(count: requests.count)
        return await withTaskGroup(of: Shot.self) { group in
            for (index, request) in requests.enumerated() {
                let port = port
                group.addTask {
                    await withCheckedContinuation { continuation in
                        Thread.detachNewThread {
                            continuation.resume(returning: Self.shoot(index, request, port: port, gate: gate))
                        }
                    }
                }
            }
            var shots: [Shot] = []
            for await shot in group { shots.append(shot) }
            return shots.sorted { $0.replied < $1.replied }
        }
    }

    private static func shoot(_ index: Int, _ request: (headers: [String: String], body: [UInt8]), port: Int,
                              gate: Gate) -> Shot {
        let fd = Loopback.connect(port: port)
        let opened = gate.arriveAndWait()
        guard let fd else { return Shot(index: index, reply: nil, sent: 0, replied: 0) }
        defer { close(fd) }
        let written = LoopbackHTTP.write(fd, port: port, "POST", "/mcp", headers: request.headers, body: request.body)
        let sent = seconds(since: opened)
        let reply = written ? LoopbackHTTP.readReply(fd) : nil
        return Shot(index: index, reply: reply, sent: sent, replied: seconds(since: opened))
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).inSeconds
    }

    /// Parks threads until all have arrived, then lets them go together; each learns when the gate opened.
    private final class Gate: @unchecked Sendable {
        private let condition = NSCondition()
        private var waiting: Int
        private var opened: ContinuousClock.Instant?

        init(count: Int) { waiting = count }

        func arriveAndWait() -> ContinuousClock.Instant {
            condition.lock()
            defer { condition.unlock() }
            waiting -= 1
            if waiting == 0 {
                opened = .now
                condition.broadcast()
            }
            while opened == nil { condition.wait() }
            return opened!
        }
    }
}
