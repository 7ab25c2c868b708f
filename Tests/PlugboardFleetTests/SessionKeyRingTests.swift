import Foundation
import PlugboardConfig
import PlugboardFleet
import Testing

/// The seal of session ids: AES-256-GCM through swift-crypto, opened with any key of the ring, refused for any id
/// it did not seal; and the reading of configured keys, with errors that say where and what to do.
@Suite("Session key ring")
struct SessionKeyRingTests {
    static func randomKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    @Test("what one ring seals, a ring with the same key opens; the id reveals nothing of the state")
    func sealsAndOpens() throws {
        let key = Self.randomKey()
        let state = Array(#"{"v":"2025-11-25","s":"mcp","e":1900000000}"#.utf8)
        let id = try SessionKeyRing(keys: [key]).seal(state)
        #expect(id.hasPrefix("pb1."))
        #expect(!id.contains("2025") && !id.contains("mcp"))
        #expect(id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }, "safe in a header: \(id)")
        #expect(SessionKeyRing(keys: [key]).open(id) == state)
        #expect(try SessionKeyRing(keys: [key]).seal(state) != id, "a fresh nonce each time")
    }

    @Test("every changed character, another key, and ids of other shapes open to nothing")
    func refusesWhatItDidNotSeal() throws {
        let ring = SessionKeyRing(keys: [Self.randomKey()])
        let id = try ring.seal(Array("state".utf8))
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var characters = Array(id)
        for index in characters.indices.dropFirst(4) {
            let original = characters[index]
            characters[index] = alphabet.first { $0 != original }!
            #expect(ring.open(String(characters)) == nil, "changed at \(index)")
            characters[index] = original
        }
        #expect(SessionKeyRing(keys: [Self.randomKey()]).open(id) == nil)
        for other in ["", "pb1.", "pb1.====", String(id.dropLast()), String(id.dropFirst()), id + "A",
                      "pb1." + String(repeating: "A", count: 5_000), "pb2" + id.dropFirst(3)] {
            #expect(ring.open(other) == nil, "\(other.prefix(40))")
        }
    }

    @Test("rotation: the first key seals, every key opens")
    func rotation() throws {
        let old = Self.randomKey(), new = Self.randomKey()
        let before = try SessionKeyRing(keys: [old]).seal(Array("before".utf8))
        let rotated = SessionKeyRing(keys: [new, old])
        #expect(rotated.open(before) == Array("before".utf8))
        let after = try rotated.seal(Array("after".utf8))
        #expect(SessionKeyRing(keys: [new]).open(after) == Array("after".utf8))
        #expect(SessionKeyRing(keys: [old]).open(after) == nil)
    }

    @Test("keys are read from the configuration, a variable or a file, in base64 or base64url")
    func readsConfiguredKeys() throws {
        let key = Self.randomKey()
        let standard = Data(key).base64EncodedString()
        let url = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let file = NSTemporaryDirectory() + "ring-\(UUID().uuidString).key"
        try Data(("  " + standard + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let sealed = try SessionKeyRing(keys: [key]).seal(Array("x".utf8))
        let sources: [RuntimeConfig.SessionKey.Source] = [.value(standard), .value(url), .environment("SESSION_KEY"), .file(file)]
        for source in sources {
            let ring = try SessionKeyRing([.init(source, path: "transports.http.session_keys[0]")],
                                          environment: ["SESSION_KEY": standard])
            #expect(ring.open(sealed) == Array("x".utf8), "\(source)")
        }
        let ephemeral = try SessionKeyRing([], environment: [:])
        #expect(ephemeral.open(sealed) == nil, "no keys configured: a key of its own")
    }

    @Test("an unusable key says where it was configured, what is wrong and how to make one")
    func unusableKeys() {
        let cases: [(RuntimeConfig.SessionKey.Source, String)] = [
            (.environment("PLUGBOARD_NO_SUCH_KEY"), "the environment variable PLUGBOARD_NO_SUCH_KEY is not set"),
            (.file("/nonexistent/session.key"), "cannot read the file /nonexistent/session.key"),
            (.value("not base64!"), "the value is not base64"),
            (.value(Data(repeating: 7, count: 16).base64EncodedString()), "the value holds 16 bytes, not 32"),
        ]
        for (source, expected) in cases {
            #expect {
                _ = try SessionKeyRing([.init(source, path: "transports.http.session_keys[1]")], environment: [:])
            } throws: { error in
                let message = "\(error)"
                return message.hasPrefix("transports.http.session_keys[1]: ") && message.contains(expected)
                    && message.contains("openssl rand -base64 32")
            }
        }
    }
}
