/// What one sandbox layer came to in a worker, as the worker reported it at start.
public struct SandboxLayerReport: Sendable, Hashable, CustomStringConvertible {
    public enum Status: UInt8, Sendable, Hashable {
        case applied = 0
        /// The kernel or environment does not offer it; the other layers still apply.
        case unavailable = 1
        /// The policy switched it off.
        case disabled = 2
        /// It should have worked and did not (the worker refuses to load the plugin).
        case failed = 3
    }

    /// "pdeathsig", "namespaces", "rlimit-as", "rlimit-cpu", "rlimit-nofile", "rlimit-nproc", "landlock", "seccomp".
    public var layer: String
    public var status: Status
    public var detail: String

    public init(layer: String, status: Status, detail: String) {
        self.layer = layer
        self.status = status
        self.detail = detail
    }

    public var description: String {
        let word = switch status {
        case .applied: "applied"
        case .unavailable: "UNAVAILABLE"
        case .disabled: "disabled by policy"
        case .failed: "FAILED"
        }
        return "\(layer): \(word) — \(detail)"
    }
}
