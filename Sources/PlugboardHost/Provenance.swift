import PlugboardConfig
import PlugboardSigning

/// Who signed a provider file, checked from its bytes and its `.sig` before the host opens it: a directory that
/// requires signatures never maps a file that fails, so its code never runs in the host.
enum Provenance {
    /// The trusted key that signed `file`, nil when it is unsigned (or signed by no key trusted anywhere) and
    /// `policy` does not require a signature; a failure when it does. `alsoTrusted`: keys trusted elsewhere in the
    /// configuration (the teams'), so a team can check later that its own key signed the file.
    static func check(_ file: String, policy: RuntimeConfig.SignaturePolicy, alsoTrusted: [RuntimeConfig.TrustedKey],
                      where place: String, onEvent: (HostEvent) -> Void) -> Result<RuntimeConfig.TrustedKey?, ProviderLoadFailure> {
        let keys = policy.trustedKeys + alsoTrusted.filter { !policy.trustedKeys.contains($0) }
        guard policy.requireSignature || !keys.isEmpty else { return .success(nil) }
        switch SignatureCheck(trustedKeys: keys.map(\.publicKey)).verify(file: file) {
        case .success(let publicKey):
            let key = keys.first { $0.publicKey == publicKey }!
            if policy.requireSignature, !policy.trustedKeys.contains(key) {
                return .failure(ProviderLoadFailure(file: file, message: "\(file): refused: it is signed by key '\(key.name)', "
                    + "which \(place) does not trust (it trusts: \(policy.trustedKeys.map(\.name).joined(separator: ", ")))", kind: .refused))
            }
            return .success(key)
        case .failure(let refusal):
            if policy.requireSignature {
                return .failure(ProviderLoadFailure(file: file, message: "\(file): refused: \(refusal) (\(place) requires signed providers)", kind: .refused))
            }
            if refusal != .missing {  // a signature that fails where none is required: loaded as unsigned, said out loud
                onEvent(.warning("\(file): loaded as unsigned: \(refusal)"))
            }
            return .success(nil)
        }
    }
}
