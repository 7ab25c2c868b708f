@testable import PlugboardConfig

/// The decoder the config tests read with: relative paths resolve from /srv/plugboard, `${bundled}` is
/// /opt/plugboard/bin.
let decoder = RuntimeConfigDecoder(baseDirectory: "/srv/plugboard", bundledDirectory: "/opt/plugboard/bin")

/// The issues a config text produces, as "path: message" lines; none when it decodes.
func issues(_ text: String) -> [String] {
    do {
        _ = try decoder.decode(Array(text.utf8), source: "runtime.json")
        return []
    } catch {
        return error.issues.map(\.description)
    }
}
