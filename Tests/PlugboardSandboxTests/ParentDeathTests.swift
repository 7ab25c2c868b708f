import Foundation
import Glibc
import PlugboardSandbox
import Testing

extension SandboxTests {
    @Suite("The worker dies with its host")
    struct ParentDeathTests {
        /// A process that is gone, or a zombie nobody has reaped yet (both are dead).
        private func isDead(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            guard let close = stat.lastIndex(of: ")") else { return true }
            return stat[stat.index(close, offsetBy: 2)] == "Z"
        }

        @Test("PR_SET_PDEATHSIG: when the process that started a worker is killed, the worker dies too")
        func parentDeath() async throws {
            // A stand-in host: a shell that starts the worker (its end of our socketpair on descriptor 3) and waits.
            var pair: [Int32] = [0, 0]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
            let ours = FrameChannel(descriptor: pair[0], readLimit: 1 << 20)
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, pair[1], 3)
            let worker = Sandboxed.products + "/plugboard-worker"
            let words: [String] = ["/bin/sh", "-c", "\"$0\" --host-pid $$ & wait", worker]
            let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            var shell: pid_t = 0
            #expect(posix_spawn(&shell, "/bin/sh", &actions, nil, argv, environ) == 0)
            close(pair[1])

            // The worker says hello (with its pid) and waits for its start message.
            #expect(ours.waitReadable(timeout: .seconds(10)))
            var reader = try FrameReader(payload: try #require(try ours.receive()))
            let hello = try WorkerMessage.Hello(&reader)
            #expect(hello.version == FrameProtocol.version)
            #expect(!isDead(hello.pid))

            kill(shell, SIGKILL)
            var status: Int32 = 0
            waitpid(shell, &status, 0)
            let deadline = ContinuousClock.now + .seconds(5)
            while !isDead(hello.pid) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(isDead(hello.pid))
            #expect(try ours.receive() == nil)
        }
    }
}
