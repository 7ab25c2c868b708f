import Crypto
import Foundation
import PlugboardConfig
import PlugboardMCP

/// Seals session ids with AES-256-GCM (swift-crypto): a client can neither read its id's state nor change it, and
/// every replica that holds the key opens it. The first key seals; every key opens, so a key rotates without
/// ending sessions: deploy the new key first with the old one after it, and drop the old one once
/// `session_lifetime_seconds` has passed.
public struct SessionKeyRing: SessionSealing {
    public static let keyBytes = 32
    /// The id's format: a version prefix, then base64url(nonce ‖ ciphertext ‖ tag).
    static let prefix = "pb1."
    /// Bound to every seal, so a box sealed with the same key for another purpose is not a session id.
    static let context = Array("plugboard session id v1".utf8)
    /// Longer ids are refused before decoding (a session's state is a few hundred bytes).
    static let maxIDLength = 4_096

    private let keys: [SymmetricKey]

    public init(keys: [[UInt8]]) {
        precondition(!keys.isEmpty && keys.allSatisfy { $0.count == Self.keyBytes }, "session keys are \(Self.keyBytes) bytes")
        self.keys = keys.map { SymmetricKey(data: $0) }
    }

    /// A key of its own, made at start: ids it seals die with the process (one host, no replicas).
    public static func ephemeral() -> SessionKeyRing {
        SessionKeyRing(keys: [SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }])
    }

    public func seal(_ state: [UInt8]) throws -> String {
        let box = try AES.GCM.seal(state, using: keys[0], authenticating: Self.context)
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }  // only for odd nonces
        return Self.prefix + Self.base64URL(combined)
    }

    public func open(_ id: String) -> [UInt8]? {
        guard id.utf8.count <= Self.maxIDLength, id.hasPrefix(Self.prefix),
              let combined = Self.decodeBase64URL(id.dropFirst(Self.prefix.count)),
              let box = try? AES.GCM.SealedBox(combined: combined) else { return nil }
        for key in keys {
            if let state = try? AES.GCM.open(box, using: key, authenticating: Self.context) { return Array(state) }
        }
        return nil
    }

    static func base64URL(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    static func decodeBase64URL(_ text: Substring) -> Data? {
        guard text.utf8.allSatisfy({ byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
        }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)
    }
}

/// Why a configured session key cannot be used: where it was configured, what is wrong, what to do.
public struct SessionKeyError: Error, CustomStringConvertible {
    public let description: String
}

extension SessionKeyRing {
    /// The ring of the configured keys (their files and variables read now), or an ephemeral one when none is
    /// configured.
    public init(_ configured: [RuntimeConfig.SessionKey],
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(SessionKeyError) {
        guard !configured.isEmpty else {
            self = .ephemeral()
            return
        }
        var keys: [[UInt8]] = []
        for key in configured { keys.append(try Self.read(key, environment: environment)) }
        self.init(keys: keys)
    }

    static func read(_ key: RuntimeConfig.SessionKey, environment: [String: String]) throws(SessionKeyError) -> [UInt8] {
        let trimmed: String
        switch key.source.read(environment: environment) {
        case .success(let text): trimmed = text
        case .failure(let problem):
            throw SessionKeyError(description: "\(key.path): \(problem); "
                + "give it a key made with `openssl rand -base64 32` (the same on every replica)")
        }
        let origin = key.source.origin
        guard let decoded = Data(base64Encoded: trimmed) ?? decodeBase64URL(Substring(trimmed)) else {
            throw SessionKeyError(description: "\(key.path): \(origin) is not base64; "
                + "a session key is \(keyBytes) random bytes in base64, made with `openssl rand -base64 32`")
        }
        guard decoded.count == keyBytes else {
            throw SessionKeyError(description: "\(key.path): \(origin) holds \(decoded.count) bytes, not \(keyBytes); "
                + "make a key with `openssl rand -base64 32`")
        }
        return Array(decoded)
    }
}
