import Foundation
import PlugboardMCP
import Synchronization

/// JWTs already verified, by the SHA-256 of their text, until they expire: a client sends the same access token
/// with every request, and its signature is checked once. Bounded: when full, expired entries go first, then all.
final class VerifiedTokens: Sendable {
    struct Entry: Sendable {
        let principal: Principal
        let issuer: Int  // index into TeamAccess's issuers, for the audience check
        let expires: Double
        let audiences: [String]
    }

    private let entries = Mutex<[[UInt8]: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// The entry for `key` while it is valid (the clock skew past `exp`, as at verification).
    func find(_ key: [UInt8], now: Double, skew: Double) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.expires + skew else {
                entries[key] = nil
                return nil
            }
            return entry
        }
    }

    func insert(_ entry: Entry, for key: [UInt8], now: Double) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = entry
        }
    }

    /// Forgets every verification (SIGHUP: issuers, teams or their claims may have changed).
    func clear() { entries.withLock { $0.removeAll() } }
}
