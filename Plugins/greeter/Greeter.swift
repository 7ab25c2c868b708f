// greeter — a bundled Plugboard provider written in Swift against the C ABI alone (plugboard.h through the
// PlugboardABI module; nothing of the host). An example for Swift authors:
//
//   tool greet 1.0   name                              -> "Hello, NAME!" as text
//   tool greet 2.0   name, language (en | fr | es | de) -> {"greeting", "language"} as structured content
//
// The entry is exported with @_cdecl under the one name the host looks for. Handlers are C function pointers,
// so they are closures that capture nothing; what they share lives in globals set once during init.
import Foundation
import PlugboardABI

/// The host table, set once in init before any handler runs; read-only afterwards.
nonisolated(unsafe) private var host: UnsafePointer<pb_host>!

private func cString(_ text: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

private struct Arguments: Decodable {
    var name: String
    var language: String?
}

private struct Greeting: Encodable {
    var greeting: String
    var language: String
}

private let greetings = ["en": "Hello", "fr": "Bonjour", "es": "Hola", "de": "Hallo"]

/// Decodes the call's arguments, or answers with an invalid-arguments error and returns nil.
private func arguments(_ call: OpaquePointer?, _ request: UnsafePointer<pb_request>) -> Arguments? {
    let bytes = Data(bytes: request.pointee.arguments, count: request.pointee.arguments_len)
    guard let decoded = try? JSONDecoder().decode(Arguments.self, from: bytes) else {
        _ = host.pointee.set_error(call, Int32(PB_ERROR_INVALID_ARGUMENTS.rawValue),
                                   "argument 'name' is required and must be a string")
        return nil
    }
    return decoded
}

/// Sends `value` as the result, as JSON.
private func answer(_ call: OpaquePointer?, _ value: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys  // stable output
    let json = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    _ = json.withCString { host.pointee.set_result(call, $0) }
}

private let greetV1: pb_handler = { call, request in
    guard let request, let args = arguments(call, request) else { return Int32(PB_OK.rawValue) }
    answer(call, "Hello, \(args.name)!")  // a string: the host shows it as text
    return Int32(PB_OK.rawValue)
}

private let greetV2: pb_handler = { call, request in
    guard let request, let args = arguments(call, request) else { return Int32(PB_OK.rawValue) }
    let language = args.language ?? "en"
    guard let word = greetings[language] else {
        _ = host.pointee.set_error(call, Int32(PB_ERROR_INVALID_ARGUMENTS.rawValue),
                                   "argument 'language' must be one of de, en, es, fr")
        return Int32(PB_OK.rawValue)
    }
    answer(call, Greeting(greeting: "\(word), \(args.name)!", language: language))  // an object: structured too
    return Int32(PB_OK.rawValue)
}

private let initialize: @convention(c) (
    UnsafePointer<pb_host>?, UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    UnsafeMutablePointer<CChar>?, Int
) -> Int32 = { hostTable, _, state, _, _ in
    host = hostTable
    state?.pointee = nil
    return 0
}

private let describe: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<pb_registrar>?) -> Int32 = { _, registrar in
    guard let registrar else { return 1 }
    var component = pb_component()
    component.struct_size = UInt32(MemoryLayout<pb_component>.size)
    component.kind = PB_KIND_TOOL.rawValue
    component.key = cString("greet")
    component.version = cString("1.0")
    component.description = cString("Greets someone by name")
    component.input_schema = cString(#"{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}"#)
    component.flags = PB_FLAG_REENTRANT
    component.handler = greetV1
    guard registrar.pointee.add(registrar, &component) == 0 else { return 1 }

    component.version = cString("2.0")
    component.description = cString("Greets someone by name in a language of choice")
    component.input_schema = cString(#"{"type":"object","properties":{"name":{"type":"string"},"language":{"type":"string","enum":["de","en","es","fr"]}},"required":["name"]}"#)
    component.output_schema = cString(#"{"type":"object","properties":{"greeting":{"type":"string"},"language":{"type":"string"}},"required":["greeting","language"]}"#)
    component.handler = greetV2
    return registrar.pointee.add(registrar, &component) == 0 ? 0 : 1
}

/// The entry struct: built once (Swift initializes globals lazily and thread-safely) and never freed.
nonisolated(unsafe) private let entry: UnsafeMutablePointer<pb_entry> = {
    let entry = UnsafeMutablePointer<pb_entry>.allocate(capacity: 1)
    entry.initialize(to: pb_entry(
        magic: PB_MAGIC, struct_size: UInt32(MemoryLayout<pb_entry>.size),
        abi_major: UInt16(PB_ABI_MAJOR), abi_minor: UInt16(PB_ABI_MINOR),
        plugin_id: cString("greeter"), plugin_version: cString("1.0.0"),
        init: initialize, describe: describe, deinit: nil, get_extension: nil,
        build_pointer_size: UInt8(MemoryLayout<UnsafeRawPointer>.size), build_byte_order: UInt8(PB_BUILD_BYTE_ORDER),
        build_libc: UInt8(PB_BUILD_LIBC), build_reserved: 0))
    return entry
}()

@_cdecl("plugboard_entry_v1")
public func plugboardEntry() -> UnsafePointer<pb_entry>? {
    UnsafePointer(entry)
}
