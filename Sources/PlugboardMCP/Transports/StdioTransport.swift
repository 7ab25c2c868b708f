import Foundation
import Logging
import PlugboardCore
import Synchronization

/// MCP over stdin/stdout: one JSON-RPC message per line; logs go to stderr only. Returns after end of input,
/// once every request in flight has been answered. SIGTERM and SIGINT do the same: no new requests are taken,
/// those in flight are answered, then it returns.
///
/// The reading thread answers what it can itself (everything but calls to handlers, which run on threads of
/// their own): no task and no hand-off for those, and their replies go out in one write per read. A watchdog
/// moves the reading to a new thread when an answer runs long (ReadingWatchdog.swift), so requests still run
/// concurrently.
public enum StdioTransport {
    /// Seconds to let requests in flight finish after end of input before cancelling them.
    public static let endOfInputGrace: Double = 10

    public static func run(server: MCPServer, surface: String, principal: Principal? = nil, logger: Logger,
                           input: Int32 = 0, output: Int32 = 1, drainOn signals: [Int32] = [SIGTERM, SIGINT]) async {
        let session = MCPSession(surface: surface, principal: principal)
        let writer = ReplyWriter(fd: output)
        let inFlight = DispatchGroup()
        let observation = (principal?.store ?? server.store).observe { kinds in
            // list_changed belongs to the handshake era (2026-07-28 clients re-list on their own schedule).
            guard session.negotiatedVersion != nil else { return }
            for method in ListChanged.methods(for: kinds) {
                writer.write(WireMessages.notification(method: method, params: Array("{}".utf8)))
            }
        }
        defer { observation.cancel() }

        let draining = DrainLatch()
        let listening = Mutex<StdioListeners?>(nil)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            // End of input or a signal: answer what is running, but never hang on a stuck call.
            let finish = {
                guard draining.finishOnce() else { return }
                listening.withLock { $0 }?.endAll()  // listen streams end with their results; they are not in flight
                if inFlight.wait(timeout: .now() + endOfInputGrace) == .timedOut {
                    logger.warning("requests still running after \(endOfInputGrace)s; cancelling them")
                    session.cancelAll()
                    _ = inFlight.wait(timeout: .now() + 2)
                }
                writer.close()
                done.resume()
            }
            draining.signalSources = signals.map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    logger.notice("signal \(number): finishing the requests in flight, then exiting")
                    draining.startDraining()
                    finish()
                }
                source.resume()
                return source
            }
            var loop: StdioReadLoop!
            let requests = StdioRequests(server: server, session: session, writer: writer, inFlight: inFlight, logger: logger,
                                         isDraining: { draining.isDraining }, readOn: { loop.startThread() })
            listening.withLock { $0 = requests.listeners }
            loop = StdioReadLoop(
                fd: input, maxLine: server.configuration.limits.maxBytes, handle: requests.handle,
                flush: { writer.writeLines($0) },
                onEnd: { finish() })
            loop.startThread()
        }
        draining.cancelSignalSources()
    }
}

/// Draining state shared by the signal handlers and the reader: set once, finished once.
private final class DrainLatch: @unchecked Sendable {
    private let lock = NSLock()
    private let draining = Atomic<Bool>(false)
    private var finished = false
    /// Kept here so the handlers live as long as the transport runs.
    var signalSources: [any DispatchSourceSignal] = []

    func cancelSignalSources() {
        for source in signalSources { source.cancel() }
    }

    var isDraining: Bool { draining.load(ordering: .relaxed) }
    func startDraining() { draining.store(true, ordering: .relaxed) }
    /// True for the first caller only.
    func finishOnce() -> Bool { lock.withLock { defer { finished = true }; return !finished } }
}

enum ListChanged {
    /// The notifications for a set of changed kinds; templates are announced with resources/list_changed.
    static func methods(for kinds: Set<ComponentKind>) -> [String] {
        var methods: [String] = []
        if kinds.contains(.tool) { methods.append("notifications/tools/list_changed") }
        if kinds.contains(.resource) || kinds.contains(.resourceTemplate) {
            methods.append("notifications/resources/list_changed")
        }
        if kinds.contains(.prompt) { methods.append("notifications/prompts/list_changed") }
        return methods
    }
}
