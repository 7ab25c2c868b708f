/// A strict RFC 8259 parser over UTF-8 bytes with limits, for untrusted input.
///
/// Two ways in: `parse` builds a `JSONValue`; `members(ofObject:)` validates an object but returns its members as
/// raw byte ranges, so a caller can decode the envelope of a message and pass a large nested value (tool
/// arguments) on as the sender's exact bytes without decoding and re-encoding it.
public struct JSONParser {
    public struct Limits: Sendable, Equatable {
        public var maxDepth: Int
        public var maxBytes: Int
        public init(maxDepth: Int = 64, maxBytes: Int = 64 << 20) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
        }
        public static let `default` = Limits()
    }

    public static func parse(_ bytes: [UInt8], limits: Limits = .default) throws(JSONParseError) -> JSONValue {
        try withBuffer(bytes) { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer: buffer, limits: limits)
        }
    }

    public static func parse(_ text: String, limits: Limits = .default) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }

    public static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: Limits = .default) throws(JSONParseError) -> JSONValue {
        var parser = try JSONParser(buffer: buffer, limits: limits)
        let value = try parser.parseValue(depth: 0)
        try parser.expectEnd()
        return value
    }

    /// Checks that `bytes` hold exactly one valid JSON value, without building it.
    public static func validate(_ bytes: [UInt8], limits: Limits = .default) throws(JSONParseError) {
        try withBuffer(bytes) { (buffer) throws(JSONParseError) -> Void in
            var parser = try JSONParser(buffer: buffer, limits: limits)
            try parser.skipValue(depth: 0)
            try parser.expectEnd()
        }
    }

    /// Validates that `bytes` hold one JSON object and returns its members: each key decoded, each value as the
    /// byte range it occupies in `bytes` (validated, not decoded). Duplicate keys are refused.
    public static func members(
        ofObject bytes: [UInt8], limits: Limits = .default
    ) throws(JSONParseError) -> [(key: String, range: Range<Int>)]? {
        try withBuffer(bytes) { (buffer) throws(JSONParseError) -> [(key: String, range: Range<Int>)]? in
            try members(ofObject: buffer, limits: limits)
        }
    }

    /// As `members(ofObject:)` over a buffer; nil when the value is valid JSON but not an object.
    public static func members(
        ofObject buffer: UnsafeBufferPointer<UInt8>, limits: Limits = .default
    ) throws(JSONParseError) -> [(key: String, range: Range<Int>)]? {
        try rawMembers(ofObject: buffer, limits: limits)?.members.map { member in
            let raw = UnsafeBufferPointer(rebasing: buffer[member.key])
            return (key: member.keyIsPlain ? String(decoding: raw, as: UTF8.self) : decodeKey(raw), range: member.value)
        }
    }

    // MARK: - Machinery (internal for the extensions in this module)

    let buffer: UnsafeBufferPointer<UInt8>
    let limits: Limits
    var index = 0

    init(buffer: UnsafeBufferPointer<UInt8>, limits: Limits) throws(JSONParseError) {
        if buffer.count > limits.maxBytes { throw JSONParseError(.tooLarge(limit: limits.maxBytes), at: limits.maxBytes) }
        self.buffer = buffer
        self.limits = limits
    }

    private static func withBuffer<R>(
        _ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> R
    ) throws(JSONParseError) -> R {
        let result: Result<R, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    @inline(__always) func peek() -> UInt8? { index < buffer.count ? buffer[index] : nil }

    @inline(__always) mutating func skipWhitespace() {
        while index < buffer.count {
            switch buffer[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func expectEnd() throws(JSONParseError) {
        skipWhitespace()
        if index != buffer.count { throw JSONParseError(.trailingData, at: index) }
    }

    mutating func expect(_ byte: UInt8) throws(JSONParseError) {
        guard let b = peek() else { throw JSONParseError(.unexpectedEnd, at: index) }
        guard b == byte else { throw JSONParseError(.unexpectedByte(b), at: index) }
        index += 1
    }

    /// After a member or element: true when the container closed, false after a comma.
    mutating func consumeSeparator(closing: UInt8) throws(JSONParseError) -> Bool {
        guard let b = peek() else { throw JSONParseError(.unexpectedEnd, at: index) }
        index += 1
        if b == closing { return true }
        if b == UInt8(ascii: ",") { return false }
        throw JSONParseError(.unexpectedByte(b), at: index - 1)
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        for i in 0..<count {
            guard index < buffer.count else { throw JSONParseError(.unexpectedEnd, at: index) }
            guard buffer[index] == start[i] else { throw JSONParseError(.unexpectedByte(buffer[index]), at: index) }
            index += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard let b = peek() else { throw JSONParseError(.unexpectedEnd, at: index) }
        switch b {
        case UInt8(ascii: "{"):
            guard depth < limits.maxDepth else { throw JSONParseError(.tooDeep(limit: limits.maxDepth), at: index) }
            index += 1
            var object = JSONObject()
            var seen: Set<String>? = nil
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { index += 1; return .object(object) }
            while true {
                skipWhitespace()
                let keyStart = index
                let key = try parseString()
                // Linear duplicate checks for small objects, a set once an object grows.
                if object.members.count >= 16 {
                    if seen == nil { seen = Set(object.members.map(\.key)) }
                    if !seen!.insert(key).inserted { throw JSONParseError(.duplicateKey(key), at: keyStart) }
                } else if object.members.contains(where: { $0.key == key }) {
                    throw JSONParseError(.duplicateKey(key), at: keyStart)
                }
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                let value = try parseValue(depth: depth + 1)
                object.members.append((key: key, value: value))
                skipWhitespace()
                if try consumeSeparator(closing: UInt8(ascii: "}")) { return .object(object) }
            }
        case UInt8(ascii: "["):
            guard depth < limits.maxDepth else { throw JSONParseError(.tooDeep(limit: limits.maxDepth), at: index) }
            index += 1
            var array: [JSONValue] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { index += 1; return .array(array) }
            while true {
                array.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                if try consumeSeparator(closing: UInt8(ascii: "]")) { return .array(array) }
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default:
            let start = index
            try skipNumber()
            return .number(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self))
        }
    }

    /// Validates one value without building it (strings are still checked for UTF-8 and escapes).
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        skipWhitespace()
        guard let b = peek() else { throw JSONParseError(.unexpectedEnd, at: index) }
        switch b {
        case UInt8(ascii: "{"):
            guard depth < limits.maxDepth else { throw JSONParseError(.tooDeep(limit: limits.maxDepth), at: index) }
            index += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipWhitespace()
                try skipString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if try consumeSeparator(closing: UInt8(ascii: "}")) { return }
            }
        case UInt8(ascii: "["):
            guard depth < limits.maxDepth else { throw JSONParseError(.tooDeep(limit: limits.maxDepth), at: index) }
            index += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { index += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if try consumeSeparator(closing: UInt8(ascii: "]")) { return }
            }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        default: try skipNumber()
        }
    }

    private mutating func skipNumber() throws(JSONParseError) {
        let start = index
        func digit(_ b: UInt8?) -> Bool { b.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek() else { throw JSONParseError(.unexpectedEnd, at: index) }
        if first == UInt8(ascii: "0") {
            index += 1
        } else if digit(first) {
            while digit(peek()) { index += 1 }
        } else {
            throw JSONParseError(index == start ? .unexpectedByte(first) : .invalidNumber, at: index)
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard digit(peek()) else { throw JSONParseError(.invalidNumber, at: index) }
            while digit(peek()) { index += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard digit(peek()) else { throw JSONParseError(.invalidNumber, at: index) }
            while digit(peek()) { index += 1 }
        }
    }

    private mutating func skipString() throws(JSONParseError) {
        _ = try scanString(decode: false)
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        try scanString(decode: true)!
    }

    /// Scans a string starting at its opening quote. Validates UTF-8 and escapes; decodes when asked.
    mutating func scanString(decode: Bool) throws(JSONParseError) -> String? {
        guard let open = peek() else { throw JSONParseError(.unexpectedEnd, at: index) }
        guard open == UInt8(ascii: "\"") else { throw JSONParseError(.unexpectedByte(open), at: index) }
        index += 1
        let start = index
        var hasEscapes = false
        while true {
            index = Self.skipPlainStringBytes(in: buffer, from: index)
            guard index < buffer.count else { throw JSONParseError(.unexpectedEnd, at: index) }
            let b = buffer[index]
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 { throw JSONParseError(.controlCharacterInString, at: index) }
            if b == UInt8(ascii: "\\") {
                hasEscapes = true
                index += 1
                guard index < buffer.count else { throw JSONParseError(.unexpectedEnd, at: index) }
                switch buffer[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    index += 1
                    let unit = try hex4()
                    if (0xD800...0xDBFF).contains(unit) {
                        guard index + 1 < buffer.count, buffer[index] == UInt8(ascii: "\\"),
                              buffer[index + 1] == UInt8(ascii: "u")
                        else { throw JSONParseError(.invalidUnicodeEscape, at: index) }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw JSONParseError(.invalidUnicodeEscape, at: index) }
                    } else if (0xDC00...0xDFFF).contains(unit) {
                        throw JSONParseError(.invalidUnicodeEscape, at: index)
                    }
                default:
                    throw JSONParseError(.invalidEscape, at: index)
                }
                continue
            }
            if b >= 0x80 {
                index = try validateUTF8Sequence(at: index)
                continue
            }
            index += 1
        }
        let end = index
        index += 1  // closing quote
        guard decode else { return nil }
        let raw = UnsafeBufferPointer(rebasing: buffer[start..<end])
        if !hasEscapes { return String(decoding: raw, as: UTF8.self) }
        return decodeEscapes(raw)
    }

    /// Past the bytes at `index` that need no look (printable ASCII but `"` and `\\`), eight at a time: most of
    /// a message is keys and short strings, and looking at them one byte at a time was the scan's largest cost.
    @inline(__always)
    static func skipPlainStringBytes(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = buffer.baseAddress else { return start }
        var index = start
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= buffer.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
            // A byte is zero in `quote` or `backslash`, below 0x20 in `word`, or has its high bit set (non-ASCII).
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word) | word
            let found = special & highs
            // The lowest flagged byte is exact (a borrow only runs upward), so this stops right at it.
            if found != 0 { return index + found.trailingZeroBitCount / 8 }
            index += 8
        }
        return index
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= buffer.count else { throw JSONParseError(.unexpectedEnd, at: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = buffer[index]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw JSONParseError(.invalidUnicodeEscape, at: index)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF); returns the next index.
    private func validateUTF8Sequence(at i: Int) throws(JSONParseError) -> Int {
        let b0 = buffer[i]
        func cont(_ j: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) throws(JSONParseError) {
            guard j < buffer.count else { throw JSONParseError(.unexpectedEnd, at: j) }
            guard range.contains(buffer[j]) else { throw JSONParseError(.invalidUTF8, at: j) }
        }
        switch b0 {
        case 0xC2...0xDF: try cont(i + 1); return i + 2
        case 0xE0: try cont(i + 1, 0xA0...0xBF); try cont(i + 2); return i + 3
        case 0xE1...0xEC, 0xEE...0xEF: try cont(i + 1); try cont(i + 2); return i + 3
        case 0xED: try cont(i + 1, 0x80...0x9F); try cont(i + 2); return i + 3
        case 0xF0: try cont(i + 1, 0x90...0xBF); try cont(i + 2); try cont(i + 3); return i + 4
        case 0xF1...0xF3: try cont(i + 1); try cont(i + 2); try cont(i + 3); return i + 4
        case 0xF4: try cont(i + 1, 0x80...0x8F); try cont(i + 2); try cont(i + 3); return i + 4
        default: throw JSONParseError(.invalidUTF8, at: i)
        }
    }

    /// Decodes an already validated string body that contains escapes.
    func decodeEscapes(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in at..<at + 4 {
                let b = raw[k]
                v = v << 4 | UInt32(b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10)
            }
            return v
        }
        while i < raw.count {
            let b = raw[i]
            guard b == UInt8(ascii: "\\") else { out.append(b); i += 1; continue }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex(i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = hex(i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: Array(String(Character(UnicodeScalar(scalar)!)).utf8))
            default: out.append(e)  // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
