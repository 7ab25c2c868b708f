import Foundation
import PlugboardABI
import PlugboardCore
import PlugboardJSON

/// Loads provider shared libraries. Each file is copied to a content-addressed cache (so a replaced file is a
/// new image, and glibc never hands back the old one), dlopened with RTLD_NOW | RTLD_LOCAL, checked, and
/// initialized. Libraries are never dlclosed. Checks run in a fixed order and each failure names the file and
/// says what to do.
public final class PluginLoader: Sendable {
    /// The ABI majors and newest minor this host implements.
    public static let abiMajor = UInt16(PB_ABI_MAJOR)
    public static let abiMinor = UInt16(PB_ABI_MINOR)

    public let cacheDirectory: String
    public let callDeadline: Duration
    /// How long a plugin's init and describe together may take.
    public let startupDeadline: Duration
    private let log: (@Sendable (LogRecord) -> Void)?

    /// - Parameters:
    ///   - cacheDirectory: where content-addressed copies go (created if missing).
    ///   - callDeadline: how long one call may take before its caller gets `.timedOut`.
    ///   - startupDeadline: how long a plugin's init and describe together may take.
    ///   - log: receives log lines plugins write outside a call, tagged with the plugin id.
    public init(
        cacheDirectory: String, callDeadline: Duration = .seconds(30), startupDeadline: Duration = .seconds(10),
        log: (@Sendable (LogRecord) -> Void)? = nil
    ) {
        self.cacheDirectory = cacheDirectory
        self.callDeadline = callDeadline
        self.startupDeadline = startupDeadline
        self.log = log
    }

