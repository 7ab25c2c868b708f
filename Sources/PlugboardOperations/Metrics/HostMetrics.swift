import PlugboardCore
import PlugboardMCP
import Prometheus
import Synchronization

/// The host's Prometheus metrics (swift-prometheus's registry and exposition). It observes the MCP server's
/// requests and calls, and is told of supervision and reload events; what is a state rather than an event
/// (providers loaded, sessions and streams open, circuits open) is read at scrape time by `refresh`, so a scrape
/// during a reload sees one consistent picture.
///
/// Handles are cached per label set: the request path does one dictionary lookup under a lock and an atomic add,
/// never a registry lookup or a label check.
public final class HostMetrics: ServerObserver, Sendable {
    public let registry = PrometheusCollectorRegistry()

    private static let durationBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .microseconds(2_500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5),
        .seconds(10), .seconds(30),
    ]

    private let operations = HandleCache<OperationSeries, DurationHistogram>()
    private let calls = HandleCache<CallSeries, DurationHistogram>()
    private let refusals = HandleCache<[String], Counter>()
    private let supervision = HandleCache<[String], Counter>()
    private let results = HandleCache<[String], Counter>()
    private let inFlight: Gauge
    private let scraped = Mutex(ScrapedSeries())

    /// Series set at scrape time, kept so those that no longer apply (an unloaded provider) are removed.
    private struct ScrapedSeries {
        var providers: [[String]: Gauge] = [:]
    }

    public init() {
        inFlight = registry.makeGauge(descriptor: MetricNames.callsInFlight, labels: [])
        // Every family exists from the start, so a dashboard finds each name (at zero) before its first event.
        _ = registry.makeGauge(descriptor: MetricNames.sessionsOpen, labels: [])
        for kind in ["session", "listen"] { _ = streamGauge(kind) }
        _ = registry.makeGauge(descriptor: MetricNames.circuitsOpen, labels: [])
        for result in ["applied", "refused"] {
            _ = counter(MetricNames.configReloads, ["result": result], cache: results)
            _ = counter(MetricNames.pluginLoads, ["result": result], cache: results)
        }
        for reason in ["export_failed", "queue_full"] { _ = counter(MetricNames.spansDropped, ["reason": reason], cache: results) }
    }

    // MARK: - ServerObserver

    public func requestEnded(_ request: AnsweredRequest) {
        let series = OperationSeries(method: MetricLabels.method(request.method), surface: request.surface,
                                     team: MetricLabels.team(request.team), outcome: request.outcome, errorCode: request.errorCode)
        operations.handle(series) {
            registry.makeDurationHistogram(descriptor: MetricNames.operationDuration, labels: series.labels, buckets: Self.durationBuckets)
        }.record(request.duration)
    }

    public func callStarted() { inFlight.increment() }

    public func callEnded(_ record: CallRecord, ran: Bool) {
        if ran { inFlight.decrement() }
        if let quota = MetricLabels.quota(ofOutcome: record.outcome) {
            counter(MetricNames.quotaRefusals, ["team": MetricLabels.team(record.team), "quota": quota], cache: refusals).increment()
        }
        let routed = record.component != nil
        let series = CallSeries(kind: record.kind.rawValue, component: record.component ?? MetricLabels.unknown,
                                version: routed ? record.version ?? "" : "", provider: record.provider?.id ?? "",
                                surface: record.surface, team: MetricLabels.team(record.team),
                                outcome: MetricLabels.outcome(record.outcome))
        calls.handle(series) {
            registry.makeDurationHistogram(descriptor: MetricNames.callDuration, labels: series.labels, buckets: Self.durationBuckets)
        }.record(record.duration)
    }

    // MARK: - Events

    /// A sandboxed worker's supervisor acted (`provider`: the provider's id, from its registration).
    public func workerStarted(provider: String, restart: Bool) {
        counter(MetricNames.workerStarts, ["provider": provider], cache: supervision).increment()
        if restart { counter(MetricNames.workerRestarts, ["provider": provider], cache: supervision).increment() }
    }

    public func workerDied(provider: String, cause: String) {
        counter(MetricNames.workerDeaths, ["provider": provider, "cause": cause], cache: supervision).increment()
    }

    public func circuitOpened(provider: String) {
        counter(MetricNames.circuitOpenings, ["provider": provider], cache: supervision).increment()
    }

    public func configReloaded(applied: Bool) {
        counter(MetricNames.configReloads, ["result": applied ? "applied" : "refused"], cache: results).increment()
    }

    public func pluginLoad(applied: Bool) {
        counter(MetricNames.pluginLoads, ["result": applied ? "applied" : "refused"], cache: results).increment()
    }

    /// A call the fleet's quota store could not decide; `action` is what the configuration did instead.
    public func quotaStoreUnavailable(team: String, action: String) {
        counter(MetricNames.quotaStoreUnavailable, ["team": team, "action": action], cache: refusals).increment()
    }

    public func spansDropped(_ count: Int, reason: String) {
        counter(MetricNames.spansDropped, ["reason": reason], cache: results).increment(by: Int64(count))
    }

    // MARK: - Scrape

    /// The state a scrape reports besides the counted events.
    public struct State: Sendable {
        public var providers: [(id: String, version: String, sha256: String, team: String?)] = []
        public var circuitsOpen = 0
        public var sessions = 0
        public var sessionStreams = 0
        public var listenStreams = 0
        public init() {}
    }

    /// The exposition for one scrape, after setting the state gauges from `state`.
    public func scrape(_ state: State) -> [UInt8] {
        scraped.withLock { scraped in
            var current: [[String]: Gauge] = [:]
            for provider in state.providers {
                let key = [provider.id, provider.version, provider.sha256, provider.team ?? ""]
                let gauge = scraped.providers[key] ?? registry.makeGauge(
                    descriptor: MetricNames.providerInfo,
                    labels: [("provider", key[0]), ("version", key[1]), ("sha256", key[2]), ("team", key[3])])
                gauge.set(to: 1)
                current[key] = gauge
            }
            for (key, gauge) in scraped.providers where current[key] == nil { registry.unregisterGauge(gauge) }
            scraped.providers = current
            registry.makeGauge(descriptor: MetricNames.circuitsOpen, labels: [])
                .set(to: Double(state.circuitsOpen))
            registry.makeGauge(descriptor: MetricNames.sessionsOpen, labels: [])
                .set(to: Double(state.sessions))
            streamGauge("session").set(to: Double(state.sessionStreams))
            streamGauge("listen").set(to: Double(state.listenStreams))
            return registry.emitToBuffer()
        }
    }

    // MARK: - Handles

    private func streamGauge(_ kind: String) -> Gauge {
        registry.makeGauge(descriptor: MetricNames.streamsOpen, labels: [("stream", kind)])
    }

    private func counter(_ name: MetricNameDescriptor, _ labels: KeyValuePairs<String, String>, cache: HandleCache<[String], Counter>) -> Counter {
        let pairs = labels.map { ($0.key, $0.value) }
        return cache.handle([name.metricName] + pairs.map(\.1)) { registry.makeCounter(descriptor: name, labels: pairs) }
    }
}

