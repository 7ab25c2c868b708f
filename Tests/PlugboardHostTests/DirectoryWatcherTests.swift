import Foundation
import Synchronization
import Testing
@testable import PlugboardHost

/// A watcher on a fresh temporary directory whose batches are queued for the test to take.
private final class WatchedDirectory {
    let path: String
    private final class Inbox: Sendable {
        let batches = Mutex<[DirectoryChangeBatch]>([])
        let failure = Mutex<String?>(nil)
    }
    private let received = Inbox()
    /// Every batch `fold` took, for failure messages.
    var seen: [DirectoryChangeBatch] = []
    /// Whether the watcher ended on its own, and why, for failure messages.
    var failure: String { received.failure.withLock { $0 } ?? "the watcher is running" }
    private var watcher: DirectoryWatcher!

    init(debounce: Duration = .milliseconds(100)) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("plugboard-watch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let received = self.received
        watcher = try DirectoryWatcher(directory: path, debounce: debounce) { batch in
            received.batches.withLock { $0.append(batch) }
        } onFailure: { failure in
            received.failure.withLock { $0 = failure.description }
        }
    }

    /// The next batch, or nil if none arrives within `seconds`.
    func next(within seconds: Double = 30) async -> DirectoryChangeBatch? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if let batch = received.batches.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return batch }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Folds batches, as a consumer acts on them, until `expected` is the latest word on every name in it;
    /// returns the folded state and how many batches it took (nil state on timeout).
    func fold(until expected: [String: Bool], within seconds: Double = 30) async -> (state: [String: Bool]?, batches: Int) {
        var state: [String: Bool] = [:]  // name -> true: settled, false: removed
        var batches = 0
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            guard let batch = await next(within: max(0.01, (deadline - ContinuousClock.now) / .seconds(1))) else { break }
            seen.append(batch)
            batches += 1
            if batch.needsRescan {
                // The watcher lost track (the kernel dropped or ended its events): as the host does, re-list.
                let present = Set((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                for name in expected.keys { state[name] = present.contains(name) }
            }
            for name in batch.settled { state[name] = true }
            for name in batch.removed { state[name] = false }
            if expected.allSatisfy({ state[$0.key] == $0.value }) { return (state, batches) }
        }
        return (nil, batches)
    }

    func write(_ name: String, bytes: Int = 4096) throws {
        try Data(repeating: 0x7f, count: bytes).write(to: URL(fileURLWithPath: path + "/" + name))
    }

    deinit {
        watcher.stop()
        try? FileManager.default.removeItem(atPath: path)
    }
}

@Suite struct DirectoryWatcherTests {
    @Test func aWrittenFileIsReportedOnceItIsClosed() async throws {
        let dir = try WatchedDirectory()
        try dir.write("calc.so")
        let batch = await dir.next()
        #expect(batch == DirectoryChangeBatch(settled: ["calc.so"]))
    }

    @Test func writeThenRenameReportsOnlyTheFinalName() async throws {
        let dir = try WatchedDirectory()
        try dir.write("calc.so.tmp")  // not a provider name: neither .so nor settled
        try dir.write(".calc.so")
        try FileManager.default.moveItem(atPath: dir.path + "/.calc.so", toPath: dir.path + "/calc.so")
        let batch = await dir.next()
        #expect(batch == DirectoryChangeBatch(settled: ["calc.so"]))
    }

    @Test func aFileStillBeingWrittenIsNotReported() async throws {
        let dir = try WatchedDirectory()
        let fd = open(dir.path + "/big.so", O_CREAT | O_WRONLY, 0o644)
        try #require(fd >= 0)
        let chunk = [UInt8](repeating: 1, count: 1024)
        #expect(write(fd, chunk, chunk.count) == chunk.count)
        #expect(await dir.next(within: 0.5) == nil)
        close(fd)
        #expect(await dir.next() == DirectoryChangeBatch(settled: ["big.so"]))
    }

    @Test func rapidRewritesAreDebounced() async throws {
        let dir = try WatchedDirectory(debounce: .milliseconds(300))
        for _ in 0..<10 { try dir.write("calc.so") }
        try dir.write("notes.so")
        let (state, batches) = await dir.fold(until: ["calc.so": true, "notes.so": true])
        #expect(state == ["calc.so": true, "notes.so": true])
        // Eleven writes in a burst are merged (on a quiet machine into one batch; a loaded one may split a burst).
        #expect(batches < 11)
        #expect(await dir.next(within: 0.6) == nil)
    }

    @Test func removalIsReportedAndWinsOverAnEarlierWrite() async throws {
        let dir = try WatchedDirectory()
        try dir.write("calc.so")
        #expect(await dir.next() == DirectoryChangeBatch(settled: ["calc.so"]))
        try FileManager.default.removeItem(atPath: dir.path + "/calc.so")
        try dir.write("gone.so")
        try FileManager.default.removeItem(atPath: dir.path + "/gone.so")
        // Within one debounce window the removal cancels the pending load; across windows it follows it.
        let (state, _) = await dir.fold(until: ["calc.so": false, "gone.so": false])
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? ["(the directory is gone)"]
        #expect(state == ["calc.so": false, "gone.so": false], "batches: \(dir.seen); the directory now holds \(listing); \(dir.failure)")
    }

    /// A file's close-after-write can come after its deletion: here a second descriptor of the open file (as a
    /// child process spawned meanwhile would hold until its exec) is closed last, after the unlink. The watcher
    /// must report the file removed, not settled: there is nothing left to load.
    @Test func aCloseReportedAfterTheDeletionIsARemoval() async throws {
        let dir = try WatchedDirectory()
        let path = dir.path + "/late.so"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        let bytes = [UInt8](repeating: 0x7f, count: 4096)
        #expect(write(fd, bytes, bytes.count) == bytes.count)
        let held = dup(fd)
        close(fd)  // not the last reference: no close event yet
        #expect(unlink(path) == 0)
        close(held)  // the last reference: the close-after-write event comes now, after the deletion
        let (state, _) = await dir.fold(until: ["late.so": false])
        #expect(state == ["late.so": false], "batches: \(dir.seen); \(dir.failure)")
        #expect(!dir.seen.contains { $0.settled.contains("late.so") }, "batches: \(dir.seen)")
    }

    @Test func aMissingDirectoryIsAClearError() {
        #expect(throws: DirectoryWatcher.WatchError.self) {
            _ = try DirectoryWatcher(directory: "/nonexistent/plugins.d") { _ in }
        }
        do { _ = try DirectoryWatcher(directory: "/nonexistent/plugins.d") { _ in } } catch {
            #expect(error.description == "cannot watch plugin directory /nonexistent/plugins.d: No such file or directory (does the directory exist and is it readable?)")
        }
    }

    @Test(arguments: [("calc.so", true), (".calc.so", false), ("calc.so.tmp", false), ("calc.tmp", false), ("README.md", false)])
    func onlyProviderFilesAreCandidates(name: String, expected: Bool) {
        #expect(PluginFileName.isCandidate(name) == expected)
    }
}
