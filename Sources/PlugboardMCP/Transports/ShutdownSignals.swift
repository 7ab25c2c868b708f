import Dispatch
import Glibc
import Logging

/// SIGTERM and SIGINT for the HTTP transport: readiness turns 503 at once, the host keeps serving for the drain
/// delay (a load balancer stops sending it traffic meanwhile), then the graceful shutdown starts. A second signal
/// during the delay shuts down at once.
final class ShutdownSignals: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "plugboard.http.shutdown")
    private var received = 0

    init(health: HealthProbes, delay: Duration, logger: Logger, shutdown: @escaping @Sendable () async -> Void) {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in
                received += 1
                health.startDraining()
                if received == 1, delay > .zero {
                    logger.notice("signal \(number): /readyz now answers 503; serving for \(delay) more, then draining")
                    Task {
                        try? await Task.sleep(for: delay)
                        await shutdown()
                    }
                } else {
                    logger.notice("signal \(number): finishing the requests in flight, then exiting")
                    Task { await shutdown() }
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
