import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import PlugboardJSON
import PlugboardMCP

/// `plugboard fleet check URL…`: asks every replica's `/readyz` which providers it serves and with which build
/// (the SHA-256 of the file), and reports each provider that is not the same build on every replica. Behind a
/// balancer a client meets one replica or another at random, so two builds of one provider answer differently.
struct Fleet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the replicas of one deployment.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the providers every replica serves, by SHA-256; exit 1 when they differ.",
            discussion: """
                Give each replica's own address (not the balancer's): its HTTP listener, or its admin listener
                when the configuration has one. /readyz is added when the URL does not end with it.

                Exit status: 0 every replica serves the same builds; 1 they differ; 2 a replica could not be asked.

                Example:
                  plugboard fleet check http://10.0.0.11:8000 http://10.0.0.12:8000 http://10.0.0.13:8000
                """)

        @Argument(help: "The replicas' URLs, e.g. http://10.0.0.11:8000.")
        var urls: [String]

        @Option(help: "Seconds to wait for each replica.")
        var timeout: Int = 5

        func validate() throws {
            if urls.count < 2 { throw ValidationError("give at least two replicas to compare (got \(urls.count))") }
            for url in urls where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                throw ValidationError("'\(url)' is not an http:// or https:// URL; give each replica's address, e.g. http://10.0.0.11:8000")
            }
            if timeout <= 0 { throw ValidationError("--timeout must be positive (got \(timeout))") }
        }

        func run() async throws {
            let answers = await withTaskGroup(of: (Int, Result<[Served], FetchFailure>).self) { group in
                for (index, url) in urls.enumerated() {
                    group.addTask { (index, await Self.providers(at: Self.readinessURL(url), timeout: timeout)) }
                }
                var answers = [Result<[Served], FetchFailure>](repeating: .success([]), count: urls.count)
                for await (index, answer) in group { answers[index] = answer }
                return answers
            }
            let report = FleetReport(urls: urls, answers: answers)
            print(report.text, terminator: "")
            if report.unreachable > 0 { throw ExitCode(2) }
            if !report.differing.isEmpty { throw ExitCode(1) }
        }

        static func readinessURL(_ url: String) -> String {
            var url = url
            while url.hasSuffix("/") { url.removeLast() }
            return url.hasSuffix("/readyz") ? url : url + "/readyz"
        }

        /// The providers a replica's `/readyz` lists; it answers them when ready (200) and when not (503).
        static func providers(at url: String, timeout: Int) async -> Result<[Served], FetchFailure> {
            do {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(Int64(timeout)))
                let body = try await response.body.collect(upTo: 16 << 20)
                guard let document = try? JSONParser.parse(String(buffer: body)), let list = document["providers"]?.arrayValue else {
                    return .failure(FetchFailure(description: "HTTP \(response.status.code), and the body lists no providers: is this a Plugboard replica, and is its build recent enough to report them?"))
                }
                let served = list.compactMap { entry -> Served? in
                    guard let provider = entry["provider"]?.stringValue, let sha256 = entry["sha256"]?.stringValue else { return nil }
                    return Served(provider: provider, version: entry["version"]?.stringValue ?? "?", sha256: sha256, team: entry["team"]?.stringValue)
                }
                return .success(served)
            } catch {
                let text = "\(error)"
                if text.contains("Connection refused") {
                    return .failure(FetchFailure(description: "connection refused: is the replica running, and is this its own address?"))
                }
                return .failure(FetchFailure(description: text))
            }
        }
    }
}

struct FetchFailure: Error, CustomStringConvertible {
    var description: String
}

typealias Served = HealthProbes.ServedProvider

extension HealthProbes.ServedProvider {
    /// What must be the same on every replica: a provider, for its team.
    var key: String { team.map { "\(provider) (team \($0))" } ?? provider }
}

/// What `fleet check` prints: one line per provider, and under each one that differs, what each replica serves.
struct FleetReport {
    let text: String
    let differing: [String]
    let unreachable: Int

    init(urls: [String], answers: [Result<[Served], FetchFailure>]) {
        var lines: [String] = []
        var unreachable = 0
        var asked: [(url: String, served: [String: [Served]])] = []
        for (url, answer) in zip(urls, answers) {
            switch answer {
            case .success(let served): asked.append((url, Dictionary(grouping: served, by: \.key)))
            case .failure(let failure):
                unreachable += 1
                lines.append("unreachable: \(url): \(failure)")
            }
        }
        let keys = Set(asked.flatMap { $0.served.keys }).sorted()
        var differing: [String] = []
        for key in keys {
            let builds = asked.map { url, served in (url, Set((served[key] ?? []).map { "\($0.version) sha256 \($0.sha256)" })) }
            let distinct = Set(builds.map(\.1))
            if distinct.count == 1, let only = distinct.first, !only.isEmpty {
                let build = only.sorted().joined(separator: ", ")
                lines.append("same      \(key): \(build) on all \(asked.count)")
            } else {
                differing.append(key)
                lines.append("DIFFERENT \(key):")
                for (url, build) in builds {
                    lines.append("    \(url)  \(build.isEmpty ? "(not served)" : build.sorted().joined(separator: ", "))")
                }
            }
        }
        let verdict: String
        if !differing.isEmpty {
            verdict = "\(differing.count) of \(keys.count) providers differ across the replicas: deploy one build of each to every replica"
        } else if unreachable > 0 {
            verdict = "\(asked.count) of \(urls.count) replicas answered and agree; check the ones that did not answer"
        } else {
            verdict = "all \(urls.count) replicas serve the same \(keys.count) providers"
        }
        lines.append(verdict)
        text = lines.joined(separator: "\n") + "\n"
        self.differing = differing
        self.unreachable = unreachable
    }
}
