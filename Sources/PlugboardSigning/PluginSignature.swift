import Crypto
import Foundation
import PlugboardJSON

/// The detached signature of a provider file, kept beside it as `FILE.so.sig`: a small JSON object naming the
/// format, the signing key, the SHA-256 of the file it signs, and the Ed25519 signature over
/// `plugboard-plugin-signature-v1`, a zero byte and those 32 digest bytes. The digest in the clear lets a refusal
/// say "this signature is of another file" rather than only "does not verify".
public struct PluginSignature: Sendable, Equatable {
    public static let format = "plugboard-plugin-signature-v1"
    public static let fileSuffix = ".sig"
    /// Signature files are a few hundred bytes; anything much larger is not one.
    static let maximumFileBytes = 4_096

    public var publicKey: String
    public var sha256: String
    public var signature: Data

    /// Signs the file whose SHA-256 is `digest`.
    public static func sign(digest: [UInt8], with key: Curve25519.Signing.PrivateKey) throws -> PluginSignature {
        let signature = try key.signature(for: message(digest: digest))
        return PluginSignature(publicKey: PublicKeyText.render(key.publicKey), sha256: hex(digest), signature: signature)
    }

    public var text: String {
        let object: JSONValue = .object([
            "format": .string(Self.format), "public_key": .string(publicKey), "sha256": .string(sha256),
            "signature": .string(signature.base64EncodedString()),
        ])
        return String(decoding: object.serialized, as: UTF8.self) + "\n"
    }

    /// The signature in a `.sig` file's bytes, or what is wrong with them.
    public static func parse(_ bytes: [UInt8]) -> Result<PluginSignature, SignatureRefusal> {
        guard bytes.count <= maximumFileBytes else {
            return .failure(.malformed("it is \(bytes.count) bytes, not a signature file (those are a few hundred bytes)"))
        }
        guard let value = try? JSONParser.parse(bytes), let object = value.objectValue else {
            return .failure(.malformed("it is not the JSON object `plugboard sign` writes (truncated or overwritten?)"))
        }
        guard object["format"]?.stringValue == format else {
            return .failure(.malformed("its format is \(object["format"]?.stringValue.map { "'\($0)'" } ?? "missing"), not '\(format)'"))
        }
        guard let key = object["public_key"]?.stringValue, let sha = object["sha256"]?.stringValue,
              let text = object["signature"]?.stringValue, let signature = Data(base64Encoded: text), signature.count == 64 else {
            return .failure(.malformed("it lacks a public_key, a sha256 or a 64-byte base64 signature"))
        }
        return .success(PluginSignature(publicKey: key, sha256: sha, signature: signature))
    }

    static func message(digest: [UInt8]) -> Data {
        Data(format.utf8) + Data([0]) + Data(digest)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]] }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why a provider file's signature does not make it trusted, in words that name the fix.
public enum SignatureRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case missing
    case malformed(String)
    case otherFile(signed: String, actual: String)
    case badSignature
    case untrustedKey(String)

    public var description: String {
        switch self {
        case .missing:
            "it has no signature file beside it (FILE.so.sig); sign it with `plugboard sign FILE.so --key KEY`"
        case .malformed(let why):
            "its signature file is unreadable: \(why); sign the file again"
        case .otherFile(let signed, let actual):
            "its signature is of another file (sha256 \(signed.prefix(12))…, this file is \(actual.prefix(12))…): "
                + "the file changed after it was signed, or the .sig belongs to another build"
        case .badSignature:
            "its signature does not verify: the file or the .sig was tampered with"
        case .untrustedKey(let key):
            "it is signed by \(key), which is not among the trusted keys here; add the key to trusted_keys or sign with a trusted one"
        }
    }
}
