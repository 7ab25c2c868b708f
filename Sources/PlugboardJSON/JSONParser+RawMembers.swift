/// One member of an object as it lies in the bytes: nothing decoded, everything validated.
public struct RawMember: Sendable, Hashable {
    /// The key's bytes between its quotes, as sent.
    public let key: Range<Int>
    /// The key has no escapes: its bytes are its UTF-8.
    public let keyIsPlain: Bool
    /// The value's bytes.
    public let value: Range<Int>
}

extension JSONParser {
    /// An object's members as ranges, and those of one object-valued member (`expanding`) as well, in one pass
    /// over the bytes: how a message envelope and its `params` are read without decoding or copying anything.
    public struct RawObject: Sendable {
        public var members: [RawMember]
        /// The members of the member named `expanding`, when its value is an object.
        public var expanded: [RawMember]?
        /// The members of the object-valued member `andWithin` of that object (`params._meta`), when there is one.
        public var expandedWithin: [RawMember]?
    }

    /// Validates that `buffer` holds one JSON object (duplicate keys refused at both levels) and returns its
    /// members as ranges into `buffer`; nil when it holds valid JSON that is not an object.
    public static func rawMembers(
        ofObject buffer: UnsafeBufferPointer<UInt8>, limits: Limits = .default, expanding: StaticString? = nil,
        andWithin inner: StaticString? = nil
    ) throws(JSONParseError) -> RawObject? {
        var parser = try JSONParser(buffer: buffer, limits: limits)
        parser.skipWhitespace()
        guard parser.peek() == UInt8(ascii: "{") else {
            try parser.skipValue(depth: 0)
            try parser.expectEnd()
            return nil
        }
        var expanded: [RawMember]? = nil
        var expandedWithin: [RawMember]? = nil
        let members = try parser.rawMembers(depth: 0) { (parser, key, depth) throws(JSONParseError) -> Bool in
            guard let expanding, expanded == nil, parser.peek() == UInt8(ascii: "{"), parser.keyEquals(key, expanding) else {
                return false
            }
            expanded = try parser.rawMembers(depth: depth) { (parser, key, depth) throws(JSONParseError) -> Bool in
                guard let inner, expandedWithin == nil, parser.peek() == UInt8(ascii: "{"), parser.keyEquals(key, inner) else {
                    return false
                }
                expandedWithin = try parser.rawMembers(depth: depth, nested: { _, _, _ in false })
                return true
            }
            return true
        }
        try parser.expectEnd()
        return RawObject(members: members, expanded: expanded, expandedWithin: expandedWithin)
    }

    /// At a `{`: its members. `nested` may read a member's value itself (returning true) instead of skipping it.
    private mutating func rawMembers(
        depth: Int, nested: (inout JSONParser, RawMember, Int) throws(JSONParseError) -> Bool
    ) throws(JSONParseError) -> [RawMember] {
        guard depth < limits.maxDepth else { throw JSONParseError(.tooDeep(limit: limits.maxDepth), at: index) }
        index += 1
        var members: [RawMember] = []
        members.reserveCapacity(6)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return members
        }
        while true {
            skipWhitespace()
            let keyStart = index
            _ = try scanString(decode: false)
            let keyRange = (keyStart + 1)..<(index - 1)
            let plain = !UnsafeBufferPointer(rebasing: buffer[keyRange]).contains(UInt8(ascii: "\\"))
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let valueStart = index
            var member = RawMember(key: keyRange, keyIsPlain: plain, value: valueStart..<valueStart)
            if try !nested(&self, member, depth + 1) { try skipValue(depth: depth + 1) }
            member = RawMember(key: keyRange, keyIsPlain: plain, value: valueStart..<index)
            if members.contains(where: { sameKey($0, member) }) {
                throw JSONParseError(.duplicateKey(keyString(member)), at: keyStart)
            }
            members.append(member)
            skipWhitespace()
            if try consumeSeparator(closing: UInt8(ascii: "}")) { return members }
        }
    }

    private func keyEquals(_ member: RawMember, _ name: StaticString) -> Bool {
        guard member.keyIsPlain else { return keyString(member) == name.description }
        let key = UnsafeBufferPointer(rebasing: buffer[member.key])
        return key.bytesEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    private func sameKey(_ a: RawMember, _ b: RawMember) -> Bool {
        if a.keyIsPlain && b.keyIsPlain {
            return UnsafeBufferPointer(rebasing: buffer[a.key]).bytesEqual(UnsafeBufferPointer(rebasing: buffer[b.key]))
        }
        return keyString(a) == keyString(b)
    }

    private func keyString(_ member: RawMember) -> String {
        let raw = UnsafeBufferPointer(rebasing: buffer[member.key])
        return member.keyIsPlain ? String(decoding: raw, as: UTF8.self) : decodeEscapes(raw)
    }
}

extension RawMember {
    /// Whether this member's key, in `bytes`, is `name`.
    public func hasKey(_ name: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeBufferPointer(rebasing: bytes[key])
        guard keyIsPlain else { return JSONParser.decodeKey(raw) == name.description }
        return raw.bytesEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }
}

extension JSONParser {
    /// A key with escapes, decoded (validated already).
    static func decodeKey(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        (try? JSONParser(buffer: raw, limits: .default))?.decodeEscapes(raw) ?? String(decoding: raw, as: UTF8.self)
    }
}

extension JSONParser {
    /// The value of a raw member that the scan validated, when it is a string: its bytes between the quotes when
    /// it has no escapes (the common case, no decoding), else decoded; nil when it is not a string.
    public static func stringValue(ofValidated raw: ArraySlice<UInt8>) -> String? {
        guard raw.count >= 2, raw.first == UInt8(ascii: "\"") else { return nil }
        if !raw.contains(UInt8(ascii: "\\")) { return String(decoding: raw.dropFirst().dropLast(), as: UTF8.self) }
        guard case .string(let decoded)? = try? parse(Array(raw)) else { return nil }
        return decoded
    }
}

extension RawMember {
    /// Whether this member's key, in `bytes`, is `name` (a key known only at run time).
    public func hasKey(_ name: String, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeBufferPointer(rebasing: bytes[key])
        guard keyIsPlain else { return JSONParser.decodeKey(raw) == name }
        return name.utf8.withContiguousStorageIfAvailable { raw.bytesEqual($0) } ?? raw.elementsEqual(name.utf8)
    }

    /// The key as a String (decoded when it has escapes).
    public func keyString(in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[key])
        return keyIsPlain ? String(decoding: raw, as: UTF8.self) : JSONParser.decodeKey(raw)
    }
}
