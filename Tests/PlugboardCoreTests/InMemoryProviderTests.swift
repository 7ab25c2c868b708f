import PlugboardJSON
import Synchronization
import Testing

@testable import PlugboardCore

@Suite struct InMemoryProviderTests {
    @Test func eachVersionRunsItsOwnHandler() async throws {
        let p = try InMemoryProvider(
            id: "calc",
            registrations: [
                .init(tool("double", "1.0")) { invocation, _ in Array("\(invocation.arguments.text)x2".utf8) },
                .init(tool("double", "2.0")) { invocation, _ in Array("\(invocation.arguments.text)*2".utf8) },
            ])
        #expect(p.info == ProviderInfo(id: "calc", version: "0", origin: "builtin:calc"))
        #expect(p.components.map { $0.version?.raw } == ["1.0", "2.0"])
        let table = compile(MountNode(providers: [p]))
        var route = try table.route(.tool, "double", version: "1.0").get()
        var invocation = route.invocation
        invocation.arguments = try RawJSON(validating: "5")
        #expect(String(decoding: try await route.provider.invoke(invocation, context: .none), as: UTF8.self) == "5x2")
        route = try table.route(.tool, "double", version: nil).get()
        invocation = route.invocation
        invocation.arguments = try RawJSON(validating: "5")
        #expect(String(decoding: try await route.provider.invoke(invocation, context: .none), as: UTF8.self) == "5*2")
    }

    @Test func anUnknownInvocationIsNotFound() async throws {
        let p = try provider("calc", [tool("add", "1.0")])
        await #expect(throws: InvocationError(.notFound, "provider 'calc' has no tool 'add' version 9.0")) {
            _ = try await p.invoke(Invocation(kind: .tool, key: "add", version: v("9.0")), context: .none)
        }
    }

    @Test func aBadCatalogIsRefusedAtInit() throws {
        #expect(throws: CatalogError.self) { try provider("calc", [tool("add"), tool("add", "1.0")]) }
    }

    @Test func handlerErrorsAndSideChannelsPassThrough() async throws {
        let logged = Shared<[String]>([])
        let p = try InMemoryProvider(
            id: "x",
            registrations: [
                .init(tool("fail")) { (_, _) throws(InvocationError) in throw InvocationError(.failed, "division by zero") },
                .init(tool("chatty")) { _, context in
                    context.progress?(ProgressUpdate(progress: 1, total: 2))
                    context.log?(LogRecord(level: .info, logger: "x", message: "halfway"))
                    return Array("{}".utf8)
                },
            ])
        await #expect(throws: InvocationError(.failed, "division by zero")) {
            _ = try await p.invoke(Invocation(kind: .tool, key: "fail", version: nil), context: .none)
        }
        let context = InvocationContext(
            progress: { update in logged.update { $0.append("progress \(update.progress)/\(update.total ?? 0)") } },
            log: { record in logged.update { $0.append("\(record.level.name) \(record.message)") } })
        _ = try await p.invoke(Invocation(kind: .tool, key: "chatty", version: nil), context: context)
        #expect(logged.value == ["progress 1.0/2.0", "info halfway"])
    }

    @Test func aCancelledTaskDoesNotRunTheHandler() async throws {
        let ran = Shared(false)
        let p = try InMemoryProvider(
            id: "x", registrations: [.init(tool("slow")) { _, _ in ran.update { $0 = true }; return [] }])
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await p.invoke(Invocation(kind: .tool, key: "slow", version: nil), context: .none)
        }
        await #expect(throws: InvocationError(.cancelled, "cancelled before tool 'slow' ran")) { _ = try await task.value }
        #expect(!ran.value)
    }
}
