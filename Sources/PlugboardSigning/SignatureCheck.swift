import Crypto
import Foundation

/// Verifies a provider file's detached signature against trusted keys, reading only the file's bytes (never
/// loading it): a file that fails is refused before the host maps any of its code.
public struct SignatureCheck: Sendable {
    /// The trusted public keys, as `PublicKeyText` writes them; what they are called is the caller's business.
    public let trustedKeys: [String]

    public init(trustedKeys: [String]) { self.trustedKeys = trustedKeys }

    /// The trusted public key that signed `file` (its signature at `file.sig`), or why no trusted key did.
    public func verify(file: String) -> Result<String, SignatureRefusal> {
        guard let signatureBytes = FileManager.default.contents(atPath: file + PluginSignature.fileSuffix) else {
            return .failure(.missing)
        }
        let signature: PluginSignature
        switch PluginSignature.parse(Array(signatureBytes)) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let parsed): signature = parsed
        }
        guard let contents = FileManager.default.contents(atPath: file) else {
            return .failure(.malformed("the provider file itself cannot be read"))
        }
        let digest = Array(SHA256.hash(data: contents))
        let actual = PluginSignature.hex(digest)
        guard signature.sha256 == actual else { return .failure(.otherFile(signed: signature.sha256, actual: actual)) }
        guard trustedKeys.contains(signature.publicKey) else { return .failure(.untrustedKey(signature.publicKey)) }
        guard case .success(let key) = PublicKeyText.parse(signature.publicKey),
              key.isValidSignature(signature.signature, for: PluginSignature.message(digest: digest)) else {
            return .failure(.badSignature)
        }
        return .success(signature.publicKey)
    }

    /// Signs `file` with `key`, writing `file.sig`; returns the signature file's path.
    public static func sign(file: String, key: Curve25519.Signing.PrivateKey) throws -> String {
        guard let contents = FileManager.default.contents(atPath: file) else {
            throw KeyTextError(description: "cannot read \(file)")
        }
        let signature = try PluginSignature.sign(digest: Array(SHA256.hash(data: contents)), with: key)
        let path = file + PluginSignature.fileSuffix
        try Data(signature.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}
