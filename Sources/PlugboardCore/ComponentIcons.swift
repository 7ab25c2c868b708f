import PlugboardJSON

/// The MCP `icons` of a component: a JSON array of Icon objects, checked once when the provider registers it and
/// then listed byte for byte. A client renders them, so a malformed entry is refused at registration rather than
/// handed to every client that lists the component.
public enum ComponentIcons {
    /// The shape every entry must have, as registration errors state it.
    public static let shape =
        #"icons must be a JSON array of {"src": https:, http: or data: URI, "mimeType"?: string, "sizes"?: ["WxH" or "any"], "theme"?: "light" or "dark"}"#

    /// Nil when `raw` is a valid icon list; otherwise what is wrong with it, naming the entry.
    public static func problem(in raw: RawJSON) -> String? {
        guard let items = (try? raw.parsed())?.arrayValue else { return "\(shape), got \(raw.text.prefix(80))" }
        for (index, item) in items.enumerated() {
            let entry = "icons[\(index)]"
            guard let icon = item.objectValue else { return "\(entry) is \(item.typeDescription), not an object; \(shape)" }
            guard let src = icon["src"]?.stringValue, !src.isEmpty else { return "\(entry) needs a \"src\" string; \(shape)" }
            let scheme = src.prefix(while: { $0 != ":" }).lowercased()
            guard scheme.count < src.count, ["https", "http", "data"].contains(scheme) else {
                return "\(entry).src '\(src.prefix(60))' is not an https:, http: or data: URI; clients fetch icons from such URIs only"
            }
            if let mime = icon["mimeType"], mime.stringValue == nil { return "\(entry).mimeType must be a string such as \"image/png\"" }
            if let sizes = icon["sizes"], sizes.arrayValue?.allSatisfy({ $0.stringValue != nil }) != true {
                return "\(entry).sizes must be an array of strings such as [\"48x48\"] or [\"any\"]"
            }
            if let theme = icon["theme"], theme.stringValue != "light" && theme.stringValue != "dark" {
                return "\(entry).theme must be \"light\" or \"dark\""
            }
        }
        return nil
    }
}
