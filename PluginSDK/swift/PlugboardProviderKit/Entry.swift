// The C boundary: the exported entry, init, describe and the one handler every component is registered with.
// Nothing a Swift handler throws gets past these functions.
import CPlugboardProviderKit
import PlugboardABI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The symbol the host looks for. Exported here, by the kit, so that the author's library exports it without
/// declaring it: the kit is linked statically into that library.
@_cdecl("plugboard_entry_v1")
public func plugboardEntryV1() -> UnsafePointer<pb_entry>? {
    entry.map { UnsafePointer($0) }
}

/// Built on the first call (Swift initializes globals once, thread-safely) and never freed: the host keeps the
/// library loaded for good. Nil when the library does not declare exactly one provider.
nonisolated(unsafe) private let entry: UnsafeMutablePointer<pb_entry>? = {
    guard let provider = declaredProvider() else { return nil }
    let entry = UnsafeMutablePointer<pb_entry>.allocate(capacity: 1)
    entry.initialize(to: pb_entry(
        magic: PB_MAGIC, struct_size: UInt32(MemoryLayout<pb_entry>.size),
        abi_major: UInt16(PB_ABI_MAJOR), abi_minor: UInt16(PB_ABI_MINOR),
        plugin_id: strdup(provider.id), plugin_version: strdup(provider.version),
        init: { host, config, state, err, capacity in Session.initialize(host, config, state, err, capacity) },
        describe: { state, registrar in Session.describe(state, registrar) },
        deinit: { state in Session.release(state) },
        get_extension: nil,
        // How this library was built: the host refuses a build for another pointer size, byte order or C library.
        build_pointer_size: UInt8(MemoryLayout<UnsafeRawPointer>.size), build_byte_order: UInt8(PB_BUILD_BYTE_ORDER),
        build_libc: UInt8(PB_BUILD_LIBC), build_reserved: 0))
    return entry
}()

/// The provider of the one type in this library that conforms to PlugboardProvider. The host has no channel for
/// a message before init, so a library without one says why on stderr, which the host logs.
private func declaredProvider() -> Provider? {
    var types = [UnsafeRawPointer?](repeating: nil, count: 2)
    let found = types.withUnsafeMutableBufferPointer {
        pbk_conforming_types("PlugboardProviderKit", "PlugboardProvider", $0.baseAddress, $0.count)
    }
    let providers = types.prefix(found).compactMap { type in
        type.flatMap { unsafeBitCast($0, to: Any.Type.self) as? any PlugboardProvider.Type }
    }
    guard found == 1, let provider = providers.first else {
        let problem = found == 0 ? "declares no public type conforming to PlugboardProvider (an optimized build drops an internal one)"
            : "declares \(found) types conforming to PlugboardProvider; a library is one provider"
        let line = "PlugboardProviderKit: this library \(problem)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }  // descriptor 2: the stderr global is not concurrency-safe
        return nil
    }
    return provider.provider
}

/// What init hands the host as the provider's state and the host hands back to describe and every handler.
private final class Session {
    let host: UnsafePointer<pb_host>
    let provider: Provider
    /// Each component boxed, so its address can be a registration's user_data; kept alive as long as the session.
    var registered: [Registered] = []

    init(host: UnsafePointer<pb_host>, provider: Provider) {
        self.host = host
        self.provider = provider
    }

    final class Registered {
        let component: Component
        init(_ component: Component) { self.component = component }
    }

    static func initialize(
        _ host: UnsafePointer<pb_host>?, _ config: UnsafePointer<CChar>?, _ state: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
        _ err: UnsafeMutablePointer<CChar>?, _ capacity: Int
    ) -> Int32 {
        guard let host, let state, let provider = declaredProvider() else { return 1 }
        do {
            try provider.initialize?(Arguments(json: config.map { String(cString: $0) } ?? "{}"))
        } catch {
            if let err, capacity > 0 { copy(message(of: error), into: err, capacity: capacity) }
            return 1
        }
        state.pointee = Unmanaged.passRetained(Session(host: host, provider: provider)).toOpaque()
        return 0
    }

    static func describe(_ state: UnsafeMutableRawPointer?, _ registrar: UnsafeMutablePointer<pb_registrar>?) -> Int32 {
        guard let state, let registrar else { return 1 }
        let session = Unmanaged<Session>.fromOpaque(state).takeUnretainedValue()
        for component in session.provider.components {
            let box = Registered(component)
            session.registered.append(box)
            let added = withCStrings([
                component.key, component.version, component.name, component.title, component.description,
                component.mimeType, component.inputSchema, component.outputSchema, component.annotations,
                component.arguments, component.tags, component.icons,
            ]) { text in
                var c = pb_component()
                c.struct_size = UInt32(MemoryLayout<pb_component>.size)
                c.kind = component.kind.rawValue
                (c.key, c.version, c.name, c.title, c.description, c.mime_type) = (text[0], text[1], text[2], text[3], text[4], text[5])
                (c.input_schema, c.output_schema, c.annotations, c.arguments, c.tags, c.icons) = (text[6], text[7], text[8], text[9], text[10], text[11])
                c.flags = component.reentrant ? PB_FLAG_REENTRANT : 0
                c.handler = { call, request in Session.invoke(call, request) }
                c.user_data = Unmanaged.passUnretained(box).toOpaque()
                return registrar.pointee.add(registrar, &c)
            }
            guard added == 0 else { return 1 }
        }
        return 0
    }

    static func release(_ state: UnsafeMutableRawPointer?) {
        if let state { Unmanaged<Session>.fromOpaque(state).release() }
    }

    static func invoke(_ call: OpaquePointer?, _ request: UnsafePointer<pb_request>?) -> Int32 {
        let ok = Int32(PB_OK.rawValue)
        guard let request, let state = request.pointee.state, let userData = request.pointee.user_data else { return ok }
        let session = Unmanaged<Session>.fromOpaque(state).takeUnretainedValue()
        let component = Unmanaged<Registered>.fromOpaque(userData).takeUnretainedValue().component
        let host = session.host
        do {
            let reply = try component.handler(Call(host: host, call: call, request: request))
            _ = reply.json.withCString { host.pointee.set_result(call, $0) }
        } catch let error as ProviderError {
            _ = error.message.withCString { host.pointee.set_error(call, error.code.rawValue, $0) }
        } catch {
            _ = message(of: error).withCString { host.pointee.set_error(call, ProviderError.Code.failed.rawValue, $0) }
        }
        return ok
    }
}

/// `text` into a C buffer of `capacity` bytes, cut to fit and NUL-terminated.
private func copy(_ text: String, into buffer: UnsafeMutablePointer<CChar>, capacity: Int) {
    var count = 0
    for byte in text.utf8.prefix(capacity - 1) {
        buffer[count] = CChar(bitPattern: byte)
        count += 1
    }
    buffer[count] = 0
}

private func message(of error: any Error) -> String {
    (error as? ProviderError)?.message ?? String(describing: error)
}

/// Runs `body` with C copies of `strings` (nil stays NULL), freed afterwards: the host copies what it keeps.
private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
