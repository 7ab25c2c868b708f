import NIOCore

/// One value of RESP2, the Redis wire protocol: what a command is sent as (an array of bulk strings) and what a
/// reply is. Only what the fleet's quotas need; RESP3 is never negotiated (no `HELLO`).
public enum RESPValue: Sendable, Equatable {
    case simpleString(String)
    case error(String)
    case integer(Int)
    /// nil: the null bulk string (`$-1`), e.g. `GET` of a missing key.
    case bulkString([UInt8]?)
    /// nil: the null array (`*-1`).
    case array([RESPValue]?)

    /// A command as Redis reads it: `*<n>` then each argument as a bulk string.
    public static func command(_ arguments: [String], into buffer: inout ByteBuffer) {
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.utf8.count)\r\n")
            buffer.writeString(argument)
            buffer.writeString("\r\n")
        }
    }

    /// The value as text, for replies that are strings or numbers.
    public var text: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .integer(let value): String(value)
        default: nil
        }
    }

    public var integer: Int? {
        switch self {
        case .integer(let value): value
        case .simpleString, .bulkString: text.flatMap { Int($0) }
        default: nil
        }
    }
}

/// What a reply that does not follow RESP2 breaks (the connection is closed: nothing after it can be trusted).
public struct RESPProtocolError: Error, CustomStringConvertible {
    public var description: String
}

extension RESPValue {
    /// Bounds that keep a broken or hostile server from making the host buffer without end.
    static let maximumBulkBytes = 16 << 20
    static let maximumArrayCount = 1 << 16
    static let maximumDepth = 8

    /// Reads one whole value from the front of `buffer` and consumes it; nil (nothing consumed) while it is
    /// still incomplete.
    public static func read(from buffer: inout ByteBuffer) throws(RESPProtocolError) -> RESPValue? {
        var view = buffer
        guard let value = try parse(&view, depth: 0) else { return nil }
        buffer = view
        return value
    }

    private static func parse(_ buffer: inout ByteBuffer, depth: Int) throws(RESPProtocolError) -> RESPValue? {
        guard depth <= maximumDepth else { throw RESPProtocolError(description: "replies nested deeper than \(maximumDepth)") }
        guard let marker = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        var rest = buffer
        rest.moveReaderIndex(forwardBy: 1)
        guard let line = try readLine(&rest) else { return nil }
        let value: RESPValue
        switch marker {
        case UInt8(ascii: "+"): value = .simpleString(line)
        case UInt8(ascii: "-"): value = .error(line)
        case UInt8(ascii: ":"):
            guard let number = Int(line) else { throw RESPProtocolError(description: "integer reply '\(line)' is not a number") }
            value = .integer(number)
        case UInt8(ascii: "$"):
            guard let length = Int(line), length >= -1, length <= maximumBulkBytes else {
                throw RESPProtocolError(description: "bulk string length '\(line)' is out of range")
            }
            if length == -1 {
                value = .bulkString(nil)
            } else {
                guard rest.readableBytes >= length + 2, let bytes = rest.readBytes(length: length) else { return nil }
                guard rest.readBytes(length: 2) == [13, 10] else { throw RESPProtocolError(description: "bulk string not ended by CRLF") }
                value = .bulkString(bytes)
            }
        case UInt8(ascii: "*"):
            guard let count = Int(line), count >= -1, count <= maximumArrayCount else {
                throw RESPProtocolError(description: "array length '\(line)' is out of range")
            }
            if count == -1 {
                value = .array(nil)
            } else {
                var elements: [RESPValue] = []
                elements.reserveCapacity(count)
                for _ in 0..<count {
                    guard let element = try parse(&rest, depth: depth + 1) else { return nil }
                    elements.append(element)
                }
                value = .array(elements)
            }
        default:
            throw RESPProtocolError(description: "reply starts with byte \(marker), which is no RESP2 type")
        }
        buffer = rest
        return value
    }

    /// The text up to the next CRLF, consumed with it; nil while no CRLF has arrived.
    private static func readLine(_ buffer: inout ByteBuffer) throws(RESPProtocolError) -> String? {
        let view = buffer.readableBytesView
        guard let carriageReturn = view.firstIndex(of: 13) else {
            if view.count > 64 << 10 { throw RESPProtocolError(description: "a reply line longer than 64 KiB") }
            return nil
        }
        guard carriageReturn + 1 < view.endIndex else { return nil }
        guard view[carriageReturn + 1] == 10 else { throw RESPProtocolError(description: "a CR not followed by LF") }
        let length = carriageReturn - view.startIndex
        let line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }
}

/// The bytes a connection has received, read off as whole values as they complete (a value may arrive in pieces,
/// several in one read).
struct RESPReader {
    private var received: ByteBuffer?

    mutating func append(_ bytes: inout ByteBuffer) {
        if received == nil { received = bytes } else { received!.writeBuffer(&bytes) }
    }

    /// The next whole value, or nil until one has arrived.
    mutating func next() throws(RESPProtocolError) -> RESPValue? {
        guard var buffer = received, let value = try RESPValue.read(from: &buffer) else {
            received?.discardReadBytes()
            return nil
        }
        received = buffer.readableBytes == 0 ? nil : buffer
        return value
    }
}
