/// The host–worker protocol: length-prefixed frames over a socketpair.
///
/// A frame is a 4-byte little-endian length, then that many bytes: one type byte and the message fields
/// (`FrameWriter` / `FrameReader`). The worker speaks first (`hello`, with its protocol version); the host answers
/// `start` (plugin, configuration, policy); the worker sets up its sandbox, loads the plugin and answers `ready`
/// (catalog and sandbox report) or `loadFailed`. Then the host sends `invoke` and `cancel`, the worker answers each
/// call with `result` or `error` and may send `progress` and `log` while it runs.
public enum FrameProtocol {
    /// Bumped on any incompatible change; both sides refuse a peer with another version.
    public static let version: UInt32 = 1
    /// Where the worker finds its end of the socketpair, and the descriptor for its death notes.
    public static let channelDescriptor: Int32 = 3
    public static let noteDescriptor: Int32 = 4
    /// Frames before the policy is known (hello, start) may not exceed this.
    public static let handshakeFrameLimit = 1 << 20
    /// The worker's exit status when its connection to the host broke (a read or frame error).
    public static let exitConnectionBroken: Int32 = 65
    /// The worker's exit status when the host that started it is already gone.
    public static let exitHostGone: Int32 = 70
}

public enum FrameType: UInt8, Sendable {
    case hello = 1, start, ready, loadFailed, invoke, cancel, result, error, progress, log, shutdown
}
