import Glibc
import PlugboardABI
import PlugboardCore
import PlugboardJSON

/// Collects the registrations a plugin makes during `describe`, deep-copying everything, and the problems found
/// in them. `pb_registrar.host_data` points at it for the duration of the call.
final class Registrar {
    private(set) var components: [NativeComponent] = []
    private(set) var problems: [String] = []
    /// JSON a plugin gave before (most tools of a provider share a schema or annotations): kept once, checked once.
    private var seenJSON: [String: RawJSON] = [:]

    /// Runs `describe` with a registrar wired to this collector.
    func collect(_ describe: (UnsafeMutablePointer<pb_registrar>) -> Int32) -> Int32 {
        var registrar = pb_registrar()
        registrar.struct_size = UInt32(MemoryLayout<pb_registrar>.size)
        registrar.host_data = Unmanaged.passUnretained(self).toOpaque()
        registrar.add = { registrar, component in
            guard let registrar, let component else { return -1 }
            return Registrar.from(registrar).add(component) ? 0 : -1
        }
        registrar.add_function = { registrar, name, version, signature, function, names, description, flags in
            guard let registrar else { return -1 }
            return Registrar.from(registrar).addFunction(
                name: name, version: version, signature: signature, function: function, names: names,
                description: description, flags: flags) ? 0 : -1
        }
        return withExtendedLifetime(self) { describe(&registrar) }
    }

    private static func from(_ registrar: UnsafeMutablePointer<pb_registrar>) -> Registrar {
        Unmanaged<Registrar>.fromOpaque(registrar.pointee.host_data).takeUnretainedValue()
    }

    private func fail(_ problem: String) -> Bool {
        problems.append(problem)
        return false
    }

    private func add(_ pointer: UnsafePointer<pb_component>) -> Bool {
        let ordinal = "registration #\(components.count + problems.count + 1)"
        let declared = Int(UnsafeRawPointer(pointer).load(as: UInt32.self))
        let minimum = MemoryLayout<pb_component>.offset(of: \pb_component.user_data)! + MemoryLayout<UnsafeRawPointer?>.size
        guard declared >= minimum else {
            return fail("\(ordinal): pb_component.struct_size is \(declared), below the \(minimum) bytes of ABI 1.0; initialize it with PB_COMPONENT_INIT")
        }
        // Read the prefix we know; a newer plugin's extra fields are ignored.
        var c = pb_component()
        memcpy(&c, pointer, min(declared, MemoryLayout<pb_component>.size))

        guard let kind = ComponentKind(abiKind: c.kind) else {
            return fail("\(ordinal): kind \(c.kind) is not a pb_kind (1 tool, 2 resource, 3 resource template, 4 prompt)")
        }
        guard let key = text(c.key), !key.isEmpty else { return fail("\(ordinal): a \(kind) needs its \(kind.identityLabel) in `key`") }
        let label = "\(kind) '\(key)'"
        guard let handler = c.handler else { return fail("\(label): no handler; set pb_component.handler") }
        do throws(RegistrationProblem) {
            let version = try self.version(c.version, of: label)
            var descriptor = ComponentDescriptor(
                kind: kind, key: key, name: text(c.name), version: version, title: text(c.title),
                description: text(c.description), mimeType: text(c.mime_type))
            descriptor.inputSchema = try object(c.input_schema, field: "input_schema", of: label)
            descriptor.outputSchema = try object(c.output_schema, field: "output_schema", of: label)
            descriptor.annotations = try object(c.annotations, field: "annotations", of: label)
            descriptor.arguments = try promptArguments(c.arguments, of: label)
            descriptor.tags = try tags(c.tags, of: label)
            if declared >= Self.iconsEnd { descriptor.icons = try icons(c.icons, of: label) }
            components.append(NativeComponent(
                descriptor: descriptor, body: .handler(handler, c.user_data), reentrant: c.flags & PB_FLAG_REENTRANT != 0))
            return true
        } catch {
            return fail(error.message)
        }
    }

