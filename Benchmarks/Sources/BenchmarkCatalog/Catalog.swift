import PlugboardCore

/// The catalog: 100 providers x 25 identities x 4 versions = 10,000 components, mounted three levels
/// deep (org / team / provider namespaces) with two filters: `version_gte 1.0` on the org node and
/// `version_lt 4.0` on the surface, so 7,500 components stay routable.
public enum Catalog {
    public static let versions = ["1.0", "2.0", "3.0", "4.0"]

    public static func root() throws -> MountNode {
        var teams: [MountNode] = []
        for team in 0..<10 {
            var providerNodes: [MountNode] = []
            for member in 0..<10 {
                let id = "p\(team * 10 + member)"
                var registrations: [InMemoryProvider.Registration] = []
                for identity in 0..<25 {
                    for raw in versions {
                        let descriptor = ComponentDescriptor(
                            kind: .tool, key: "tool_\(identity)", version: try Version(raw),
                            description: "tool \(identity) of \(id), version \(raw)", tags: ["bench"])
                        registrations.append(.init(descriptor) { _, _ in Array("{}".utf8) })
                    }
                }
                let provider = try InMemoryProvider(id: id, registrations: registrations)
                providerNodes.append(MountNode(namespace: id, providers: [provider]))
            }
            teams.append(MountNode(namespace: "team\(team)", children: providerNodes))
        }
        let org = MountNode(namespace: "org", filter: VersionFilter(gte: try Version("1.0")), children: teams)
        return MountNode(children: [org])
    }

    public static let surface: Surface = {
        do {
            return Surface(name: "bench", path: "/mcp", filter: VersionFilter(lt: try Version("4.0")))
        } catch {
            fatalError("\(error)")
        }
    }()

    /// Exposed names spread over the whole table, so lookups do not hit one hot entry.
    public static let names: [String] = (0..<1000).map { i in
        let provider = (i * 37) % 100
        return "org_team\(provider / 10)_p\(provider)_tool_\((i * 7) % 25)"
    }
}
