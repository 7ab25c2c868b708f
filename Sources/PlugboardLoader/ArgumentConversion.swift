import Glibc
import PlugboardJSON

/// Typed-function arguments: one JSON value's bytes to the bits of a C argument, fast for the common shapes
/// and exact (numbers read as `Double(String)` reads them, integers refused beyond their range).
enum ArgumentConversion {
    private static let limit = SignatureLetter.int64Limit

    /// One argument's JSON bytes as the C value's bits, or nil if it does not fit the letter.
    static func convert(_ json: UnsafeBufferPointer<UInt8>, to letter: SignatureLetter, strings: inout [UnsafeMutablePointer<CChar>]) -> UInt64? {
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
            if let exact = fastDecimal(json) { return exact.bitPattern }
            // The range is a JSON number followed (in the buffer) by a delimiter, so strtod stops at its end.
            var end: UnsafeMutablePointer<CChar>?
            let number = json.withMemoryRebound(to: CChar.self) { strtod($0.baseAddress!, &end) }
            let consumed = end.map { UnsafeRawPointer($0) - UnsafeRawPointer(json.baseAddress!) } ?? 0
            return number.isFinite && consumed == json.count ? number.bitPattern : nil
        case .string:
            guard first == UInt8(ascii: "\""), let text = (try? JSONParser.parse(Array(json)))?.stringValue,
                  !text.utf8.contains(0), let copy = strdup(text) else { return nil }
            strings.append(copy)
            return UInt64(UInt(bitPattern: copy))
        case .void:
            return nil
        }
    }

    /// Clinger's fast path: a plain decimal (`-12.375`, no exponent) whose digits fit in 2^53 and whose
    /// fraction has at most 22 digits is the exact quotient of two exactly representable doubles, so one
    /// correctly rounded IEEE division gives the correctly rounded value. Anything else: nil (use strtod).
    private static func fastDecimal(_ json: UnsafeBufferPointer<UInt8>) -> Double? {
        var mantissa: UInt64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var digits = 0
        var index = 0
        let negative = json.first == UInt8(ascii: "-")
        if negative { index = 1 }
        while index < json.count {
            let byte = json[index]
            if byte == UInt8(ascii: ".") {
                guard !seenPoint, digits > 0 else { return nil }
                seenPoint = true
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                digits += 1
                if seenPoint { fractionDigits += 1 }
                guard mantissa < 1 << 53, fractionDigits <= 22 else { return nil }
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0, !(seenPoint && json.last == UInt8(ascii: ".")) else { return nil }
        let value = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { product, _ in product * 10 }
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

    static func describe(_ value: JSONValue) -> String {
        if case .number(let literal) = value { return "the number \(literal)" }
        if case .string(let text) = value, text.utf8.contains(0) { return "a string containing NUL" }
        return value.typeDescription
    }
}
