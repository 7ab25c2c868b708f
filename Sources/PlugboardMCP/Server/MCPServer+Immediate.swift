import PlugboardCore

/// Answering on the caller's own thread. A transport that reads requests on a thread of its own (stdio) answers
/// most of them right there: no task, no hand-off between threads, which is most of what a small request costs.
extension MCPServer {
    public enum ImmediateReply: Sendable {
        /// Answered: the reply to send (nil: nothing to send, e.g. a notification).
        case answered([UInt8]?)
        /// A call whose component must run elsewhere (a handler on a thread of its own, a sandboxed worker),
        /// routed already, or nil for a call that may become a task (it is routed where it runs): hand it to
        /// `start` or `respond`.
        case deferred(RoutedCall?)
    }

    /// Answers `message` now when nothing in it has to wait: every method but the calls, and calls to components
    /// their provider runs at once (`Provider.invokeNow`, typed functions, as `policy` allows). `willRun` is told
    /// the provider's call timeout just before a component starts, so a transport that watches the time can keep
    /// the deadline.
    /// A request answered here is not registered with the session (it ends before the transport reads another);
    /// the caller checks its id against those in flight first (`duplicateReply`).
    public func respondNow(to message: IncomingMessage, session: MCPSession, policy: InlinePolicy,
                           willRun: (_ timeout: Duration?) -> Void = { _ in }) -> ImmediateReply {
        guard let id = message.id else { return .answered(nil) }
        var message = message
        let observation = observe(&message, session: session)
        let reply = respondNow(to: message, id: id, session: session, policy: policy, willRun: willRun)
        if case .answered(let answer) = reply { observation?.finish(answer) }
        return reply  // deferred: the observation travels with the routed call (or, for a task, begins again there)
    }

    private func respondNow(to message: IncomingMessage, id: [UInt8], session: MCPSession, policy: InlinePolicy,
                            willRun: (_ timeout: Duration?) -> Void) -> ImmediateReply {
        do throws(RPCError) {
            switch try firstStep(for: message, session: session) {
            case .answered(let result):
                return .answered(WireMessages.result(id: id, result: result))
            case .mayBecomeTask:
                return .deferred(nil)
            case .invoke(let context):
                let routed = try routeCall(message, session: session, context: context)
                willRun(routed.call.route.provider.callTimeout)
                guard let outcome = routed.call.route.provider.invokeNow(routed.call.invocation, policy: policy) else {
                    return .deferred(routed)  // audited where it runs
                }
                defer { routed.audit?.finish() }
                return .answered(try present(outcome, of: routed.call, audit: routed.audit).map { WireMessages.result(id: id, result: $0) })
            }
        } catch {
            return .answered(WireMessages.error(id: id, error))
        }
    }

    /// The refusal for a request whose id is already in flight in the session, or nil.
    public func duplicateReply(to message: IncomingMessage, session: MCPSession) -> [UInt8]? {
        guard let id = message.id, session.isInFlight(id: id) else { return nil }
        return Self.duplicateID(id)
    }

    /// The reply for a call answered now that ran past its provider's timeout (the transport gave up waiting).
    public func timedOutReply(to message: IncomingMessage, after timeout: Duration) -> [UInt8] {
        let (kind, exposed) = (try? target(of: message)) ?? (.tool, "?")
        let error = InvocationError(.timedOut, "no answer within the call deadline of \(timeout); the call was abandoned "
            + "(the operator sets the deadline with transports.limits.call_deadline_ms)")
        return WireMessages.error(id: message.id, rpcError(for: error, kind: kind, exposed: exposed, stateless: false))
    }

    /// Starts a routed call without a task when its provider can (`Provider.begin`: a sandboxed worker that is
    /// up): the call goes out from the caller's thread and is answered from the thread the outcome arrives on.
    /// False when the provider cannot: use a task.
    func beginWithoutTask(_ routed: RoutedCall, id: [UInt8], session: MCPSession, notify: @escaping Notify,
                          relay: CancelRelay, reply: @escaping @Sendable ([UInt8]?) -> Void) -> Bool {
        let (call, audit) = (routed.call, routed.audit)
        let started = call.route.provider.begin(call.invocation, context: sideChannels(context: call.context, session: session, notify: notify)) {
            [self] outcome in
            let answer: [UInt8]?
            do throws(RPCError) {
                answer = try present(outcome, of: call, audit: audit).map { WireMessages.result(id: id, result: $0) }
            } catch {
                answer = WireMessages.error(id: id, error)
            }
            audit?.finish()
            reply(answer)
        }
        guard let started else { return false }
        relay.attach(started)
        return true
    }
}
