import PlugboardCore
import PlugboardJSON

extension RPCError {
    /// A team's quota refused the request (implementation-defined server error range).
    public static let quotaExceededCode = -32040
}

/// Quotas on a team's requests, checked by the transports before `respond` (so HTTP can answer 429 before it
/// opens a stream) and after it (response size). The operator's sessions have no quotas.
extension MCPServer {
    public enum Admission: Sendable {
        /// No quota applies (the operator's session, or a request that is not a call).
        case free
        /// Admitted under the team's gate: pass it to `complete` when the reply is ready.
        case admitted(QuotaGate)
        /// Admitted, but to run only after `wait` (its rate token is reserved).
        /// Pass it to `complete` like `admitted`.
        case paced(QuotaGate, wait: Duration)
        /// Refused: send `reply`; `retryAfter` is set for rate limits (HTTP: 429 with Retry-After).
        case refused(reply: [UInt8], retryAfter: Duration?)
        /// The team's rate and concurrency are kept for the fleet (`configuration.fleetQuotas`): ask it with
        /// `admitAcrossFleet`, which answers with one of the other cases.
        case askFleet(QuotaGate)
        /// Admitted by the fleet's store, to run after `wait` (zero: now), holding `lease` (a place in flight)
        /// when a concurrency quota applies. Pass it to `complete` like `admitted`.
        case leased(QuotaGate, FleetLease?, wait: Duration)
    }

    static let callMethods: Set<String> = ["tools/call", "prompts/get", "resources/read"]

    /// Request size for every request of a team's session; calls in flight and calls per second for calls.
    /// A call past the team's rate is admitted to run later (`.paced`) when its token comes within the team's
    /// `maxRateWait`, else refused; the transport does the waiting.
    /// `acrossFleet`: the transport can wait for the fleet's store (HTTP); a team's rate and concurrency are then
    /// left to `admitAcrossFleet` when fleet quotas are configured.
    public func admit(_ message: IncomingMessage, session: MCPSession, requestBytes: Int, acrossFleet: Bool = false) -> Admission {
        guard let principal = session.principal else { return .free }
        let gate = principal.quota
        let limits = gate.limits
        if let maximum = limits.maxRequestBytes, requestBytes > maximum {
            return .refused(reply: WireMessages.error(id: message.id, Self.requestTooLarge(team: gate.team, bytes: requestBytes, limit: maximum)),
                            retryAfter: nil)
        }
        guard message.id != nil, Self.callMethods.contains(message.method) else { return .free }
        // A team without call quotas has nothing to count: its calls cost no lock and no second look at `_meta`.
        let limitsCalls = limits.callsPerSecond != nil || limits.maxConcurrentCalls != nil
        guard limitsCalls || limits.maxResponseBytes != nil else { return .free }
        // A call that may become a task takes its slot itself and keeps it until the call ends (MCPServer+Tasks.swift).
        guard !TaskProtocol.mayRunAsTask(message) else { return .free }
        if acrossFleet, configuration.fleetQuotas != nil, limitsCalls {
            return .askFleet(gate)
        }
        return admitLocally(message, session: session, gate: gate)
    }

    /// The replica's own quotas: the gate's place and rate token.
    private func admitLocally(_ message: IncomingMessage, session: MCPSession, gate: QuotaGate) -> Admission {
        switch gate.admit(mayWait: gate.limits.maxRateWait) {
        case .now: return .admitted(gate)
        case .after(let wait): return .paced(gate, wait: wait)
        case .refused(let refusal): return refuse(message, session: session, gate: gate, refusal)
        }
    }

