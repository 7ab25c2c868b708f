/// Parses PEP 440 exactly as `packaging.version.Version` does (its regular expression, case-insensitive, with
/// surrounding whitespace allowed), after stripping leading `v`/`V` as SEMANTICS.md says. Hand-written rather
/// than a Regex because it runs for every version a provider registers and every unknown pinned version.
///
/// The optional separators make the grammar ambiguous, so each stage lists its possible readings in the
/// order a backtracking regex would try them, and the first reading that reaches the end wins.
enum PEP440Parser {
    typealias Bytes = [UInt8]

    static func parse(_ raw: String) -> PEP440Key? {
        var bytes: Bytes = []
        bytes.reserveCapacity(raw.utf8.count)
        for byte in raw.utf8 {
            guard byte < 0x80 else { return nil }  // PEP 440 is ASCII
            bytes.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        while start < end, bytes[start] == UInt8(ascii: "v") { start += 1 }
        while start < end, isSpace(bytes[start]) { start += 1 }  // `v 1.0`, as FastMCP's lstrip then packaging
        guard start < end else { return nil }
        return Reader(bytes: bytes[start..<end]).parse()
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var end: Int { bytes.endIndex }

        func parse() -> PEP440Key? {
            var i = bytes.startIndex
            var epoch = Natural.zero
            if let (number, next) = digits(at: i), next < end, bytes[next] == UInt8(ascii: "!") {
                epoch = number
                i = next + 1
            }
            guard let (first, afterFirst) = digits(at: i) else { return nil }
            var release = [first]
            i = afterFirst
            while i < end, bytes[i] == UInt8(ascii: "."), let (number, next) = digits(at: i + 1) {
                release.append(number)
                i = next
            }
            while release.count > 1, release.last == .zero { release.removeLast() }
            if release == [.zero] { release = [] }

            for (afterPre, pre) in preReadings(at: i) {
                for (afterPost, post) in numberedReadings(at: afterPre, words: PEP440Parser.postWords, dashNumber: true) {
                    for (afterDev, dev) in numberedReadings(at: afterPost, words: PEP440Parser.devWords, dashNumber: false) {
                        guard let local = localPart(at: afterDev) else { continue }
                        let preKey: PEP440Key.Pre =
                            if let pre { .tagged(rank: pre.rank, number: pre.number) }
                            else if post == nil && dev != nil { .devOnly }
                            else { .final }
                        return PEP440Key(epoch: epoch, release: release, pre: preKey, post: post, dev: dev, local: local)
                    }
                }
            }
            return nil
        }

        /// `[0-9]+` at `i`, greedy.
        func digits(at i: Int) -> (Natural, Int)? {
            var j = i
            while j < end, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9") { j += 1 }
            return j > i ? (Natural(digits: bytes[i..<j]), j) : nil
        }

        /// `[-_.]?` at `i`: with the separator first (greedy), then without.
        func separatorChoices(at i: Int) -> [Int] {
            if i < end, isSeparator(bytes[i]) { return [i + 1, i] }
            return [i]
        }

        func isSeparator(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }

        func word(_ word: [UInt8], at i: Int) -> Int? {
            guard end - i >= word.count else { return nil }
            for (offset, byte) in word.enumerated() where bytes[i + offset] != byte { return nil }
            return i + word.count
        }

        /// `(sep? WORD sep? [0-9]*)?` readings; pre-release words map to ranks a/b/rc.
        func preReadings(at i: Int) -> [(Int, (rank: UInt8, number: Natural)?)] {
            var readings: [(Int, (rank: UInt8, number: Natural)?)] = []
            for wordStart in separatorChoices(at: i) {
                for (spelling, rank) in PEP440Parser.preWords {
                    guard let afterWord = word(spelling, at: wordStart) else { continue }
                    for numberStart in separatorChoices(at: afterWord) {
                        if let (number, next) = digits(at: numberStart) { readings.append((next, (rank, number))) }
                        readings.append((numberStart, (rank, .zero)))
                    }
                }
            }
            readings.append((i, nil))
            return readings
        }

        /// Post (`-N` or `sep? post|rev|r sep? N?`) or dev (`sep? dev sep? N?`) readings; nil when absent.
        func numberedReadings(at i: Int, words: [[UInt8]], dashNumber: Bool) -> [(Int, Natural?)] {
            var readings: [(Int, Natural?)] = []
            if dashNumber, i < end, bytes[i] == UInt8(ascii: "-"), let (number, next) = digits(at: i + 1) {
                readings.append((next, number))
            }
            for wordStart in separatorChoices(at: i) {
                for spelling in words {
                    guard let afterWord = word(spelling, at: wordStart) else { continue }
                    for numberStart in separatorChoices(at: afterWord) {
                        if let (number, next) = digits(at: numberStart) { readings.append((next, number)) }
                        readings.append((numberStart, .zero))
                    }
                }
            }
            readings.append((i, nil))
            return readings
        }

        /// `(+[a-z0-9]+([-_.][a-z0-9]+)*)?` running to the end. Outer nil: no reading; inner nil: no local part.
        func localPart(at i: Int) -> [PEP440Key.LocalSegment]?? {
            if i == end { return .some(nil) }
            guard bytes[i] == UInt8(ascii: "+") else { return nil }
            var segments: [PEP440Key.LocalSegment] = []
            var j = i + 1
            while true {
                let start = j
                var allDigits = true
                while j < end, isAlphanumeric(bytes[j]) {
                    if bytes[j] > UInt8(ascii: "9") { allDigits = false }
                    j += 1
                }
                guard j > start else { return nil }
                let run = bytes[start..<j]
                segments.append(allDigits ? .number(Natural(digits: run)) : .word(String(decoding: run, as: UTF8.self)))
                if j == end { return .some(segments) }
                guard isSeparator(bytes[j]) else { return nil }
                j += 1
            }
        }

        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        }
    }

    // Spellings in the order packaging's regex alternation tries them.
    fileprivate static let preWords: [([UInt8], UInt8)] = [
        (Array("alpha".utf8), 0), (Array("a".utf8), 0), (Array("beta".utf8), 1), (Array("b".utf8), 1),
        (Array("preview".utf8), 2), (Array("pre".utf8), 2), (Array("c".utf8), 2), (Array("rc".utf8), 2),
    ]
    fileprivate static let postWords: [[UInt8]] = [Array("post".utf8), Array("rev".utf8), Array("r".utf8)]
    fileprivate static let devWords: [[UInt8]] = [Array("dev".utf8)]
}
