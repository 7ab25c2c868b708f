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
    /// Each parameter name's UTF-8, for matching argument keys without making Strings.
    let parameterKeys: [[UInt8]]
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
        self.parameterKeys = parameterNames.map { Array($0.utf8) }
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
    /// The hot path: arguments are scanned as raw member ranges (no JSONValue tree, no allocation), slots live
    /// on the stack, and the result is written straight to bytes. Unusual input takes the validating parser.
    public func call(arguments: RawJSON) -> Result<[UInt8], InvocationError> {
        arguments.bytes.withUnsafeBufferPointer { bytes in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(parameters.count, 1)) { slots in
                var binder = Binder(function: self, bytes: bytes, slots: slots.baseAddress!)
                defer { binder.strings.forEach { free($0) } }
                let fast = ArgumentScanner.scan(bytes) { key, value in
                    binder.bind(key: UnsafeBufferPointer(rebasing: bytes[key]), value: value)
                }
                if !fast {
                    binder.strings.forEach { free($0) }
                    binder = Binder(function: self, bytes: bytes, slots: slots.baseAddress!)
                    do {
                        guard let members = try JSONParser.members(ofObject: bytes) else {
                            return .failure(InvocationError(.invalidArguments, "arguments of '\(name)' must be a JSON object"))
                        }
                        for member in members {
                            let key = Array(member.key.utf8)
                            guard key.withUnsafeBufferPointer({ binder.bind(key: $0, value: member.range) }) else { break }
                        }
                    } catch {
                        return .failure(InvocationError(.invalidArguments, "arguments of '\(name)' are not valid JSON: \(error)"))
                    }
                }
                if let failure = binder.failure { return .failure(failure) }
                for (index, parameter) in parameters.enumerated() where binder.given & (1 << UInt64(index)) == 0 {
                    return .failure(InvocationError(.invalidArguments, "missing argument '\(parameter.name)' (\(parameter.letter.expectation)) of '\(name)'"))
                }
                return Self.render(invokeRaw(slots.baseAddress!), as: returns, name: name)
            }
        }
    }

    /// Puts each argument in its parameter's slot, remembering which were given and the first problem.
    private struct Binder {
        let function: TypedFunction
        let bytes: UnsafeBufferPointer<UInt8>
        let slots: UnsafeMutablePointer<UInt64>
        var given: UInt64 = 0  // bit i: parameter i was given (at most 64 parameters, checked at registration)
        var strings: [UnsafeMutablePointer<CChar>] = []
        var failure: InvocationError?

        init(function: TypedFunction, bytes: UnsafeBufferPointer<UInt8>, slots: UnsafeMutablePointer<UInt64>) {
            self.function = function
            self.bytes = bytes
            self.slots = slots
        }

        /// False (stop) on a problem, recorded in `failure`.
        mutating func bind(key: UnsafeBufferPointer<UInt8>, value: Range<Int>) -> Bool {
            let name = function.name
            guard let index = function.parameterKeys.firstIndex(where: { $0.elementsEqual(key) }) else {
                failure = InvocationError(.invalidArguments,
                    "unexpected argument '\(String(decoding: key, as: UTF8.self))'; '\(name)' takes \(function.parameterList)")
                return false
            }
            let parameter = function.parameters[index]
            guard given & (1 << UInt64(index)) == 0 else {
                failure = InvocationError(.invalidArguments, "argument '\(parameter.name)' of '\(name)' is given twice")
                return false
            }
            guard let slot = ArgumentConversion.convert(UnsafeBufferPointer(rebasing: bytes[value]), to: parameter.letter, strings: &strings) else {
                let parsed = (try? JSONParser.parse(Array(bytes[value]))) ?? .null
                failure = InvocationError(.invalidArguments,
                    "argument '\(parameter.name)' of '\(name)' must be \(parameter.letter.expectation), got \(ArgumentConversion.describe(parsed))")
                return false
            }
            slots[index] = slot
            given |= 1 << UInt64(index)
            return true
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

    var parameterList: String {
        parameters.isEmpty ? "no arguments" : parameters.map(\.name).joined(separator: ", ")
    }


    private static let resultHead = Array(#"{"content":[{"type":"text","text":""#.utf8)
    private static let resultMiddle = Array(#""}],"structuredContent":{"result":"#.utf8)

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
            // As JSONValue.literal(for:), without string interpolation (this is the hot path).
            literal = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : value.description
        case .string: return .failure(InvocationError(.internalError, "'\(name)' cannot return a string"))  // refused at registration
        }
        var out: [UInt8] = []
        out.reserveCapacity(Self.resultHead.count + Self.resultMiddle.count + 2 + 2 * literal.utf8.count)
        out += Self.resultHead
        var text = literal
        text.withUTF8 { digits in
            out += digits  // a number or boolean literal needs no escaping
            out += Self.resultMiddle
            out += digits
        }
        out += [UInt8(ascii: "}"), UInt8(ascii: "}")]
        return .success(out)
    }
}

/// Why a typed function's registration was refused.
struct TypedFunctionError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
