import Synchronization

/// JWTs refused for good (a bad signature, expired, the wrong audience, no team), by the SHA-256 of their text,
/// for a minute: a client or an attacker that sends the same bad token again costs a hash and a lookup, not a
/// signature check. Refusals that may not last (an unknown `kid`, an `nbf` to come) are never kept. Bounded:
/// when full, it starts again empty.
final class RefusedTokens: Sendable {
    private let entries = Mutex<[[UInt8]: (until: Double, refusal: TokenRefusal)]>([:])
    private let capacity: Int
    static let keptFor = 60.0

    init(capacity: Int = 10_000) { self.capacity = capacity }

    func find(_ key: [UInt8], now: Double) -> TokenRefusal? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.until else {
                entries[key] = nil
                return nil
            }
            return entry.refusal
        }
    }

    func insert(_ refusal: TokenRefusal, for key: [UInt8], now: Double) {
        guard refusal.lasts else { return }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (now + Self.keptFor, refusal)
        }
    }

    func clear() { entries.withLock { $0.removeAll() } }
}
