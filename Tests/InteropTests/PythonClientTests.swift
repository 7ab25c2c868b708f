import PlugboardJSON
import Testing

extension InteropSuite {
    /// The Python `mcp` and `fastmcp` clients against the real `plugboard`, over stdio and Streamable HTTP.
    @Suite("Python clients")
    struct PythonClients {
        @Test("observes what SEMANTICS.md and the bundled providers promise", arguments: PythonClientRun.all)
        func observesThePromisedBehaviour(run: PythonClientRun) async throws {
            let observation = try await ObservationStore.shared.observation(run)
            ScenarioExpectations.check(observation, run)
        }

        @Test("every client and transport sees the same thing")
        func clientsAgree() async throws {
            let reference = PythonClientRun.all[0]
            let expected = try await ObservationStore.shared.observation(reference)
            for run in PythonClientRun.all.dropFirst() {
                let observed = try await ObservationStore.shared.observation(run)
                let differences = ClientAgreement.differences(expected, observed)
                #expect(differences.isEmpty, """
                    \(run.testDescription) differs from \(reference.testDescription) on:
                    \(differences.joined(separator: "\n"))
                    """)
            }
        }
    }
}
