import Foundation
import PlugboardSigning
import Testing

@Suite("Detached signatures of provider files")
struct SignatureCheckTests {
    /// A directory of its own with a file of `bytes` in it, and a fresh key pair.
    struct Fixture {
        let file: String
        let key: SigningKeyFile.Key
        /// The fixture key's public half, as a .pub file holds it.
        let trusted: String

        init(_ bytes: [UInt8] = Array("\u{7f}ELF pretend provider".utf8) + (0..<4_000).map { UInt8($0 % 251) }) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signing-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            file = directory + "/libexample.so"
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let pair = SigningKeyFile.generate()
            try Data(pair.privateText.utf8).write(to: URL(fileURLWithPath: directory + "/release.key"))
            key = try SigningKeyFile.read(directory + "/release.key").get()
            trusted = pair.publicText.trimmingCharacters(in: .newlines)
        }
    }

    @Test("a signed file verifies and names its key; the .sig is the JSON `plugboard sign` documents")
    func signAndVerify() throws {
        let fixture = try Fixture()
        let path = try SignatureCheck.sign(file: fixture.file, key: fixture.key)
        #expect(path == fixture.file + ".sig")
        let signer = try SignatureCheck(trustedKeys: [fixture.trusted]).verify(file: fixture.file).get()
        #expect(signer == fixture.trusted)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#""format":"plugboard-plugin-signature-v1""#))
        #expect(text.contains(fixture.trusted))
    }

    @Test("one byte changed in the file after signing: refused as a signature of another file")
    func tamperedFile() throws {
        let fixture = try Fixture()
        _ = try SignatureCheck.sign(file: fixture.file, key: fixture.key)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: fixture.file)))
        bytes[100] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: fixture.file))
        let outcome = SignatureCheck(trustedKeys: [fixture.trusted]).verify(file: fixture.file)
        guard case .failure(.otherFile) = outcome else { Issue.record("expected otherFile, got \(outcome)"); return }
        #expect("\(try #require(outcome.failure))".contains("changed after it was signed"))
    }

    @Test("a signature whose digest was edited to match a changed file does not verify")
    func forgedDigest() throws {
        let fixture = try Fixture()
        let sigPath = try SignatureCheck.sign(file: fixture.file, key: fixture.key)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: fixture.file)))
        bytes[0] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: fixture.file))
        // The attacker updates the digest in the .sig but cannot sign it.
        let genuine = try String(contentsOfFile: sigPath, encoding: .utf8)
        let signedDigest = try #require(genuine.firstMatch(of: /"sha256":"([0-9a-f]{64})"/)?.1)
        let newDigest = try #require(SignatureCheck(trustedKeys: [fixture.trusted]).verify(file: fixture.file).failure.flatMap { refusal -> String? in
            if case .otherFile(_, let actual) = refusal { return actual }
            return nil
        })
        try genuine.replacingOccurrences(of: String(signedDigest), with: newDigest).write(toFile: sigPath, atomically: true, encoding: .utf8)
        #expect(SignatureCheck(trustedKeys: [fixture.trusted]).verify(file: fixture.file).failure == .badSignature)
    }

    @Test("a truncated .sig, a missing one, and one made by a key not trusted are each refused with their reason")
    func refusals() throws {
        let fixture = try Fixture()
        let check = SignatureCheck(trustedKeys: [fixture.trusted])
        #expect(check.verify(file: fixture.file).failure == .missing)

        let sigPath = try SignatureCheck.sign(file: fixture.file, key: fixture.key)
        let whole = try Data(contentsOf: URL(fileURLWithPath: sigPath))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: sigPath))
        guard case .malformed(let why) = check.verify(file: fixture.file).failure else { Issue.record("a truncated .sig was not refused as malformed"); return }
        #expect(why.contains("truncated"))

        let stranger = try Fixture()
        _ = try SignatureCheck.sign(file: fixture.file, key: stranger.key)
        #expect(check.verify(file: fixture.file).failure == .untrustedKey(stranger.trusted))
    }

    @Test("key files: a public key given where the private one is needed, and garbage, are refused by name")
    func keyFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pair = SigningKeyFile.generate()
        try Data(pair.publicText.utf8).write(to: URL(fileURLWithPath: directory + "/k.pub"))
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: directory + "/garbage.key"))
        #expect(SigningKeyFile.read(directory + "/k.pub").failure?.description.contains("public key") == true)
        #expect(SigningKeyFile.read(directory + "/garbage.key").failure?.description.contains("keygen") == true)
        #expect((try? PublicKeyText.parse(pair.publicText).get()) != nil)
        #expect(PublicKeyText.parse("ed25519:AAAA").failure != nil)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
