import ArgumentParser
import Foundation
import PlugboardSigning

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make an Ed25519 key pair for signing provider files.",
        discussion: """
            Writes NAME.key (the private key, readable by its owner only: keep it out of the plugin directories
            and out of version control) and NAME.pub (the public key, for runtime.json's trusted_keys).

            Example:
              plugboard keygen --output release
              plugboard sign libweather.so --key release.key
            """)

    @Option(help: "The key pair's path without extension: NAME.key and NAME.pub are written.")
    var output: String

    func run() throws {
        let privatePath = output + ".key", publicPath = output + ".pub"
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("\(path) already exists; a key is never overwritten (choose another --output, or remove it yourself)")
        }
        let pair = SigningKeyFile.generate()
        // Created with mode 0600 before any byte of the key is written.
        guard FileManager.default.createFile(atPath: privatePath, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: privatePath) else {
            throw CommandFailure("cannot create \(privatePath); check that its directory exists and is writable")
        }
        try handle.write(contentsOf: Data(pair.privateText.utf8))
        try handle.close()
        try Data(pair.publicText.utf8).write(to: URL(fileURLWithPath: publicPath))
        print("""
            wrote \(privatePath) (private: keep it secret) and \(publicPath)
              trust it in runtime.json:  "trusted_keys": [{"name": "\((output as NSString).lastPathComponent)", "file": "\(publicPath)"}]
              sign a provider:           plugboard sign FILE.so --key \(privatePath)
            """)
    }
}
