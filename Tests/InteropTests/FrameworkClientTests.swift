import PlugboardJSON
import Testing

extension InteropSuite {
    /// Agent frameworks' MCP clients (langchain-mcp-adapters, pydantic-ai) against the real `plugboard`, over stdio
    /// and Streamable HTTP: what an application built on them gets, every version of every versioned component.
    @Suite("Agent-framework clients")
    struct FrameworkClients {
        @Test("pins every version and observes what SEMANTICS.md and the bundled providers promise",
              arguments: PythonClientRun.frameworks)
        func observesThePromisedBehaviour(run: PythonClientRun) async throws {
            let observation = try await ObservationStore.shared.observation(run)
            FrameworkExpectations.check(observation, run)
        }
    }
}
