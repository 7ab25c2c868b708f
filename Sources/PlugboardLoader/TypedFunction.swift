import CFFI
import Glibc
import PlugboardCore
import PlugboardJSON

/// A plain C function registered with `add_function`, called through libffi. The call interface is prepared
/// once, here; each call validates the JSON arguments against the signature, converts them, calls, and renders
/// the value as a CallToolResult (text plus `structuredContent: {"result": value}`).
public final class TypedFunction: @unchecked Sendable {
    public let name: String
    public let signature: String
    let parameters: [(name: String, letter: SignatureLetter)]
    let returns: SignatureLetter
    private let function: @convention(c) () -> Void
    // Prepared once and read-only afterwards, so concurrent calls may share them. Never freed: the function's
    // library is never unloaded either.
    private let cif: UnsafeMutablePointer<ffi_cif>
    private let argumentTypes: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>

    /// Parses `signature` ("d(dd)") and prepares the libffi call interface. Throws a message for the loader.
    init(name: String, signature: String, function: @escaping @convention(c) () -> Void, parameterNames: [String]) throws(TypedFunctionError) {
        self.name = name
        self.signature = signature
        self.function = function
        let characters = Array(signature)
        guard characters.count >= 3, characters[1] == "(", characters.last == ")" else {
            throw TypedFunctionError("signature '\(signature)' is not of the form R(P...), e.g. \"d(dd)\"")
        }
        guard let returns = SignatureLetter(rawValue: characters[0]) else {
            throw TypedFunctionError("signature '\(signature)': unknown return letter '\(characters[0])'; use v, b, i, l, d")
        }
        guard returns != .string else {
            throw TypedFunctionError("signature '\(signature)': 's' is for parameters only; a function cannot return a string")
        }
        var letters: [SignatureLetter] = []
        for character in characters[2..<(characters.count - 1)] {
            guard let letter = SignatureLetter(rawValue: character), letter != .void else {
                throw TypedFunctionError("signature '\(signature)': '\(character)' is not a parameter letter; use b, i, l, d, s")
            }
            letters.append(letter)
        }
        guard parameterNames.count == letters.count else {
            throw TypedFunctionError("signature '\(signature)' has \(letters.count) parameter(s) but \(parameterNames.count) name(s) were given")
        }
        guard Set(parameterNames).count == parameterNames.count, !parameterNames.contains(where: \.isEmpty) else {
            throw TypedFunctionError("parameter names \(parameterNames) must be non-empty and distinct")
        }
        self.returns = returns
        self.parameters = Array(zip(parameterNames, letters))
        cif = .allocate(capacity: 1)
        argumentTypes = .allocate(capacity: max(letters.count, 1))
        for (index, letter) in letters.enumerated() { argumentTypes[index] = letter.ffiType }
        let status = ffi_prep_cif(cif, pb_ffi_default_abi(), UInt32(letters.count), returns.ffiType, argumentTypes)
        guard status == FFI_OK else {
            throw TypedFunctionError("libffi could not prepare a call interface for '\(signature)' (status \(status.rawValue))")
        }
    }

    /// `{"type":"object","properties":{…},"required":[…],"additionalProperties":false}`
    public var inputSchema: RawJSON {
        let properties = JSONObject(parameters.map { (key: $0.name, value: $0.letter.schema) })
        return RawJSON(.object([
            "type": .string("object"),
            "properties": .object(properties),
            "required": .array(parameters.map { .string($0.name) }),
            "additionalProperties": .bool(false),
        ]))
    }

    /// `{"result": <return type>}`; nil for a void function.
    public var outputSchema: RawJSON? {
        guard returns != .void else { return nil }
        return RawJSON(.object([
            "type": .string("object"),
            "properties": .object(["result": returns.schema]),
            "required": .array([.string("result")]),
        ]))
    }

    /// Validates and converts `arguments`, calls the function, and returns the CallToolResult bytes.
    public func call(arguments: RawJSON) -> Result<[UInt8], InvocationError> {
        callValue(arguments: arguments).map(Self.render)
    }