/// Metric handles by their label values.
///
/// The few series a busy host uses over and over are kept in a short list compared before the dictionary: label
/// values that come from the catalog and the configuration share their storage from call to call, and short ones
/// are stored inline, so equality is a comparison of a few words where hashing reads every byte.
final class HandleCache<Key: Hashable & Sendable, Handle: AnyObject & Sendable>: Sendable {
    private struct Handles {
        var all: [Key: Handle] = [:]
        var recent: [(key: Key, handle: Handle)] = []
        var nextRecent = 0

        mutating func remember(_ key: Key, _ handle: Handle) {
            if recent.count < HandleCache.recentCount {
                recent.append((key, handle))
            } else {
                recent[nextRecent] = (key, handle)
                nextRecent = (nextRecent + 1) % HandleCache.recentCount
            }
        }
    }

    private static var recentCount: Int { 8 }
    private let handles = Mutex(Handles())

    func handle(_ key: Key, make: () -> Handle) -> Handle {
        let found = handles.withLock { handles -> Handle? in
            if let recent = handles.recent.first(where: { $0.key == key }) { return recent.handle }
            guard let found = handles.all[key] else { return nil }
            handles.remember(key, found)
            return found
        }
        if let found { return found }
        let made = make()  // the registry returns the same handle for the same labels, so a race makes no twin
        handles.withLock { handles in
            handles.all[key] = made
            handles.remember(key, made)
        }
        return made
    }
}

/// The label values of one series of `mcp.server.operation.duration`: the key its handle is found by on every
/// request, hashed as it is, without a labels array built first.
struct OperationSeries: Hashable, Sendable {
    var method: String
    var surface: String
    var team: String
    var outcome: String
    var errorCode: Int?

    var labels: [(String, String)] {
        [("mcp_method_name", method), ("surface", surface), ("team", team), ("outcome", outcome),
         ("error_type", errorCode.map(String.init) ?? "")]
    }
}

/// The label values of one series of the call-duration histogram, found the same way.
struct CallSeries: Hashable, Sendable {
    var kind: String
    var component: String
    var version: String
    var provider: String
    var surface: String
    var team: String
    var outcome: String

    var labels: [(String, String)] {
        [("kind", kind), ("component", component), ("version", version), ("provider", provider), ("surface", surface),
         ("team", team), ("outcome", outcome)]
    }
}