    /// The fleet's answer for a call `admit` left to it (`.askFleet`). When the store cannot be reached, the
    /// configuration decides: the replica's own quotas (fail open) or a refusal (fail closed).
    public func admitAcrossFleet(_ message: IncomingMessage, session: MCPSession, gate: QuotaGate) async -> Admission {
        guard let fleet = configuration.fleetQuotas else { return admitLocally(message, session: session, gate: gate) }
        let limits = gate.limits
        do {
            switch try await fleet.store.admit(team: gate.team, maxConcurrentCalls: limits.maxConcurrentCalls,
                                               callsPerSecond: limits.callsPerSecond, mayWait: limits.maxRateWait) {
            case .now(let lease): return .leased(gate, lease, wait: .zero)
            case .after(let wait, let lease): return .leased(gate, lease, wait: wait)
            case .concurrencyFull:
                return refuse(message, session: session, gate: gate, QuotaGate.Refusal(
                    quota: "max_concurrent_calls", limit: String(limits.maxConcurrentCalls ?? 0), retryAfter: nil))
            case .rateExceeded(let retryAfter):
                return refuse(message, session: session, gate: gate, QuotaGate.Refusal(
                    quota: "calls_per_second", limit: QuotaGate.format(limits.callsPerSecond ?? 0), retryAfter: retryAfter))
            }
        } catch {
            fleet.unavailable(gate.team, error)
            switch fleet.whenUnavailable {
            case .failOpen: return admitLocally(message, session: session, gate: gate)
            case .failClosed:
                let refusal = RPCError(RPCError.quotaExceededCode,
                    "team '\(gate.team)' quotas are kept for the whole fleet in \(fleet.store.address), which cannot be reached, "
                        + "and the host is set to refuse calls then (fleet.quotas.on_unavailable = fail_closed); retry shortly, "
                        + "or ask the operator to bring the quota store back",
                    data: .object(["quota": .string("quota_store"), "team": .string(gate.team), "retry_after_ms": .int(1_000)]))
                observeRefusal(message, session: session, quota: "quota_store")
                return .refused(reply: WireMessages.error(id: message.id, refusal), retryAfter: .seconds(1))
            }
        }
    }

    private func refuse(_ message: IncomingMessage, session: MCPSession, gate: QuotaGate, _ refusal: QuotaGate.Refusal) -> Admission {
        observeRefusal(message, session: session, quota: refusal.quota)
        return .refused(reply: WireMessages.error(id: message.id, Self.quotaError(team: gate.team, refusal)),
                        retryAfter: refusal.retryAfter)
    }

    private func observeRefusal(_ message: IncomingMessage, session: MCPSession, quota: String) {
        guard let principal = session.principal else { return }
        if let observe = configuration.observeCall {
            let isResource = message.method == "resources/read"
            let exposed = (try? message.stringParam(isResource ? "uri" : "name", required: false)) ?? nil
            observe(CallRecord(
                team: principal.team, tokenID: principal.tokenID, tokenHash: principal.tokenHash, surface: session.surface,
                kind: isResource ? .resource : message.method == "tools/call" ? .tool : .prompt, exposed: exposed ?? "",
                version: nil, provider: nil, duration: .zero, outcome: "refused:\(quota)", detail: nil))
        }
    }

    /// Releases the call's place and replaces a reply larger than the team's response quota by an error.
    public func complete(_ reply: [UInt8]?, for message: IncomingMessage, admission: Admission) -> [UInt8]? {
        let gate: QuotaGate
        switch admission {
        case .admitted(let admitted), .paced(let admitted, _):
            gate = admitted
            gate.release()
        case .leased(let admitted, let lease, _):
            gate = admitted
            if let lease { configuration.fleetQuotas?.store.release(team: gate.team, lease: lease) }
        case .free, .refused, .askFleet: return reply
        }
        guard let reply, let maximum = gate.limits.maxResponseBytes, reply.count > maximum else { return reply }
        return WireMessages.error(id: message.id, RPCError(
            RPCError.quotaExceededCode,
            "the response of \(reply.count) bytes exceeds team '\(gate.team)' quota max_response_bytes = \(maximum); "
                + "ask for less (a smaller page, a narrower query) or have the operator raise the quota",
            data: .object(["quota": .string("max_response_bytes"), "limit": .int(maximum), "team": .string(gate.team)])))
    }

    static func quotaError(team: String, _ refusal: QuotaGate.Refusal) -> RPCError {
        var data: JSONObject = ["quota": .string(refusal.quota), "limit": .string(refusal.limit), "team": .string(team)]
        var message = "team '\(team)' is over its quota \(refusal.quota) = \(refusal.limit)"
        if let wait = refusal.retryAfter {
            let milliseconds = Int(wait.inMilliseconds.rounded(.up))
            data.members.append((key: "retry_after_ms", value: .int(milliseconds)))
            message += "; retry in \(milliseconds) ms"
        } else {
            message += "; wait for a call in flight to finish"
        }
        return RPCError(RPCError.quotaExceededCode, message, data: .object(data))
    }

    static func requestTooLarge(team: String, bytes: Int, limit: Int) -> RPCError {
        RPCError(RPCError.quotaExceededCode, "the request of \(bytes) bytes exceeds team '\(team)' quota max_request_bytes = \(limit)",
                 data: .object(["quota": .string("max_request_bytes"), "limit": .int(limit), "team": .string(team)]))
    }
}
