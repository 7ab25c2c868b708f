import Foundation
import PlugboardCore
import PlugboardJSON
import PlugboardSandbox
import Synchronization
import Testing

extension SandboxTests {
    @Suite("A provider in a worker behaves like one in process")
    struct WorkerBasicsTests {
        @Test("calculator's typed add crosses the boundary: schema, value, argument errors")
        func typedFunction() async throws {
            let provider = try await Sandboxed.launch(Sandboxed.bundled("calculator"))
            defer { provider.shutdown() }
            #expect(provider.info.id == "calculator")
            let add = try #require(provider.components.first { $0.key == "add" })
            #expect(add.inputSchema?.text.contains("\"a\"") == true)
            let result = try await provider.call("add", "{\"a\": 2, \"b\": 40}").get()
            #expect(result["structuredContent"]?["result"]?.doubleValue == 42)
            let wrong = await provider.call("add", "{\"a\": \"two\"}")
            #expect(wrong.error?.kind == .invalidArguments)
            #expect(provider.restartCount == 0)
            #expect(provider.workerPID != nil && provider.workerPID != getpid())
        }

        @Test("notes' reindex reports its ten progress steps through the worker; init's log line reaches the host log")
        func progressAndLogs() async throws {
            let hostLog = Recorder<LogRecord>()
            let provider = try await Sandboxed.launch(Sandboxed.bundled("notes"), log: hostLog.add)
            defer { provider.shutdown() }
            let updates = Recorder<ProgressUpdate>()
            let result = try await provider.call("reindex", context: InvocationContext(progress: updates.add)).get()
            #expect(result.firstText == "reindexed")
            #expect(updates.all.map(\.progress) == (1...10).map(Double.init))
            #expect(updates.all.allSatisfy { $0.total == 10 && $0.message == "indexing" })
            #expect(hostLog.all.contains { $0.logger == "notes" && $0.message == "notes: ready with 2 notes" })
        }

        @Test("cancelling reindex stops it in the worker: the caller gets cancelled, the plugin logs why, the worker lives on")
        func cancellation() async throws {
            let hostLog = Recorder<LogRecord>()
            let provider = try await Sandboxed.launch(Sandboxed.bundled("notes"), log: hostLog.add)
            defer { provider.shutdown() }
            let updates = Recorder<ProgressUpdate>()
            let callLog = Recorder<LogRecord>()
            let call = Task { await provider.call("reindex", context: InvocationContext(progress: updates.add, log: callLog.add)) }
            while updates.all.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
            call.cancel()
            let outcome = await call.value
            #expect(outcome.error?.kind == .cancelled)
            #expect(outcome.error?.message.contains("notes") == true)
            // The handler noticed and stopped early: its log line (the caller has left, so it goes to the host log).
            let deadline = ContinuousClock.now + .seconds(3)
            while !hostLog.all.contains(where: { $0.message.hasPrefix("reindex cancelled after") }) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(hostLog.all.contains { $0.logger == "notes" && $0.level == .notice && $0.message.hasPrefix("reindex cancelled after") })
            let again = await provider.call("reindex")
            #expect(again.value?.firstText == "reindexed")
            #expect(updates.all.count < 10)
            #expect(provider.restartCount == 0)
        }

        @Test("a handler that returns PENDING and completes from its own thread answers across the boundary")
        func asyncCompletion() async throws {
            let provider = try await Sandboxed.launch(try Sandboxed.fixture("behaviours"))
            defer { provider.shutdown() }
            let result = await provider.call("later")
            #expect(result.value?.firstText == "later")
            // The argument bytes arrive unchanged (escapes, a number no Double holds) and come back verbatim.
            let arguments = "{\"text\": \"é \\u00e9 1e400\"}"
            let bytes = try await provider.invoke(Invocation(kind: .tool, key: "echo", version: nil, arguments: Sandboxed.json(arguments)), context: .none)
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains("\"text\":\"\(arguments.utf8.count)\""))
            #expect(text.contains("\"structuredContent\":" + arguments))
        }

        @Test("one worker multiplexes concurrent calls: 200 at once, each answered with its own result")
        func concurrentCalls() async throws {
            let provider = try await Sandboxed.launch(Sandboxed.bundled("calculator"))
            defer { provider.shutdown() }
            let answers = await withTaskGroup(of: (Int, String?).self) { group in
                for n in 0..<200 {
                    group.addTask { (n, await provider.call("add", "{\"a\": \(n), \"b\": 1000}").value?.firstText) }
                }
                var answers: [Int: String?] = [:]
                for await (n, text) in group { answers[n] = text }
                return answers
            }
            #expect(answers.count == 200)
            let wrong = answers.filter { n, text in !(text == "\(n + 1000)" || text == "\(n + 1000).0") }
            #expect(wrong.isEmpty, "wrong answers: \(wrong.sorted { $0.key < $1.key }.prefix(8))")
        }

