/// Writes message fields: fixed-width little-endian integers, doubles as their bits, and byte strings with a
/// 4-byte length. Simple to decode with bounds checks, and cheap: a call costs a few copies, no JSON.
public struct FrameWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(_ type: FrameType, capacity: Int = 64) {
        bytes = [0, 0, 0, 0, type.rawValue]
        bytes.reserveCapacity(capacity + 5)
    }

    public mutating func u8(_ value: UInt8) { bytes.append(value) }
    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
    public mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    public mutating func f64(_ value: Double) { u64(value.bitPattern) }
    public mutating func data(_ value: [UInt8]) {
        u32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }
    public mutating func string(_ value: String) { data(Array(value.utf8)) }
    public mutating func optionalString(_ value: String?) {
        bool(value != nil)
        if let value { string(value) }
    }
    public mutating func strings(_ values: [String]) {
        u32(UInt32(values.count))
        for value in values { string(value) }
    }

    /// The frame with its length prefix filled in.
    public var frame: [UInt8] {
        var framed = bytes
        let length = UInt32(framed.count - 4).littleEndian
        withUnsafeBytes(of: length) { framed.replaceSubrange(0..<4, with: $0) }
        return framed
    }
}

/// A malformed frame: the peer is broken or hostile, and the connection is not to be trusted any more.
public struct FrameError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// The peer closed its end (it exited or died): not a protocol violation.
    public var peerClosed: Bool
    public init(_ description: String, peerClosed: Bool = false) {
        self.description = description
        self.peerClosed = peerClosed
    }
}

/// Reads the fields `FrameWriter` wrote, refusing anything that runs past the frame.
public struct FrameReader {
    public let type: FrameType
    private let bytes: [UInt8]
    private var offset: Int

    /// `payload` is a frame without its length prefix: the type byte, then the fields.
    public init(payload: [UInt8]) throws(FrameError) {
        guard let first = payload.first, let type = FrameType(rawValue: first) else {
            throw FrameError("unknown frame type \(payload.first.map(String.init) ?? "(empty frame)")")
        }
        self.type = type
        self.bytes = payload
        self.offset = 1
    }

    private mutating func take(_ count: Int) throws(FrameError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - offset else {
            throw FrameError("\(type) frame truncated: needed \(count) more bytes at offset \(offset) of \(bytes.count)")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    public mutating func u8() throws(FrameError) -> UInt8 { try take(1).first! }
    public mutating func bool() throws(FrameError) -> Bool { try u8() != 0 }
    public mutating func u32() throws(FrameError) -> UInt32 {
        try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
    public mutating func u64() throws(FrameError) -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
    public mutating func i64() throws(FrameError) -> Int64 { Int64(bitPattern: try u64()) }
    public mutating func f64() throws(FrameError) -> Double { Double(bitPattern: try u64()) }
    public mutating func data() throws(FrameError) -> [UInt8] { Array(try take(Int(try u32()))) }
    public mutating func string() throws(FrameError) -> String { String(decoding: try data(), as: UTF8.self) }
    public mutating func optionalString() throws(FrameError) -> String? { try bool() ? try string() : nil }
    public mutating func strings() throws(FrameError) -> [String] {
        let count = Int(try u32())
        guard count <= bytes.count - offset else { throw FrameError("\(type) frame claims \(count) strings in \(bytes.count - offset) bytes") }
        var values: [String] = []
        for _ in 0..<count { values.append(try string()) }
        return values
    }
}
