import Hummingbird
import NIOCore
import PlugboardJSON
import Synchronization

/// `GET /healthz` and `GET /readyz` for orchestrators and load balancers, beside the MCP paths and without a token
/// (probes carry none; the answers name mounts and plugin ids, never files or tokens).
///
/// Alive is "the process answers". Ready is "send me traffic": every configured mount has its provider, no
/// provider's circuit is open, and no drain is under way. On SIGTERM the host answers 503 here at once, keeps
/// serving for `drain_delay_ms` so a load balancer can take it out of rotation, then stops taking connections
/// and finishes what runs.
public final class HealthProbes: Sendable {
    public static let livenessPath = "/healthz"
    public static let readinessPath = "/readyz"
    public static let metricsPath = "/metrics"

    private let draining = Atomic<Bool>(false)
    private let readiness: @Sendable () -> [String]

    public init(readiness: @escaping @Sendable () -> [String]) {
        self.readiness = readiness
    }

    func startDraining() { draining.store(true, ordering: .relaxed) }
    var isDraining: Bool { draining.load(ordering: .relaxed) }

    public func liveness() -> Response {
        Self.json(.ok, .object(["status": .string("alive")]))
    }

    public func readinessResponse() -> Response {
        var reasons = readiness()
        if isDraining { reasons.insert("draining: the host is shutting down and finishing its requests", at: 0) }
        guard !reasons.isEmpty else { return Self.json(.ok, .object(["status": .string("ready")])) }
        return Self.json(.serviceUnavailable, .object([
            "status": .string("not ready"), "reasons": .array(reasons.map(JSONValue.string)),
        ]))
    }

    /// A Prometheus scrape: the text exposition format 0.0.4.
    public static func metricsResponse(_ exposition: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: exposition)))
    }

    private static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: value.serialized + [0x0A])))
    }
}