        @Test("non-reentrant components stay serialized across the boundary; reentrant ones run side by side")
        func reentrancy() async throws {
            let provider = try await Sandboxed.launch(try Sandboxed.fixture("behaviours"))
            defer { provider.shutdown() }
            func mostInsideAtOnce(_ tool: String) async -> Int? {
                let results = await withTaskGroup(of: JSONValue?.self) { group in
                    for _ in 0..<4 { group.addTask { await provider.call(tool).value } }
                    return await group.reduce(into: [JSONValue?]()) { $0.append($1) }
                }
                return results.compactMap { $0?["structuredContent"]?["most"]?.doubleValue }.max().map { Int($0) }
            }
            #expect(await mostInsideAtOnce("serial") == 1)
            #expect(await mostInsideAtOnce("parallel") == 4)
        }

        @Test("a polite handler stopped at the deadline times out without killing its worker")
        func deadlineWithCooperation() async throws {
            let provider = try await Sandboxed.launch(try Sandboxed.fixture("hostile"), policy: Sandboxed.policy(deadline: .milliseconds(300)))
            defer { provider.shutdown() }
            let pid = provider.workerPID
            let result = await provider.call("polite_spin")
            #expect(result.error?.kind == .timedOut)
            #expect(result.error?.message.contains("did not finish within") == true)
            #expect(provider.workerPID == pid)
            #expect(await provider.call("fine").value?.firstText == "fine")
            #expect(provider.restartCount == 0)
        }

        @Test("every sandbox layer is reported at start, and none failed on this machine")
        func report() async throws {
            let log = Recorder<LogRecord>()
            let provider = try await Sandboxed.launch(Sandboxed.bundled("calculator"), log: log.add)
            defer { provider.shutdown() }
            let layers = provider.sandboxReport.map(\.layer)
            #expect(layers == ["pdeathsig", "namespaces", "rlimit-as", "rlimit-cpu", "rlimit-nofile", "rlimit-nproc", "landlock", "seccomp"])
            #expect(provider.sandboxReport.allSatisfy { $0.status != .failed })
            #expect(provider.sandboxReport.first { $0.layer == "seccomp" }?.status == .applied)
            #expect(log.all.filter { $0.logger == "calculator/sandbox" }.count == layers.count)
            for layer in provider.sandboxReport { print("sandbox report:", layer) }
        }

        @Test("layers the policy switches off are reported as such, and the others still hold")
        func disabledLayers() async throws {
            var policy = Sandboxed.policy()
            policy.landlock = false
            let provider = try await Sandboxed.launch(try Sandboxed.fixture("hostile"), policy: policy)
            defer { provider.shutdown() }
            let landlock = try #require(provider.sandboxReport.first { $0.layer == "landlock" })
            #expect(landlock.status == .disabled)
            #expect(landlock.description == "landlock: disabled by policy — the policy switched it off")
            // Without Landlock the file is readable; seccomp still refuses the socket.
            #expect(Int(await provider.call("read_file", "{\"path\":\"/etc/passwd\"}").value?.firstText ?? "") ?? 0 > 0)
            #expect(await provider.call("open_socket").error?.message == "socket failed after 0: Operation not permitted")
        }

        @Test("inspect --sandboxed: a plugin's identity and catalog, read inside a worker that is gone afterwards")
        func inspection() async throws {
            let (info, components) = try await SandboxedInspection.describe(file: Sandboxed.bundled("notes"))
            #expect(info.id == "notes")
            #expect(info.digest?.count == 64)
            #expect(components.contains { $0.kind == .tool && $0.key == "reindex" })
        }

        @Test("inspecting a plugin that crashes in init fails with the crash, not with the host")
        func crashAtInit() async throws {
            let file = try Sandboxed.fixture("crash_at_init")
            do {
                _ = try await SandboxedInspection.describe(file: file, policy: Sandboxed.policy())
                Issue.record("a plugin that crashes in init was inspected")
            } catch {
                #expect(error.provider == file)
                #expect(error.description.contains("the worker ended before its ready message"), "\(error)")
                #expect(error.description.contains("SIGSEGV"), "\(error)")
            }
        }

        @Test("a file that is no provider fails to launch with the loader's message and the worker's fate")
        func loadFailure() async throws {
            let text = NSTemporaryDirectory() + "not-a-plugin-\(getpid()).so"
            try "hello".write(toFile: text, atomically: true, encoding: .utf8)
            do {
                _ = try await Sandboxed.launch(text)
                Issue.record("a text file launched as a provider")
            } catch {
                #expect("\(error)".contains(text))
                #expect("\(error)".contains("cannot be loaded as a shared library"))
            }
        }
    }
}
