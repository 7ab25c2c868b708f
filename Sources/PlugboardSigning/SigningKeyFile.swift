import Crypto
import Foundation

/// A private signing key on disk, as `plugboard keygen` writes it: `ed25519-private:` and the 32-byte seed in
/// base64, in a file only its owner may read. The matching `.pub` file holds `PublicKeyText`.
public enum SigningKeyFile {
    public static let prefix = "ed25519-private:"
    public typealias Key = Curve25519.Signing.PrivateKey

    /// A new key pair: the private key's text and the public key's.
    public static func generate() -> (privateText: String, publicText: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (prefix + key.rawRepresentation.base64EncodedString() + "\n", PublicKeyText.render(key.publicKey) + "\n")
    }

    /// The key in `path`, or what is wrong with the file.
    public static func read(_ path: String) -> Result<Curve25519.Signing.PrivateKey, KeyTextError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(KeyTextError(description: "cannot read the key file \(path)"))
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix(PublicKeyText.prefix) {
            return .failure(KeyTextError(description: "\(path) holds a public key; signing needs the private key (the file without .pub)"))
        }
        guard text.hasPrefix(prefix), let seed = Data(base64Encoded: String(text.dropFirst(prefix.count))), seed.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            return .failure(KeyTextError(description: "\(path) is not a private key written by `plugboard keygen` ('\(prefix)' and base64 of 32 bytes)"))
        }
        return .success(key)
    }
}
