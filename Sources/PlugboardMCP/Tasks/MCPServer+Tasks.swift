import PlugboardJSON
import Synchronization

/// The tasks extension's side of the server. A call that may become a task runs exactly as a blocking one would
/// (routing, the provider, cancellation, audit, the team's quotas); only its answer changes once it has run long
/// enough. Providers need nothing new: their asynchronous completion is the task.
extension MCPServer {
    /// `tools/call` from a client that declares the extension: answered with the result when the call ends
    /// within `runAsTaskAfter`, else with a task (`resultType: "task"`) while the call goes on.
    func callMayBecomeTask(_ message: IncomingMessage, session: MCPSession, context: RequestContext,
                           notify: @escaping Notify) async throws(RPCError) -> [UInt8]? {
        // The team's concurrency slot is held until the call ends, task or not (the transport does not hold it).
        let gate = session.principal?.quota
        if let gate, let refusal = gate.admit() { throw Self.quotaError(team: gate.team, refusal) }
        let task: HostedTask
        do { task = try tasks.create(team: session.principal?.team) } catch {
            gate?.release()
            throw error
        }
        let clientWantsProgress = context.progressToken != nil
        var callContext = context
        if callContext.progressToken == nil { callContext.progressToken = .string("task") }  // progress feeds the task
        let routed: RoutedCall
        do { routed = try routeCall(message, session: session, context: callContext) } catch {
            tasks.remove(task)
            gate?.release()
            throw error
        }
        // Until the answer is a task, the request's own stream gets what it asked for; afterwards nothing.
        let answeredAsTask = Atomic<Bool>(false)
        let announce = taskStatusAnnouncer(task)
        let progress: Notify = { bytes in
            let report = Self.progressReport(bytes)
            let isTask = answeredAsTask.load(ordering: .acquiring)
            if let report, task.progressed(report), isTask { announce() }
            if !isTask, report == nil || clientWantsProgress { notify(bytes) }
        }
        let taskSession = MCPSession(surface: session.surface, principal: session.principal)
        let work = Task {
            defer { gate?.release() }
            let outcome: HostedTask.Outcome
            do throws(RPCError) {
                guard let result = try await execute(routed, session: taskSession, notify: progress) else {
                    return  // cancelled: the status says so already
                }
                outcome = .result(result)
            } catch {
                outcome = .error(error)
            }
            if task.finish(outcome), answeredAsTask.load(ordering: .acquiring) { announce() }
        }
        task.onCancel { work.cancel() }

        let endedInTime = await withTaskCancellationHandler {
            await task.ended(within: .milliseconds(tasks.limits.runAsTaskAfterMilliseconds))
        } onCancel: {
            _ = task.cancel(reason: "the client cancelled the request")
        }
        if endedInTime || Task.isCancelled {
            tasks.remove(task)
            switch task.outcome {
            case .result(let result): return result
            case .error(let error): throw error
            case nil: return nil  // cancelled: no response
            }
        }
        answeredAsTask.store(true, ordering: .releasing)
        var result = JSONValue.object(["resultType": .string("task")]).serialized
        Self.append(task.fields(pollInterval: tasks.limits.pollIntervalMilliseconds), to: &result)
        return result
    }

    /// tasks/get, tasks/update and tasks/cancel, for the owner of the task only.
    func answerTaskMethod(_ message: IncomingMessage, session: MCPSession, context: RequestContext) throws(RPCError) -> [UInt8] {
        guard context.isStateless, TaskProtocol.isDeclared(in: try message.meta()) else {
            throw RPCError(RPCError.missingClientCapabilityCode,
                           "\(message.method) needs the '\(TaskProtocol.extensionKey)' extension declared in "
                               + "_meta['\(ProtocolVersions.clientCapabilitiesKey)'].extensions of a 2026-07-28 request",
                           data: .object(["requiredCapabilities": .object(["extensions": .object([TaskProtocol.extensionKey: .object([:])])])]))
        }
        let task = try tasks.find(try taskID(message), team: session.principal?.team)
        switch message.method {
        case "tasks/get":
            return taskDetail(task)
        case "tasks/cancel":
            // An ended task keeps its status and outcome; cancelling it is acknowledged all the same.
            if task.cancel() { taskStatusAnnouncer(task)() }
            return rendered.emptyStatelessResult
        default:  // tasks/update
            throw .invalidParams("task '\(task.id)' is not waiting for input: the host's tasks never ask for any, so there is nothing to update")
        }
    }

    /// `tasks/get`: the task's fields, with the call's `result` once completed or its `error` once failed.
    private func taskDetail(_ task: HostedTask) -> [UInt8] {
        var body = JSONValue.object(["resultType": .string("complete")]).serialized
        Self.append(task.fields(pollInterval: tasks.limits.pollIntervalMilliseconds), to: &body)
        switch task.outcome {
        case .result(let result):
            body.removeLast()
            body += Array(#","result":"#.utf8) + result
            body.append(UInt8(ascii: "}"))
        case .error(let error):
            var object: JSONObject = ["code": .int(error.code), "message": .string(error.message)]
            if let data = error.data { object["data"] = data }
            Self.append(["error": .object(object)], to: &body)
        case nil:
            break
        }
        return body
    }

    private func taskID(_ message: IncomingMessage) throws(RPCError) -> String {
        guard let id = try message.stringParam("taskId", required: true) else { throw .invalidParams("params.taskId is required") }
        return id
    }

    /// Pushes the task's status to its owner's listeners that asked for task status.
    private func taskStatusAnnouncer(_ task: HostedTask) -> @Sendable () -> Void {
        let (subscriptions, poll) = (subscriptions, tasks.limits.pollIntervalMilliseconds)
        return { subscriptions.pushTaskStatus(team: task.team, params: task.fields(pollInterval: poll)) }
    }

    /// The members of a `notifications/progress` the provider sent, or nil for any other notification.
    private static func progressReport(_ bytes: [UInt8]) -> JSONObject? {
        guard case .object(let note)? = try? JSONParser.parse(bytes), note["method"]?.stringValue == "notifications/progress",
              let params = note["params"]?.objectValue else { return nil }
        var report = JSONObject()
        for key in ["progress", "total", "message"] { if let value = params[key] { report[key] = value } }
        return report
    }

    /// Adds `members` to the serialized object `body`.
    private static func append(_ members: JSONObject, to body: inout [UInt8]) {
        guard !members.members.isEmpty else { return }
        var tail = JSONValue.object(members).serialized
        tail.removeFirst()  // its opening brace
        body.removeLast()  // the closing brace
        if body.count > 1 { body.append(UInt8(ascii: ",")) }
        body += tail
    }
}
