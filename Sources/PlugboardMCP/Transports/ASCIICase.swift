/// Case-insensitive ASCII equality for names on the hot path (header field names, host names), without the
/// lowercased copy `String.lowercased()` makes.
enum ASCIICase {
    /// Whether `bytes` spell `lowercase` (lowercase ASCII) in any case.
    static func equal(_ bytes: some Sequence<UInt8>, _ lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { expected in
            var index = 0
            for byte in bytes {
                let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                guard index < expected.count, lowered == expected[index] else { return false }
                index += 1
            }
            return index == expected.count
        }
    }
}
