import ArgumentParser
import PlugboardJSON
import PlugboardLoader

/// `plugboard token mint --team T`: a fresh bearer token, printed once, and the line to paste into the team's
/// `tokens` (its SHA-256 and an id). The token itself is stored nowhere.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mint bearer tokens for multi-team hosting.",
        subcommands: [Mint.self])

    struct Mint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new random token (once) and the JSON line to paste into the team's \"tokens\".",
            discussion: """
                stdout, line 1: the token, for the team's client (Authorization: Bearer <token>).
                stdout, line 2: {"id": …, "sha256": …}, for runtime.json ($.teams[…].tokens). Only the hash is
                kept; a lost token cannot be recovered: mint a new one and remove or revoke the old line.

                Example:
                  plugboard token mint --team alpha --id alpha-ci
                """)

        @Option(help: "The team the token acts for (used for the default id).")
        var team: String

        @Option(help: "The token's id in the audit log (default: <team>-<8 random hex digits>).")
        var id: String?

        func validate() throws {
            if team.isEmpty { throw ValidationError("--team must not be empty") }
            if let id, id.isEmpty { throw ValidationError("--id must not be empty") }
        }

        func run() throws {
            var random = SystemRandomNumberGenerator()  // getrandom(2): suitable for secrets
            let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
            let token = "pb_" + Self.hex(secret)
            let digest = SHA256.hex(token.utf8)  // what the server compares against
            let suffix = Self.hex((0..<4).map { _ in UInt8.random(in: 0...255, using: &random) })
            let line: JSONObject = ["id": .string(id ?? "\(team)-\(suffix)"), "sha256": .string(digest)]
            print(token)
            print(String(decoding: JSONValue.object(line).serialized, as: UTF8.self))
            StandardError.write("plugboard: give line 1 to team '\(team)' (it is shown only now); paste line 2 into its \"tokens\" in runtime.json, then send SIGHUP or restart")
        }

        static func hex(_ bytes: [UInt8]) -> String {
            let digits = Array("0123456789abcdef")
            return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xf)]] })
        }
    }
}
