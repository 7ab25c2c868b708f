import PlugboardCore

/// The catalog rules a loader applies before a provider is mounted: a key is versioned in every registration
/// or in none, and no (kind, key, version) is registered twice. Interim home: `CatalogRules.validate` in
/// PlugboardCore (issue 2) supersedes this once it lands, and the loader calls that instead.
enum CatalogChecks {
    static func problems(in components: [ComponentDescriptor]) -> [String] {
        var problems: [String] = []
        var seen: [ComponentKey: Int] = [:]
        var versioned: [ComponentKey: (Bool, Int)] = [:]
        for (index, component) in components.enumerated() {
            let exact = ComponentKey(kind: component.kind, key: component.key, version: component.version?.raw)
            if let first = seen[exact] {
                problems.append("\(component.label) is registered twice (registrations #\(first + 1) and #\(index + 1)); "
                    + "give each registration its own version or remove one")
            } else {
                seen[exact] = index
            }
            let identity = ComponentKey(kind: component.kind, key: component.key, version: nil)
            let isVersioned = component.version != nil
            if let (earlier, at) = versioned[identity], earlier != isVersioned {
                let (withVersion, without) = earlier ? (at, index) : (index, at)
                problems.append("\(component.kind) '\(component.key)' mixes versioned and unversioned registrations "
                    + "(#\(withVersion + 1) has a version, #\(without + 1) has none); version every registration of it or none")
            } else if versioned[identity] == nil {
                versioned[identity] = (isVersioned, index)
            }
        }
        return problems
    }
}
