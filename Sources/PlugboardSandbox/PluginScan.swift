import PlugboardCore
import PlugboardJSON

/// Opens a provider file the host has not seen in a sandboxed worker, runs its init and describe there, and says
/// what came of it: the host learns whether the file crashes or hangs before any of it runs in its own process
/// (as GStreamer's plugin scanner does).
public enum PluginScan {
    public enum Outcome: Sendable, Equatable {
        /// The worker loaded it and read its catalog.
        case passed(id: String, version: String, components: Int)
        /// The loader in the worker refused it cleanly (not a plugin, wrong ABI, init said no to an empty
        /// configuration…): not a danger to the host; the host's own checks give the reason again at load.
        case refused(String)
        /// It crashed its worker, hung past the deadline or sent garbage: quarantined until the file changes.
        case misbehaved(String)
    }

    /// Whether scans can run here: the worker executable is installed beside this program (or PLUGBOARD_WORKER).
    public static var isAvailable: Bool { WorkerExecutable.locate(SandboxPolicy()) != nil }

    /// What a scan's result depends on besides the file: a registry written by another build is not trusted.
    public static let hostFingerprint = "frames-\(FrameProtocol.version)"

    /// Blocking, at most `timeout` (plus the worker's teardown): call it off Swift's cooperative pool.
    public static func scan(file: String, timeout: Duration) -> Outcome {
        var policy = SandboxPolicy()
        policy.startTimeout = timeout
        do {
            let provider = try WorkerProvider.launchBlocking(file: file, config: .emptyObject, policy: policy)
            defer { provider.shutdown() }
            return .passed(id: provider.info.id, version: provider.info.version, components: provider.components.count)
        } catch {
            return error.workerMisbehaved ? .misbehaved(Self.withoutOutput(error.detail)) : .refused(error.detail)
        }
    }

    /// The cause without the worker's backtrace: the quarantine line is read by operators and kept in the registry;
    /// `plugboard inspect --sandboxed FILE` shows everything the plugin printed.
    static func withoutOutput(_ detail: String) -> String {
        guard let range = detail.range(of: "; it printed: ") else { return detail }
        return String(detail[..<range.lowerBound]) + "; `plugboard inspect --sandboxed` shows what it printed)"
    }
}
