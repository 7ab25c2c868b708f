import CFFI
import PlugboardJSON

/// One letter of a typed function's signature ("d(dd)"): how a JSON argument becomes a C value and back.
enum SignatureLetter: Character, Sendable {
    case void = "v", bool = "b", int32 = "i", int64 = "l", double = "d", string = "s"

    /// The largest integer magnitude JSON numbers carry exactly (doubles): 2^53.
    static let int64Limit: Int64 = 1 << 53

    var ffiType: UnsafeMutablePointer<ffi_type> {
        switch self {
        case .void: pb_ffi_void()
        case .bool: pb_ffi_uint8()
        case .int32: pb_ffi_sint32()
        case .int64: pb_ffi_sint64()
        case .double: pb_ffi_double()
        case .string: pb_ffi_pointer()
        }
    }

    /// The JSON Schema of a parameter or result of this type.
    var schema: JSONValue {
        switch self {
        case .void: .object(["type": .string("null")])
        case .bool: .object(["type": .string("boolean")])
        case .int32: .object(["type": .string("integer"), "minimum": .int(Int(Int32.min)), "maximum": .int(Int(Int32.max))])
        case .int64: .object(["type": .string("integer"), "minimum": .int(-Int(Self.int64Limit)), "maximum": .int(Int(Self.int64Limit))])
        case .double: .object(["type": .string("number")])
        case .string: .object(["type": .string("string")])
        }
    }

    /// "a number", for messages.
    var expectation: String {
        switch self {
        case .void: "null"
        case .bool: "a boolean"
        case .int32: "an integer from \(Int32.min) to \(Int32.max)"
        case .int64: "an integer from -2^53 to 2^53"
        case .double: "a number"
        case .string: "a string without NUL characters"
        }
    }
}
