/// A fast scan of a flat JSON object's members as byte ranges, for typed calls: no allocation, no decoding.
/// It handles the common shape (keys without escapes; values that are numbers, literals or strings) and gives
/// up (returns false) on anything else, so the caller falls back to the validating `JSONParser.members`.
/// It never reads outside the buffer, whatever the bytes.
enum ArgumentScanner {
    /// Calls `member(key, value)` for each member in order; `member` returns false to stop early.
    /// Returns false if the text is not of the simple shape (nothing can be concluded then).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ member: (Range<Int>, Range<Int>) -> Bool) -> Bool {
        var i = skipSpace(bytes, 0)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return false }
        i = skipSpace(bytes, i + 1)
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { return skipSpace(bytes, i + 1) == bytes.count }
        while true {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return false }
            let keyStart = i + 1
            var keyEnd = keyStart
            while keyEnd < bytes.count, bytes[keyEnd] != UInt8(ascii: "\"") {
                guard bytes[keyEnd] != UInt8(ascii: "\\"), bytes[keyEnd] >= 0x20 else { return false }
                keyEnd += 1
            }
            guard keyEnd < bytes.count else { return false }
            i = skipSpace(bytes, keyEnd + 1)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
            let valueStart = skipSpace(bytes, i + 1)
            guard let valueEnd = skipScalar(bytes, valueStart) else { return false }
            guard member(keyStart..<keyEnd, valueStart..<valueEnd) else { return true }
            i = skipSpace(bytes, valueEnd)
            guard i < bytes.count else { return false }
            if bytes[i] == UInt8(ascii: "}") { return skipSpace(bytes, i + 1) == bytes.count }
            guard bytes[i] == UInt8(ascii: ",") else { return false }
            i = skipSpace(bytes, i + 1)
        }
    }

    private static func skipSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        return i
    }

    /// The end of a string, number or literal starting at `start`; nil for objects, arrays or malformed text.
    private static func skipScalar(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        var i = start
        if bytes[i] == UInt8(ascii: "\"") {
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                guard bytes[i] >= 0x20 else { return nil }
                i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
            }
            return i < bytes.count ? i + 1 : nil
        }
        // Numbers and true/false/null: the characters they may contain. The converter checks the exact form.
        while i < bytes.count {
            let byte = bytes[i]
            let isNumberByte = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            let isLetter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            guard isNumberByte || isLetter else { break }
            i += 1
        }
        return i > start ? i : nil
    }
}
