import ArgumentParser
import Foundation
import PlugboardSigning

struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign provider files: writes FILE.so.sig beside each, a detached Ed25519 signature.",
        discussion: """
            A plugin directory or a team with "require_signature": true loads only files whose .sig verifies
            against one of its trusted_keys. Sign the exact file you ship: any change to it needs a new signature.
            Copy the .sig into the directory before (or with) the .so.

            Example:
              plugboard sign libweather.so --key release.key
            """)

    @Argument(help: "The provider files to sign.") var files: [String]
    @Option(help: "The private key file `plugboard keygen` wrote (NAME.key).") var key: String

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one provider file to sign") }
    }

    func run() throws {
        let signingKey: SigningKeyFile.Key
        switch SigningKeyFile.read(key) {
        case .failure(let error): throw CommandFailure(error.description)
        case .success(let found): signingKey = found
        }
        for file in files {
            do {
                let path = try SignatureCheck.sign(file: file, key: signingKey)
                print("signed \(file) -> \(path) (key \(PublicKeyText.render(signingKey.publicKey)))")
            } catch {
                throw CommandFailure("cannot sign \(file): \(error)")
            }
        }
    }
}
