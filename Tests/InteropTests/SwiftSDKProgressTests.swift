import Foundation
import MCP
import Synchronization
import Testing

extension InteropSuite.SwiftSDKClient {
    /// Progress and cancellation through the Swift SDK: a request with a progressToken receives `notifications/progress`, and
    /// the SDK's `cancelRequest` (`notifications/cancelled`) stops reindex early. reindex is not REENTRANT (
    /// calls to it are serialized), so a second reindex right after a cancel takes one run's time only if the
    /// first really stopped.
    @Test("over stdio: progress and cancellation")
    func progressAndCancellation() async throws {
        let server = try StdioServer()
        defer { server.stop() }
        let progress = Mutex<[Double]>([])
        let client = Client(name: "plugboard-interop", version: "1.0")
        await client.onNotification(ProgressNotification.self) { message in
            progress.withLock { $0.append(message.params.progress) }
        }
        try await client.connect(transport: StdioTransport(input: server.fromServer, output: server.toServer))

        let started = ContinuousClock.now
        let full = try await client.callTool(name: "notes_reindex", arguments: [:],
                                             meta: Metadata(progressToken: .unique())) as (content: [Tool.Content], isError: Bool?)
        let fullRun = ContinuousClock.now - started
        let values = progress.withLock { $0 }
        #expect(full.isError != true, "reindex: \(full.content)")
        #expect(values.count >= 2 && zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "progress: \(values)")

        progress.withLock { $0.removeAll() }
        let request: RequestContext<CallTool.Result> = try await client.callTool(
            name: "notes_reindex", arguments: [:], meta: Metadata(progressToken: .unique()))
        let deadline = ContinuousClock.now + .seconds(10)
        while progress.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await client.cancelRequest(request.requestID, reason: "interop test")
        await #expect(throws: CancellationError.self) { _ = try await request.value }

        let again = ContinuousClock.now
        let rerun = try await client.callTool(name: "notes_reindex", arguments: [:]) as (content: [Tool.Content], isError: Bool?)
        let rerunTime = ContinuousClock.now - again
        #expect(rerun.isError != true, "reindex after a cancel: \(rerun.content)")
        // Had the cancelled one run on, the rerun would have waited ~0.9 s for it (reindex is not reentrant). The
        // yardstick is the slower of two uncancelled runs, before and right after, so a change of load is no wait.
        let afterStarted = ContinuousClock.now
        _ = try await client.callTool(name: "notes_reindex", arguments: [:]) as (content: [Tool.Content], isError: Bool?)
        let yardstick = max(fullRun, ContinuousClock.now - afterStarted)
        #expect(rerunTime < yardstick + .milliseconds(600),
                "reindex after a cancel took \(rerunTime); a whole one took \(yardstick): the cancelled one ran on")
        await client.disconnect()
    }
}
