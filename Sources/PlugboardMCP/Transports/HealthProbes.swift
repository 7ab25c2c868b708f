import Hummingbird
import NIOCore
import PlugboardJSON
import Synchronization

/// `GET /healthz` and `GET /readyz` for orchestrators and load balancers, beside the MCP paths and without a token
/// (probes carry none; the answers name mounts and plugin ids, never files or tokens).
///
/// Ready also lists the providers served, with the SHA-256 of each one's file, so an operator can see when two
/// replicas serve different builds (`plugboard fleet check`).
///
/// Alive is "the process answers". Ready is "send me traffic": every configured mount has its provider, no
/// provider's circuit is open, and no drain is under way. On SIGTERM the host answers 503 here at once, keeps
/// serving for `drain_delay_ms` so a load balancer can take it out of rotation, then stops taking connections
/// and finishes what runs.
public final class HealthProbes: Sendable {
    public static let livenessPath = "/healthz"
    public static let readinessPath = "/readyz"
    public static let metricsPath = "/metrics"

    /// One provider a replica serves, as `/readyz` reports it: replicas behind one balancer should report the
    /// same ones, and `plugboard fleet check` compares them.
    public struct ServedProvider: Sendable, Hashable {
        public var provider: String
        public var version: String
        public var sha256: String
        /// The team it is loaded for; nil: the operator's (or shared).
        public var team: String?

        public init(provider: String, version: String, sha256: String, team: String?) {
            self.provider = provider
            self.version = version
            self.sha256 = sha256
            self.team = team
        }

        var json: JSONValue {
            var object: JSONObject = ["provider": .string(provider), "version": .string(version), "sha256": .string(sha256)]
            if let team { object.members.append((key: "team", value: .string(team))) }
            return .object(object)
        }
    }

    private let draining = Atomic<Bool>(false)
    private let readiness: @Sendable () -> [String]
    private let providers: @Sendable () -> [ServedProvider]

    public init(readiness: @escaping @Sendable () -> [String], providers: @escaping @Sendable () -> [ServedProvider] = { [] }) {
        self.readiness = readiness
        self.providers = providers
    }

    func startDraining() { draining.store(true, ordering: .relaxed) }
    var isDraining: Bool { draining.load(ordering: .relaxed) }

    public func liveness() -> Response {
        Self.json(.ok, .object(["status": .string("alive")]))
    }

    public func readinessResponse() -> Response {
        var reasons = readiness()
        if isDraining { reasons.insert("draining: the host is shutting down and finishing its requests", at: 0) }
        // Sorted, so two replicas serving the same builds answer the same bytes.
        let served = JSONValue.array(providers()
            .sorted { ($0.team ?? "", $0.provider, $0.version, $0.sha256) < ($1.team ?? "", $1.provider, $1.version, $1.sha256) }
            .map(\.json))
        guard !reasons.isEmpty else { return Self.json(.ok, .object(["status": .string("ready"), "providers": served])) }
        return Self.json(.serviceUnavailable, .object([
            "status": .string("not ready"), "reasons": .array(reasons.map(JSONValue.string)), "providers": served,
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
