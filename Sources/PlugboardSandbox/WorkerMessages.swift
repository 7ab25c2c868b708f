import PlugboardCore
import PlugboardJSON

/// The messages of `FrameProtocol`, each with its encoding. Host and worker share this file, so the two ends
/// cannot drift apart.
public enum WorkerMessage {
    public struct Hello: Sendable {
        public var version: UInt32
        public var pid: Int32
        public init(version: UInt32 = FrameProtocol.version, pid: Int32) { self.version = version; self.pid = pid }
        public var frame: [UInt8] { var w = FrameWriter(.hello); w.u32(version); w.u32(UInt32(bitPattern: pid)); return w.frame }
        public init(_ r: inout FrameReader) throws(FrameError) { version = try r.u32(); pid = Int32(bitPattern: try r.u32()) }
    }

    /// The part of the policy the worker itself enforces, plus what to load.
    public struct Start: Sendable {
        public var pluginFile: String
        public var config: [UInt8]
        public var scratchDirectory: String
        public var memoryBytes: UInt64?, cpuSeconds: UInt64?, openFiles: UInt64?, maxProcesses: UInt64?
        public var allowProcesses: Bool, allowNetwork: Bool
        public var readablePaths: [String]
        public var namespaces: Bool, landlock: Bool, seccomp: Bool
        public var maxResponseBytes: UInt64
        /// When the worker itself gives up waiting for a handler: after the host would have killed it.
        public var handlerDeadlineMilliseconds: UInt64

        public init(pluginFile: String, config: [UInt8], scratchDirectory: String, policy: SandboxPolicy) {
            self.pluginFile = pluginFile
            self.config = config
            self.scratchDirectory = scratchDirectory
            memoryBytes = policy.memoryBytes; cpuSeconds = policy.cpuSeconds
            openFiles = policy.openFiles; maxProcesses = policy.maxProcesses
            allowProcesses = policy.allowProcesses; allowNetwork = policy.allowNetwork
            readablePaths = policy.readablePaths
            namespaces = policy.namespaces; landlock = policy.landlock; seccomp = policy.seccomp
            maxResponseBytes = UInt64(policy.maxResponseBytes)
            let (seconds, attoseconds) = (policy.callDeadline + policy.cancelGrace + .seconds(1)).components
            handlerDeadlineMilliseconds = UInt64(max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        }

        public var frame: [UInt8] {
            var w = FrameWriter(.start)
            w.string(pluginFile); w.data(config); w.string(scratchDirectory)
            for limit in [memoryBytes, cpuSeconds, openFiles, maxProcesses] { w.bool(limit != nil); w.u64(limit ?? 0) }
            w.bool(allowProcesses); w.bool(allowNetwork); w.strings(readablePaths)
            w.bool(namespaces); w.bool(landlock); w.bool(seccomp); w.u64(maxResponseBytes); w.u64(handlerDeadlineMilliseconds)
            return w.frame
        }

        public init(_ r: inout FrameReader) throws(FrameError) {
            pluginFile = try r.string(); config = try r.data(); scratchDirectory = try r.string()
            func limit(_ r: inout FrameReader) throws(FrameError) -> UInt64? { let set = try r.bool(); let value = try r.u64(); return set ? value : nil }
            memoryBytes = try limit(&r); cpuSeconds = try limit(&r); openFiles = try limit(&r); maxProcesses = try limit(&r)
            allowProcesses = try r.bool(); allowNetwork = try r.bool(); readablePaths = try r.strings()
            namespaces = try r.bool(); landlock = try r.bool(); seccomp = try r.bool(); maxResponseBytes = try r.u64()
            handlerDeadlineMilliseconds = try r.u64()
        }
    }

    public struct Ready: Sendable {
        public var info: ProviderInfo
        public var components: [ComponentDescriptor]
        public var report: [SandboxLayerReport]
        public init(info: ProviderInfo, components: [ComponentDescriptor], report: [SandboxLayerReport]) {
            self.info = info; self.components = components; self.report = report
        }
        public var frame: [UInt8] {
            var w = FrameWriter(.ready, capacity: 4096)
            w.string(info.id); w.string(info.version); w.string(info.origin); w.optionalString(info.digest)
            w.u32(UInt32(components.count))
            for component in components { component.encode(into: &w) }
            w.u32(UInt32(report.count))
            for layer in report { w.string(layer.layer); w.u8(layer.status.rawValue); w.string(layer.detail) }
            return w.frame
        }
        public init(_ r: inout FrameReader) throws(FrameError) {
            info = ProviderInfo(id: try r.string(), version: try r.string(), origin: try r.string(), digest: try r.optionalString())
            components = []
            for _ in 0..<(try r.u32()) { components.append(try ComponentDescriptor(decoding: &r)) }
            report = []
            for _ in 0..<(try r.u32()) {
                let layer = try r.string()
                guard let status = SandboxLayerReport.Status(rawValue: try r.u8()) else { throw FrameError("unknown layer status") }
                report.append(SandboxLayerReport(layer: layer, status: status, detail: try r.string()))
            }
        }
    }

