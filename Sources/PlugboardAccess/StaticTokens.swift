import Atomics
import PlugboardConfig
import PlugboardCore
import PlugboardMCP

/// The static bearer tokens of the configured teams (`plugboard token mint`). A presented token is hashed
/// (SHA-256) and compared with every stored hash in constant time — no early exit on the first differing byte, none on the first match — so timing
/// tells nothing about which bytes or which tokens matched. Revoked tokens are not kept at all. SIGHUP swaps in
/// the new token set atomically (readers never take a lock) and each team's new quotas into its gate.
final class StaticTokens: Sendable {
    private struct Entry {
        let digest: [UInt8]
        let principal: Principal
    }
    private final class Entries: AtomicReference, Sendable {
        let all: [Entry]
        init(_ all: [Entry]) { self.all = all }
    }
    private let entries: ManagedAtomic<Entries>
    private let principals: [String: TeamPrincipals]

    init(teams: [RuntimeConfig.Team], principals: [String: TeamPrincipals]) {
        self.principals = principals
        entries = ManagedAtomic(Entries(Self.entries(teams, principals)))
    }

    /// New and revoked tokens, and changed quotas, of the teams this server started with (a new team needs a
    /// restart). A team's quotas change in place: every session of the team shares its one gate.
    func update(_ teams: [RuntimeConfig.Team]) {
        entries.store(Entries(Self.entries(teams, principals)), ordering: .releasing)
        for team in teams {
            principals[team.name]?.quota.update(TeamPrincipals.limits(team.quotas))
        }
    }

    private static func entries(_ teams: [RuntimeConfig.Team], _ principals: [String: TeamPrincipals]) -> [Entry] {
        var entries: [Entry] = []
        for team in teams {
            guard let made = principals[team.name] else { continue }
            for token in team.tokens where !token.revoked {
                guard let digest = Self.bytes(hex: token.sha256) else { continue }
                entries.append(Entry(digest: digest, principal: made.principal(token: token)))
            }
        }
        return entries
    }

    /// The principal of a presented token, by its SHA-256 (`TokenDigest`), or nil when it is unknown or revoked.
    func principal(digest presented: [UInt8]) -> Principal? {
        var found: Principal?
        for entry in entries.load(ordering: .acquiring).all where Self.constantTimeEqual(entry.digest, presented) {
            found = entry.principal  // keep looping: every entry is compared whatever matched
        }
        return found
    }

    /// Equal-length digests compared with an OR of XORs: the time does not depend on where they differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

