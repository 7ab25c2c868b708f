import Glibc
import PlugboardCore
import PlugboardJSON
import PlugboardSandbox
import Testing

extension SandboxTests {
    @Suite("The frame protocol")
    struct FrameProtocolTests {
        /// Strips the 4-byte length prefix, checking it says what follows.
        private func payload(_ frame: [UInt8]) throws -> [UInt8] {
            let length = (0..<4).reduce(0) { $0 | Int(frame[$1]) << (8 * $1) }
            #expect(length == frame.count - 4)
            return Array(frame.dropFirst(4))
        }

        @Test("an invocation survives the trip byte for byte")
        func invokeRoundTrip() throws {
            let arguments = RawJSON(trusted: Array("{\"q\": \"é\\u0000\", \"n\": 1e400}".utf8))
            let invocation = Invocation(kind: .resourceTemplate, key: "notes://{id}", version: try Version("2.0"), arguments: arguments, uri: "notes://7")
            var reader = try FrameReader(payload: try payload(WorkerMessage.Invoke(call: 42, invocation: invocation).frame))
            #expect(reader.type == .invoke)
            let decoded = try WorkerMessage.Invoke(&reader)
            #expect(decoded.call == 42)
            #expect(decoded.invocation == invocation)
        }

        @Test("a catalog and its sandbox report survive the trip")
        func readyRoundTrip() throws {
            let components = [
                ComponentDescriptor(kind: .tool, key: "add", version: try Version("1.0"), title: "Add", description: "Adds",
                                    inputSchema: RawJSON(trusted: Array("{\"type\":\"object\"}".utf8)), tags: ["math", "b"]),
                ComponentDescriptor(kind: .prompt, key: "greet", arguments: [PromptArgument(name: "who", description: nil, required: true)]),
            ]
            let report = [SandboxLayerReport(layer: "seccomp", status: .applied, detail: "on"),
                          SandboxLayerReport(layer: "landlock", status: .unavailable, detail: "old kernel")]
            let ready = WorkerMessage.Ready(info: ProviderInfo(id: "calc", version: "1.2", origin: "/x.so", digest: nil), components: components, report: report)
            var reader = try FrameReader(payload: try payload(ready.frame))
            let decoded = try WorkerMessage.Ready(&reader)
            #expect(decoded.info == ready.info)
            #expect(decoded.components == components)
            #expect(decoded.report == report)
        }

        @Test("truncated frames, unknown types and invalid schemas are refused with what was wrong")
        func malformed() throws {
            let frame = try payload(WorkerMessage.result(7, Array("\"ok\"".utf8)))
            var truncated = try FrameReader(payload: Array(frame.dropLast(2)))
            _ = try truncated.u64()
            #expect(throws: FrameError.self) { _ = try truncated.data() }
            #expect(throws: FrameError.self) { _ = try FrameReader(payload: [99]) }
            #expect(throws: FrameError.self) { _ = try FrameReader(payload: []) }
            let bad = ComponentDescriptor(kind: .tool, key: "x", inputSchema: RawJSON(trusted: Array("{oops".utf8)))
            let ready = WorkerMessage.Ready(info: ProviderInfo(id: "x", version: "1", origin: "x"), components: [bad], report: [])
            var reader = try FrameReader(payload: try payload(ready.frame))
            do {
                _ = try WorkerMessage.Ready(&reader)
                Issue.record("an invalid schema was accepted")
            } catch {
                #expect(error.description.contains("invalid JSON in the description of tool 'x'"))
            }
        }

        @Test("a channel refuses a length prefix over its limit")
        func lengthLimit() throws {
            var pair: [Int32] = [0, 0]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
            let receiver = FrameChannel(descriptor: pair[0], readLimit: 1024)
            let sender = FrameChannel(descriptor: pair[1], readLimit: 1 << 20)
            try sender.send(WorkerMessage.result(1, [UInt8](repeating: 0x20, count: 100)))
            #expect(try receiver.receive()?.first == FrameType.result.rawValue)
            try sender.send(WorkerMessage.result(2, [UInt8](repeating: 0x20, count: 2000)))
            do {
                _ = try receiver.receive()
                Issue.record("an oversized frame was accepted")
            } catch {
                #expect(error.description == "a frame of 2013 bytes exceeds the limit of 1024 bytes")
            }
        }
    }
}