    public struct Invoke: Sendable {
        public var call: UInt64
        public var invocation: Invocation
        public init(call: UInt64, invocation: Invocation) { self.call = call; self.invocation = invocation }
        public var frame: [UInt8] {
            var w = FrameWriter(.invoke, capacity: invocation.arguments.bytes.count + invocation.key.utf8.count + 32)
            w.u64(call); w.string(invocation.kind.rawValue); w.string(invocation.key)
            w.optionalString(invocation.version?.raw); w.data(invocation.arguments.bytes); w.optionalString(invocation.uri)
            w.data(invocation.meta.bytes)
            return w.frame
        }
        public init(_ r: inout FrameReader) throws(FrameError) {
            call = try r.u64()
            let kind = try ComponentKind.decoding(try r.string())
            let key = try r.string()
            let version = try Version.decoding(try r.optionalString())
            // The host validated the arguments before routing; the worker takes them as they are.
            invocation = Invocation(kind: kind, key: key, version: version, arguments: RawJSON(trusted: try r.data()),
                                    uri: try r.optionalString(), meta: RawJSON(trusted: try r.data()))
        }
    }

    /// `cancel` (host to worker) and `shutdown` carry only a call id (0 for shutdown).
    public static func cancel(_ call: UInt64) -> [UInt8] { var w = FrameWriter(.cancel); w.u64(call); return w.frame }
    public static let shutdown: [UInt8] = FrameWriter(.shutdown).frame

    public static func loadFailed(_ message: String) -> [UInt8] { var w = FrameWriter(.loadFailed); w.string(message); return w.frame }

    public static func result(_ call: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        var w = FrameWriter(.result, capacity: bytes.count + 12); w.u64(call); w.data(bytes); return w.frame
    }

    public static func error(_ call: UInt64, _ error: InvocationError) -> [UInt8] {
        var w = FrameWriter(.error); w.u64(call); w.string(error.kind.rawValue); w.string(error.message); return w.frame
    }

    public static func decodeError(_ r: inout FrameReader) throws(FrameError) -> InvocationError {
        let raw = try r.string()
        guard let kind = InvocationError.Kind(rawValue: raw) else { throw FrameError("unknown error kind '\(raw)'") }
        return InvocationError(kind, try r.string())
    }

    public static func progress(_ call: UInt64, _ update: ProgressUpdate) -> [UInt8] {
        var w = FrameWriter(.progress); w.u64(call); w.f64(update.progress)
        w.bool(update.total != nil); w.f64(update.total ?? 0); w.optionalString(update.message)
        return w.frame
    }

    public static func decodeProgress(_ r: inout FrameReader) throws(FrameError) -> ProgressUpdate {
        let progress = try r.f64()
        let hasTotal = try r.bool()
        let total = try r.f64()
        return ProgressUpdate(progress: progress, total: hasTotal ? total : nil, message: try r.optionalString())
    }

    /// A log line; call 0 when it belongs to no call.
    public static func log(_ call: UInt64, _ record: LogRecord) -> [UInt8] {
        var w = FrameWriter(.log); w.u64(call); w.u8(UInt8(record.level.rawValue)); w.string(record.logger); w.string(record.message)
        return w.frame
    }

    public static func decodeLog(_ r: inout FrameReader) throws(FrameError) -> LogRecord {
        let level = LogLevel(rawValue: Int(try r.u8())) ?? .info
        return LogRecord(level: level, logger: try r.string(), message: try r.string())
    }
}

extension ComponentKind {
    static func decoding(_ raw: String) throws(FrameError) -> ComponentKind {
        guard let kind = ComponentKind(rawValue: raw) else { throw FrameError("unknown component kind '\(raw)'") }
        return kind
    }
}

extension Version {
    static func decoding(_ raw: String?) throws(FrameError) -> Version? {
        guard let raw else { return nil }
        do { return try Version(raw) } catch { throw FrameError("invalid version '\(raw)'") }
    }
}

extension ComponentDescriptor {
    func encode(into w: inout FrameWriter) {
        w.string(kind.rawValue); w.string(key); w.string(name); w.optionalString(version?.raw)
        w.optionalString(title); w.optionalString(description); w.optionalString(mimeType)
        for json in [inputSchema, outputSchema, annotations] { w.bool(json != nil); if let json { w.data(json.bytes) } }
        w.u32(UInt32(arguments.count))
        for argument in arguments { w.string(argument.name); w.optionalString(argument.description); w.bool(argument.required) }
        w.strings(tags)
        w.bool(icons != nil); if let icons { w.data(icons.bytes) }
    }

    init(decoding r: inout FrameReader) throws(FrameError) {
        let kind = try ComponentKind.decoding(try r.string())
        let key = try r.string(), name = try r.string()
        let version = try Version.decoding(try r.optionalString())
        let title = try r.optionalString(), description = try r.optionalString(), mimeType = try r.optionalString()
        // Schemas are re-validated here: the host must not trust a worker's JSON.
        func json(_ r: inout FrameReader) throws(FrameError) -> RawJSON? {
            guard try r.bool() else { return nil }
            let bytes = try r.data()
            do { return try RawJSON(validating: bytes) } catch { throw FrameError("invalid JSON in the description of \(kind) '\(key)': \(error)") }
        }
        let input = try json(&r), output = try json(&r), annotations = try json(&r)
        var arguments: [PromptArgument] = []
        for _ in 0..<(try r.u32()) {
            arguments.append(PromptArgument(name: try r.string(), description: try r.optionalString(), required: try r.bool()))
        }
        let tags = try r.strings()
        let icons = try json(&r)
        if let icons, let problem = ComponentIcons.problem(in: icons) { throw FrameError("\(kind) '\(key)': \(problem)") }
        self.init(kind: kind, key: key, name: name, version: version, title: title, description: description, mimeType: mimeType,
                  inputSchema: input, outputSchema: output, annotations: annotations, arguments: arguments, tags: tags, icons: icons)
    }
}
