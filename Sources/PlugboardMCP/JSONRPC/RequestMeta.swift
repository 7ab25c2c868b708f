import PlugboardJSON

/// A request's `params._meta`, scanned with the rest of the envelope: its members are ranges into the message's
/// bytes, and a value is read only where someone asks for it. The 2026-07-28 era sends its envelope (protocol
/// version, client info and capabilities) here on every request; decoding that into a tree each time made the era
/// cost more than the handshake era, whose envelope comes once per session.
public struct RequestMeta: Sendable {
    /// The whole message; `members` are ranges into it.
    private let bytes: [UInt8]
    private let members: [RawMember]

    init(bytes: [UInt8], members: [RawMember]) {
        self.bytes = bytes
        self.members = members
    }

    /// A member's value as sent, or nil when absent.
    public subscript(_ key: String) -> ArraySlice<UInt8>? {
        bytes.withUnsafeBufferPointer { buffer in
            members.first(where: { $0.hasKey(key, in: buffer) }).map { bytes[$0.value] }
        }
    }

    /// A string member: nil when absent, `.some(nil)` when its value is not a string.
    public func string(_ key: String) -> String?? {
        guard let raw = self[key] else { return nil }
        return .some(JSONParser.stringValue(ofValidated: raw))
    }

    /// Whether the member is present and an object.
    public func isObject(_ key: String) -> Bool {
        self[key]?.first == UInt8(ascii: "{")
    }

    /// Whether following `path` from the member `key` through nested objects ends at an object
    /// (`clientCapabilities.extensions["io.modelcontextprotocol/tasks"]`).
    public func hasObject(at key: String, _ path: String...) -> Bool {
        guard var raw = self[key] else { return false }
        for step in path {
            guard let next = Self.member(step, ofObject: raw) else { return false }
            raw = next
        }
        return raw.first == UInt8(ascii: "{")
    }

    /// The members but those named in `dropping` or starting with `droppingPrefix`, as one object in their
    /// literal text; nil when none is left.
    func object(dropping names: [StaticString], droppingPrefix prefix: StaticString) -> RawJSON? {
        bytes.withUnsafeBufferPointer { buffer in
            var kept: [UInt8] = []
            for member in members where !Self.key(of: member, in: buffer, isOneOf: names, orStartsWith: prefix) {
                kept.append(kept.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
                kept += buffer[(member.key.lowerBound - 1)..<(member.key.upperBound + 1)]  // the key with its quotes
                kept.append(UInt8(ascii: ":"))
                kept += buffer[member.value]
            }
            guard !kept.isEmpty else { return nil }
            kept.append(UInt8(ascii: "}"))
            return RawJSON(trusted: kept)
        }
    }

    private static func key(of member: RawMember, in buffer: UnsafeBufferPointer<UInt8>, isOneOf names: [StaticString],
                            orStartsWith prefix: StaticString) -> Bool {
        if names.contains(where: { member.hasKey($0, in: buffer) }) { return true }
        let start = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        guard member.keyIsPlain else { return member.keyString(in: buffer).utf8.starts(with: start) }
        let key = UnsafeBufferPointer(rebasing: buffer[member.key])
        return key.count >= start.count && UnsafeBufferPointer(rebasing: key[..<(key.startIndex + start.count)]).bytesEqual(start)
    }

    /// The value of member `key` of the object `raw` (validated already), or nil when `raw` is not an object or
    /// has no such member.
    static func member(_ key: String, ofObject raw: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard raw.first == UInt8(ascii: "{") else { return nil }
        return raw.withUnsafeBufferPointer { buffer -> ArraySlice<UInt8>? in
            guard let object = (try? JSONParser.rawMembers(ofObject: buffer)) ?? nil,
                  let found = object.members.first(where: { $0.hasKey(key, in: buffer) }) else { return nil }
            return raw[(raw.startIndex + found.value.lowerBound)..<(raw.startIndex + found.value.upperBound)]
        }
    }
}
