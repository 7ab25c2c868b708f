import Crypto

/// The SHA-256 of a presented token: what static tokens are stored as, and the key of verified JWTs. BoringSSL's
/// (swift-crypto): it runs on every authenticated request.
enum TokenDigest {
    static func of(_ token: Substring) -> [UInt8] {
        var token = token
        return token.withUTF8 { Array(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }
}