    /// The returned value as JSON (null for void), or why the call could not be made.
    public func callValue(arguments: RawJSON) -> Result<JSONValue, InvocationError> {
        let object: JSONObject
        do {
            guard let parsed = try arguments.parsed().objectValue else {
                return .failure(InvocationError(.invalidArguments, "arguments of '\(name)' must be a JSON object"))
            }
            object = parsed
        } catch {
            return .failure(InvocationError(.invalidArguments, "arguments of '\(name)' are not valid JSON: \(error)"))
        }
        for key in object.keys where !parameters.contains(where: { $0.name == key }) {
            return .failure(InvocationError(.invalidArguments, "unexpected argument '\(key)'; '\(name)' takes \(parameterList)"))
        }
        var slots = [UInt64](repeating: 0, count: parameters.count)
        var strings: [UnsafeMutablePointer<CChar>] = []
        defer { strings.forEach { free($0) } }
        for (index, parameter) in parameters.enumerated() {
            guard let value = object[parameter.name] else {
                return .failure(InvocationError(.invalidArguments, "missing argument '\(parameter.name)' (\(parameter.letter.expectation)) of '\(name)'"))
            }
            guard let slot = Self.convert(value, to: parameter.letter, strings: &strings) else {
                return .failure(InvocationError(.invalidArguments,
                    "argument '\(parameter.name)' of '\(name)' must be \(parameter.letter.expectation), got \(Self.describe(value))"))
            }
            slots[index] = slot
        }
        return invoke(slots)
    }

    /// The libffi call itself: `slots` hold each argument's bits (a pointer for strings).
    func invoke(_ slots: [UInt64]) -> Result<JSONValue, InvocationError> {
        var result: UInt64 = 0
        slots.withUnsafeBufferPointer { slotBuffer in
            withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: max(slots.count, 1)) { values in
                let base = UnsafeMutableRawPointer(mutating: slotBuffer.baseAddress)
                for index in 0..<slots.count { values[index] = base.map { $0 + index * 8 } }
                ffi_call(cif, function, &result, values.baseAddress)
            }
        }
        switch returns {
        case .void: return .success(.null)
        case .bool: return .success(.bool(UInt8(truncatingIfNeeded: result) != 0))
        case .int32: return .success(.int(Int(Int32(truncatingIfNeeded: result))))
        case .int64:
            let value = Int64(bitPattern: result)
            guard abs(value) <= Self.limit else {
                return .failure(InvocationError(.failed, "'\(name)' returned \(value), beyond ±2^53, which JSON numbers cannot carry exactly"))
            }
            return .success(.number(String(value)))
        case .double:
            let value = Double(bitPattern: result)
            guard value.isFinite else {
                return .failure(InvocationError(.failed, "'\(name)' returned \(value), which JSON cannot represent"))
            }
            return .success(.double(value))
        case .string: return .success(.null)  // refused at registration
        }
    }

    private static let limit = SignatureLetter.int64Limit

    private var parameterList: String {
        parameters.isEmpty ? "no arguments" : parameters.map(\.name).joined(separator: ", ")
    }

    private static func convert(_ value: JSONValue, to letter: SignatureLetter, strings: inout [UnsafeMutablePointer<CChar>]) -> UInt64? {
        switch letter {
        case .bool:
            guard let flag = value.boolValue else { return nil }
            return flag ? 1 : 0
        case .int32:
            guard let number = value.int64Value, let narrow = Int32(exactly: number) else { return nil }
            return UInt64(UInt32(bitPattern: narrow))
        case .int64:
            guard let number = value.int64Value, abs(number) <= limit else { return nil }
            return UInt64(bitPattern: number)
        case .double:
            guard let number = value.doubleValue, number.isFinite else { return nil }
            return number.bitPattern
        case .string:
            guard let text = value.stringValue, !text.utf8.contains(0), let copy = strdup(text) else { return nil }
            strings.append(copy)
            return UInt64(UInt(bitPattern: copy))
        case .void:
            return nil
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        if case .number(let literal) = value { return "the number \(literal)" }
        if case .string(let text) = value, text.utf8.contains(0) { return "a string containing NUL" }
        return value.typeDescription
    }

    /// `{"content":[{"type":"text","text":"3"}],"structuredContent":{"result":3}}`; void: `{"content":[]}`.
    static func render(_ value: JSONValue) -> [UInt8] {
        if value.isNull { return Array(#"{"content":[]}"#.utf8) }
        return JSONValue.object([
            "content": .array([.object(["type": .string("text"), "text": .string(value.jsonText)])]),
            "structuredContent": .object(["result": value]),
        ]).serialized
    }
}

/// Why a typed function's registration was refused.
struct TypedFunctionError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
