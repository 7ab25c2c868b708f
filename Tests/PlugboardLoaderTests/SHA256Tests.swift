import Foundation
import PlugboardLoader
import Testing

@Suite struct SHA256Tests {
    /// FIPS 180-4 / NIST example vectors.
    @Test func knownVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Agrees with coreutils' sha256sum on a file whose length crosses block boundaries.
    @Test func agreesWithSha256sum() async throws {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let path = TestSupport.temporaryDirectory("sha") + "/data"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let output = Pipe()
        process.standardOutput = output
        try await TestSupport.run(process)
        let reference = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        #expect(SHA256.hex(bytes) == String(reference))
    }
}

@Suite struct SHA256StreamingTests {
    /// Feeding the same bytes in uneven pieces (across block boundaries) gives the one-shot digest.
    @Test func piecewiseEqualsOneShot() {
        let bytes = (0..<777).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
        var hasher = SHA256()
        var start = 0
        for size in [1, 63, 64, 65, 0, 127, 200, 256] {
            let end = min(start + size, bytes.count)
            hasher.update(bytes[start..<end])
            start = end
        }
        hasher.update(bytes[start...])
        let hex = hasher.finalize().map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        #expect(hex == SHA256.hex(bytes))
    }
}
