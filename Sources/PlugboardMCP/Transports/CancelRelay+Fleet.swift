/// Cancellations across replicas. Behind a balancer without affinity, a handshake-era client's
/// `notifications/cancelled` can reach a replica other than the one running the request. That replica hands it
/// to the relay, and every replica gets it and cancels the request if it runs there (in PlugboardFleet: Redis
/// publish/subscribe).
public protocol FleetCancelRelay: Sendable {
    /// Tells every replica to cancel request `requestID` (its JSON-RPC id, as sent) of session `sessionID`.
    /// Never waits: a cancel is advisory, and one that is lost leaves the call to finish (the spec allows it).
    func publish(sessionID: String, requestID: [UInt8])
    /// Starts delivering every replica's cancels (this one's own included) to `deliver`, until the process ends.
    func start(deliver: @escaping @Sendable (_ sessionID: String, _ requestID: [UInt8]) -> Void)
}
