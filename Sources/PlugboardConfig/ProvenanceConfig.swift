import Foundation
import PlugboardJSON

/// Signed plugins: the public keys an operator trusts to sign provider files, per plugin directory and per team.
extension RuntimeConfig {
    /// A trusted signing key: `name` appears in refusals and in the audit trail; `publicKey` is `ed25519:` and the
    /// base64 of the 32 key bytes (what `plugboard keygen` writes in its `.pub` file).
    public struct TrustedKey: Sendable, Hashable {
        public var name: String
        public var publicKey: String

        public init(name: String, publicKey: String) {
            self.name = name
            self.publicKey = publicKey
        }
    }

    /// What a plugin directory or a team asks of a provider file's signature.
    public struct SignaturePolicy: Sendable, Hashable {
        public var trustedKeys: [TrustedKey]
        /// A file without a valid signature by one of `trustedKeys` is refused (never loaded).
        public var requireSignature: Bool

        public init(trustedKeys: [TrustedKey] = [], requireSignature: Bool = false) {
            self.trustedKeys = trustedKeys
            self.requireSignature = requireSignature
        }
    }
}

extension RuntimeConfigDecoder {
    /// `trusted_keys` and `require_signature` of a plugin directory or a team.
    func signaturePolicy(_ reader: ObjectReader, log: IssueLog) -> RuntimeConfig.SignaturePolicy {
        var policy = RuntimeConfig.SignaturePolicy()
        policy.trustedKeys = reader.array("trusted_keys")?.compactMap { trustedKey($0.value, at: $0.path, log: log) } ?? []
        policy.requireSignature = reader.bool("require_signature") ?? false
        if policy.requireSignature && policy.trustedKeys.isEmpty {
            log.report(reader.childPath("require_signature"),
                       "is true, but no trusted_keys are given, so no file could be loaded; add the public keys that sign your providers "
                           + #"(trusted_keys: [{"name": …, "public_key": "ed25519:…"}] or {"name": …, "file": "KEY.pub"})"#)
        }
        return policy
    }

    private func trustedKey(_ value: JSONValue, at path: String, log: IssueLog) -> RuntimeConfig.TrustedKey? {
        guard let reader = ObjectReader.make(value, at: path, log: log) else { return nil }
        defer { reader.finish() }
        guard let name = reader.string("name", required: true) else { return nil }
        let text: String
        switch (reader.string("public_key"), reader.string("file")) {
        case (let key?, nil): text = key
        case (nil, let file?):
            let resolved = resolve(file)
            guard let data = FileManager.default.contents(atPath: resolved) else {
                log.report(reader.childPath("file"), "cannot read \(resolved); give the .pub file `plugboard keygen` wrote")
                return nil
            }
            text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        case (_?, _?):
            log.report(path, "gives both 'public_key' and 'file'; keep one of them")
            return nil
        case (nil, nil):
            log.report(path, "needs 'public_key' (\"ed25519:…\") or 'file' (a .pub file)")
            return nil
        }
        guard text.hasPrefix("ed25519:"), let raw = Data(base64Encoded: String(text.dropFirst("ed25519:".count))), raw.count == 32 else {
            log.report(path, "key '\(name)' is not 'ed25519:' followed by the base64 of 32 bytes (as `plugboard keygen` writes it)")
            return nil
        }
        return RuntimeConfig.TrustedKey(name: name, publicKey: text)
    }
}
