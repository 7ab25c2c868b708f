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
        guard letters.count <= 64 else { throw TypedFunctionError("signature '\(signature)' has more than 64 parameters") }
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
    /// The hot path: arguments are scanned as raw member ranges (no JSONValue tree), slots live on the stack,
    /// and the result is written straight to bytes.
    public func call(arguments: RawJSON) -> Result<[UInt8], InvocationError> {
        let members: [(key: String, range: Range<Int>)]
        do {
            guard let found = try JSONParser.members(ofObject: arguments.bytes) else {
                return .failure(InvocationError(.invalidArguments, "arguments of '\(name)' must be a JSON object"))
            }
            members = found
        } catch {
            return .failure(InvocationError(.invalidArguments, "arguments of '\(name)' are not valid JSON: \(error)"))
        }
        return arguments.bytes.withUnsafeBufferPointer { bytes in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(parameters.count, 1)) { slots in
                var strings: [UnsafeMutablePointer<CChar>] = []
                defer { strings.forEach { free($0) } }
                var given: UInt64 = 0  // bit i: parameter i was given (at most 64 parameters, checked at registration)
                for member in members {
                    guard let index = parameters.firstIndex(where: { $0.name == member.key }) else {
                        return .failure(InvocationError(.invalidArguments, "unexpected argument '\(member.key)'; '\(name)' takes \(parameterList)"))
                    }
                    let letter = parameters[index].letter
                    guard let slot = Self.convert(UnsafeBufferPointer(rebasing: bytes[member.range]), to: letter, strings: &strings) else {
                        let value = (try? JSONParser.parse(Array(bytes[member.range]))) ?? .null
                        return .failure(InvocationError(.invalidArguments,
                            "argument '\(member.key)' of '\(name)' must be \(letter.expectation), got \(Self.describe(value))"))
                    }
                    slots[index] = slot
                    given |= 1 << UInt64(index)
                }
                for (index, parameter) in parameters.enumerated() where given & (1 << UInt64(index)) == 0 {
                    return .failure(InvocationError(.invalidArguments, "missing argument '\(parameter.name)' (\(parameter.letter.expectation)) of '\(name)'"))
                }
                return Self.render(invokeRaw(slots.baseAddress!), as: returns, name: name)
            }
        }
    }

    /// The libffi call itself: `slots` hold each argument's bits (a pointer for strings); returns the result's
    /// bits. Exposed to the benchmark to measure libffi's share apart from JSON handling.
    @_spi(Benchmarks) public func invokeRaw(_ slots: UnsafeMutablePointer<UInt64>) -> UInt64 {
        var result: UInt64 = 0
        let count = parameters.count
        withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: max(count, 1)) { values in
            for index in 0..<count { values[index] = UnsafeMutableRawPointer(slots + index) }
            ffi_call(cif, function, &result, values.baseAddress)
        }
        return result
    }

    private static let limit = SignatureLetter.int64Limit

    private var parameterList: String {
        parameters.isEmpty ? "no arguments" : parameters.map(\.name).joined(separator: ", ")
    }

    /// One argument's JSON bytes as the C value's bits, or nil if it does not fit the letter.
    private static func convert(_ json: UnsafeBufferPointer<UInt8>, to letter: SignatureLetter, strings: inout [UnsafeMutablePointer<CChar>]) -> UInt64? {
        guard let first = json.first else { return nil }
        switch letter {
        case .bool:
            if json.elementsEqual("true".utf8) { return 1 }
            if json.elementsEqual("false".utf8) { return 0 }
            return nil
        case .int32:
            guard let number = integer(json), let narrow = Int32(exactly: number) else { return nil }
            return UInt64(UInt32(bitPattern: narrow))
        case .int64:
            guard let number = integer(json), abs(number) <= limit else { return nil }
            return UInt64(bitPattern: number)
        case .double:
            guard first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return nil }
            // The range is a valid JSON number followed (in the buffer) by a delimiter, so strtod stops at its end.
            let number = json.withMemoryRebound(to: CChar.self) { strtod($0.baseAddress!, nil) }
            return number.isFinite ? number.bitPattern : nil
        case .string:
            guard first == UInt8(ascii: "\""), let text = (try? JSONParser.parse(Array(json)))?.stringValue,
                  !text.utf8.contains(0), let copy = strdup(text) else { return nil }
            strings.append(copy)
            return UInt64(UInt(bitPattern: copy))
        case .void:
            return nil
        }
    }

    /// A JSON number that is an exact integer (`3`, `-3`, `3.0`, `3e0`), as Int64.
    private static func integer(_ json: UnsafeBufferPointer<UInt8>) -> Int64? {
        var value: Int64 = 0
        var negative = false
        var plain = true
        for (offset, byte) in json.enumerated() {
            if offset == 0 && byte == UInt8(ascii: "-") { negative = true; continue }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { plain = false; break }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
        }
        if plain { return negative ? -value : value }
        guard let number = (try? JSONParser.parse(Array(json)))?.int64Value else { return nil }
        return number
    }

    private static func describe(_ value: JSONValue) -> String {
        if case .number(let literal) = value { return "the number \(literal)" }
        if case .string(let text) = value, text.utf8.contains(0) { return "a string containing NUL" }
        return value.typeDescription
    }

    /// `{"content":[{"type":"text","text":"3"}],"structuredContent":{"result":3}}`; void: `{"content":[]}`.
    static func render(_ bits: UInt64, as letter: SignatureLetter, name: String) -> Result<[UInt8], InvocationError> {
        let literal: String
        switch letter {
        case .void: return .success(Array(#"{"content":[]}"#.utf8))
        case .bool: literal = UInt8(truncatingIfNeeded: bits) != 0 ? "true" : "false"
        case .int32: literal = String(Int32(truncatingIfNeeded: bits))
        case .int64:
            let value = Int64(bitPattern: bits)
            guard abs(value) <= limit else {
                return .failure(InvocationError(.failed, "'\(name)' returned \(value), beyond ±2^53, which JSON numbers cannot carry exactly"))
            }
            literal = String(value)
        case .double:
            let value = Double(bitPattern: bits)
            guard value.isFinite else {
                return .failure(InvocationError(.failed, "'\(name)' returned \(value), which JSON cannot represent"))
            }
            literal = JSONValue.literal(for: value)
        case .string: return .failure(InvocationError(.internalError, "'\(name)' cannot return a string"))  // refused at registration
        }
        var out: [UInt8] = []
        out.reserveCapacity(72 + 2 * literal.utf8.count)
        out += #"{"content":[{"type":"text","text":""#.utf8
        out += literal.utf8  // a number or boolean literal needs no escaping
        out += #""}],"structuredContent":{"result":"#.utf8
        out += literal.utf8
        out += "}}".utf8
        return .success(out)
    }
}

/// Why a typed function's registration was refused.
struct TypedFunctionError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
