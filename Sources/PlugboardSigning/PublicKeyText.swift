import Crypto
import Foundation

/// A public key as operators write it in runtime.json and `.pub` files: `ed25519:` and the 32 raw key bytes in
/// base64. One line, easy to paste and to compare.
public enum PublicKeyText {
    public static let prefix = "ed25519:"

    /// The key, or why the text is not one.
    public static func parse(_ text: String) -> Result<Curve25519.Signing.PublicKey, KeyTextError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(prefix) else {
            return .failure(KeyTextError(description: "a public key starts with '\(prefix)' followed by base64 (as `plugboard keygen` writes it)"))
        }
        guard let raw = Data(base64Encoded: String(trimmed.dropFirst(prefix.count))), raw.count == 32 else {
            return .failure(KeyTextError(description: "the text after '\(prefix)' must be the base64 of 32 bytes (an Ed25519 public key)"))
        }
        do { return .success(try Curve25519.Signing.PublicKey(rawRepresentation: raw)) } catch {
            return .failure(KeyTextError(description: "the bytes are not an Ed25519 public key"))
        }
    }

    public static func render(_ key: Curve25519.Signing.PublicKey) -> String {
        prefix + key.rawRepresentation.base64EncodedString()
    }
}

public struct KeyTextError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