    /// Every `*.so` in `directory` (not dot-files), by name, each loaded on its own: one broken file never
    /// stops the others.
    public func loadDirectory(_ directory: String, config: RawJSON = .emptyObject) -> [(file: String, result: Result<NativeProvider, PluginLoadError>)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".so") && !$0.hasPrefix(".") }.sorted().map { name in
            let file = (directory as NSString).appendingPathComponent(name)
            return (file, Result { () throws(PluginLoadError) in try load(file: file, config: config) })
        }
    }

    /// Opens and initializes a provider file: `open` followed by `instantiate`.
    public func load(file: String, config: RawJSON = .emptyObject) throws(PluginLoadError) -> NativeProvider {
        try instantiate(try open(file: file), config: config)
    }

    /// Copies `file` into the cache, dlopens the copy and checks its entry (symbol, magic, size, ABI, plugin id),
    /// running no plugin code but the entry function. The host uses this to learn which plugin a file holds before
    /// deciding how to mount it.
    public func open(file: String) throws(PluginLoadError) -> OpenedPlugin {
        func failure(_ stage: PluginLoadError.Stage, _ detail: String) -> PluginLoadError {
            PluginLoadError(file: file, stage: stage, detail: detail)
        }
        let (copy, digest) = try cachedCopy(of: file)

        guard let image = dlopen(copy, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw failure(.notLoadable, "cannot be loaded as a shared library: \(reason). "
                + "Build it with `cc -shared -fPIC` for this machine and check its dependencies with `ldd`.")
        }
        guard let symbol = dlsym(image, PB_ENTRY_SYMBOL) else {
            throw failure(.noEntry, "not a Plugboard provider: it does not export the function `\(PB_ENTRY_SYMBOL)`. "
                + "Define `PB_EXPORT const pb_entry *plugboard_entry_v1(void)` (PluginSDK/README.md), or remove the file from the plugin directory.")
        }
        let entryFunction = unsafeBitCast(symbol, to: pb_entry_fn.self)
        guard let entryPointer = entryFunction() else {
            throw failure(.badEntry, "`\(PB_ENTRY_SYMBOL)` returned NULL; it must return a pointer to a static pb_entry (PB_ENTRY_INIT).")
        }
        let raw = UnsafeRawPointer(entryPointer)
        let magic = raw.loadUnaligned(as: UInt64.self)
        guard magic == PB_MAGIC else {
            throw failure(.badMagic, "wrong magic 0x\(String(magic, radix: 16)) in the entry struct (expected 0x\(String(PB_MAGIC, radix: 16))); "
                + "the entry is not a pb_entry from plugboard.h. Initialize it with PB_ENTRY_INIT.")
        }
        let declaredSize = Int(raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let minimumSize = MemoryLayout<pb_entry>.offset(of: \pb_entry.get_extension)! + MemoryLayout<UnsafeRawPointer?>.size
        guard declaredSize >= minimumSize else {
            throw failure(.structTooSmall, "the entry struct declares \(declaredSize) bytes, fewer than the \(minimumSize) of ABI 1.0; "
                + "rebuild against the current plugboard.h and set struct_size = sizeof(pb_entry).")
        }
        var entry = pb_entry()
        memcpy(&entry, raw, min(declaredSize, MemoryLayout<pb_entry>.size))
        guard entry.abi_major == Self.abiMajor else {
            throw failure(.abiMismatch, "built for ABI \(entry.abi_major).x; this host supports \(Self.abiMajor).0–\(Self.abiMajor).\(Self.abiMinor). "
                + "Rebuild the provider against this host's plugboard.h, or run a host that supports ABI \(entry.abi_major).")
        }
        let buildEnd = MemoryLayout<pb_entry>.offset(of: \pb_entry.build_reserved)! + 1
        if declaredSize >= buildEnd, let mismatch = BuildSignature.mismatch(of: entry) {
            throw failure(.buildMismatch, mismatch)
        }
        guard let idPointer = entry.plugin_id, let pluginId = Optional(String(cString: idPointer)), Self.isValidPluginId(pluginId) else {
            throw failure(.badEntry, "plugin_id must be a non-empty string of a-z, 0-9, '_' and '-' (for example \"calculator\").")
        }
        let pluginVersion = entry.plugin_version.map { String(cString: $0) } ?? "0"
        guard entry.`init` != nil, entry.describe != nil else {
            throw failure(.badEntry, "the entry of plugin '\(pluginId)' has no init or no describe function; both are required.")
        }
        return OpenedPlugin(file: file, id: pluginId, version: pluginVersion, digest: digest, entry: entry)
    }

    /// Runs the plugin's init with `config` and its describe, validates the catalog, and returns the provider.
    /// Each call makes a new instance with its own plugin state.
    public func instantiate(_ plugin: OpenedPlugin, config: RawJSON = .emptyObject) throws(PluginLoadError) -> NativeProvider {
        func failure(_ stage: PluginLoadError.Stage, _ detail: String) -> PluginLoadError {
            PluginLoadError(file: plugin.file, stage: stage, detail: detail)
        }
        let (file, pluginId, pluginVersion, digest) = (plugin.file, plugin.id, plugin.version, plugin.digest)
        let host = HostTable.make(context: PluginHostContext(pluginId: pluginId, log: log))
        let registrar: Registrar
        let describeStatus: Int32
        let state: UnsafeMutableRawPointer?
        switch PluginStartup.run(entry: plugin.entry, host: host, config: config.text, deadline: startupDeadline) {
        case .initFailed(let status, let message):
            throw failure(.initFailed, "init of plugin '\(pluginId)' failed (status \(status)): "
                + (message.isEmpty ? "the plugin gave no message" : message))
        case .timedOut(let stage):
            throw failure(stage == "init" ? .initFailed : .invalidDescription,
                "\(stage) of plugin '\(pluginId)' did not return within \(startupDeadline); it must not block (start background work on a thread of its own).")
        case .noThread:
            throw failure(.initFailed, "could not start a thread to initialize plugin '\(pluginId)'; the system is out of threads.")
        case .described(let status, let collected, let pluginState):
            (describeStatus, registrar, state) = (status, collected, pluginState)
        }
        var problems = registrar.problems
        if describeStatus != 0 && problems.isEmpty { problems.append("describe returned \(describeStatus) (nonzero: refused)") }
        guard problems.isEmpty else {
            throw failure(.invalidDescription, "invalid description of plugin '\(pluginId)': " + problems.joined(separator: "; ")
                + ". Fix the registrations in describe.")
        }
        do {
            try CatalogRules.validate(registrar.components.map(\.descriptor), provider: pluginId)
        } catch {
            throw failure(.invalidDescription, "invalid catalog of \(error.description)")
        }
        let info = ProviderInfo(id: pluginId, version: pluginVersion, origin: file, digest: digest)
        return NativeProvider(info: info, components: registrar.components, state: .init(pointer: state), callDeadline: callDeadline)
    }

    /// Copies `file` to `<cache>/<sha256>.so` (atomically, once per content) and returns the copy and digest.
    private func cachedCopy(of file: String) throws(PluginLoadError) -> (String, String) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PluginLoadError(file: file, stage: .unreadable, detail: "cannot be read; check that it exists and is readable.")
        }
        let digest = SHA256.hex(data)
        let copy = (cacheDirectory as NSString).appendingPathComponent("\(digest).so")
        if FileManager.default.fileExists(atPath: copy) { return (copy, digest) }
        do {
            try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
            let temporary = copy + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
            try data.write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, copy) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: temporary)
                throw PluginLoadError(file: file, stage: .unreadable, detail: "cannot be copied into the plugin cache \(cacheDirectory): \(reason)")
            }
        } catch let error as PluginLoadError {
            throw error
        } catch {
            throw PluginLoadError(file: file, stage: .unreadable, detail: "cannot be copied into the plugin cache \(cacheDirectory): \(error). "
                + "Check that the cache directory is writable.")
        }
        return (copy, digest)
    }

    static func isValidPluginId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f || $0 == 0x2d }
    }
}