    private func addFunction(
        name: UnsafePointer<CChar>?, version: UnsafePointer<CChar>?, signature: UnsafePointer<CChar>?,
        function: pb_function?, names: UnsafePointer<UnsafePointer<CChar>?>?, description: UnsafePointer<CChar>?, flags: UInt32
    ) -> Bool {
        guard let name = text(name), !name.isEmpty else { return fail("add_function: a typed function needs a name") }
        let label = "tool '\(name)'"
        guard let signature = text(signature) else { return fail("\(label): add_function needs a signature such as \"d(dd)\"") }
        guard let function else { return fail("\(label): add_function was given a NULL function pointer") }
        let arity = max(0, signature.count - 3)
        var parameterNames: [String] = []
        for index in 0..<arity {
            guard let names, let parameter = text(names[index]) else {
                return fail("\(label): signature '\(signature)' needs \(arity) parameter name(s); name \(index + 1) is missing")
            }
            parameterNames.append(parameter)
        }
        do throws(RegistrationProblem) {
            let typed: TypedFunction
            do {
                typed = try TypedFunction(name: name, signature: signature, function: function, parameterNames: parameterNames)
            } catch {
                throw RegistrationProblem("\(label): \(error.message)")
            }
            let descriptor = ComponentDescriptor(
                kind: .tool, key: name, version: try self.version(version, of: label), description: text(description),
                inputSchema: typed.inputSchema, outputSchema: typed.outputSchema)
            components.append(NativeComponent(
                descriptor: descriptor, body: .function(typed), reentrant: flags & PB_FLAG_REENTRANT != 0))
            return true
        } catch {
            return fail(error.message)
        }
    }

    // MARK: Field decoding

    /// Where `pb_component.icons` (ABI 1.2) ends: a 1.0 or 1.1 plugin's shorter struct has no icons to read.
    private static let iconsEnd = MemoryLayout<pb_component>.offset(of: \pb_component.icons)! + MemoryLayout<UnsafeRawPointer?>.size

    private func icons(_ pointer: UnsafePointer<CChar>?, of label: String) throws(RegistrationProblem) -> RawJSON? {
        guard let raw = try json(pointer, field: "icons", of: label) else { return nil }
        if let problem = ComponentIcons.problem(in: raw) { throw RegistrationProblem("\(label): \(problem)") }
        return raw
    }

    private func text(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func version(_ pointer: UnsafePointer<CChar>?, of label: String) throws(RegistrationProblem) -> Version? {
        guard let raw = text(pointer) else { return nil }
        do {
            return try Version(raw)
        } catch {
            throw RegistrationProblem("\(label): invalid version: \(error)")
        }
    }

    private func json(_ pointer: UnsafePointer<CChar>?, field: String, of label: String) throws(RegistrationProblem) -> RawJSON? {
        guard let text = text(pointer) else { return nil }
        if let seen = seenJSON[text] { return seen }
        do {
            let json = try RawJSON(validating: text)
            seenJSON[text] = json
            return json
        } catch {
            throw RegistrationProblem("\(label): \(field) is not valid JSON (\(error)): \(text.prefix(80))")
        }
    }

    private func object(_ pointer: UnsafePointer<CChar>?, field: String, of label: String) throws(RegistrationProblem) -> RawJSON? {
        guard let raw = try json(pointer, field: field, of: label) else { return nil }
        guard raw.isObject else {
            throw RegistrationProblem("\(label): \(field) must be a JSON object, got \(raw.text.prefix(80))")
        }
        return raw
    }

    private func promptArguments(_ pointer: UnsafePointer<CChar>?, of label: String) throws(RegistrationProblem) -> [PromptArgument] {
        guard let raw = try json(pointer, field: "arguments", of: label) else { return [] }
        let shape = "arguments must be a JSON array of {\"name\": string, \"description\"?: string, \"required\"?: bool}"
        guard let items = (try? raw.parsed())?.arrayValue else { throw RegistrationProblem("\(label): \(shape)") }
        var result: [PromptArgument] = []
        for item in items {
            guard let name = item["name"]?.stringValue, !name.isEmpty else { throw RegistrationProblem("\(label): \(shape)") }
            let description = item["description"]?.stringValue
            let required = item["required"]?.boolValue ?? false
            result.append(PromptArgument(name: name, description: description, required: required))
        }
        return result
    }

    private func tags(_ pointer: UnsafePointer<CChar>?, of label: String) throws(RegistrationProblem) -> [String] {
        guard let raw = try json(pointer, field: "tags", of: label) else { return [] }
        guard let items = (try? raw.parsed())?.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw RegistrationProblem("\(label): tags must be a JSON array of strings")
        }
        return items.compactMap(\.stringValue)
    }
}

struct RegistrationProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
