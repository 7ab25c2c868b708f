/// Why a plugin file did not become a provider. Every message names the file and says what to do.
public struct PluginLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The check that failed, in the order the loader runs them.
    public enum Stage: String, Sendable, Hashable {
        case unreadable          // the file could not be read or copied into the cache
        case notLoadable         // dlopen refused it
        case noEntry             // no plugboard_entry_v1 symbol
        case badEntry            // the entry function returned NULL or a malformed entry
        case badMagic
        case structTooSmall
        case abiMismatch
        case buildMismatch       // built for another pointer size, byte order or C library
        case initFailed
        case invalidDescription  // describe failed, or a registration or the catalog is invalid
    }

    public var file: String
    public var stage: Stage
    /// What was wrong and what to do, without the file name.
    public var detail: String

    public init(file: String, stage: Stage, detail: String) {
        self.file = file
        self.stage = stage
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
}
