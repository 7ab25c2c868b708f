import PlugboardMCP

/// A refused token, for the audit trail: why, with what the token claims about itself (unverified: a refused
/// token's claims are only what it says) and a prefix of its hash, never the token.
public struct AccessRefusal: Sendable {
    /// 401 (not valid here) or 403 (valid, but for no team here).
    public var status: Int
    public var reason: String
    /// The canonical URL of the surface the request came to.
    public var resource: String
    public var tokenHash: String
    public var claimedIssuer: String?
    public var claimedSubject: String?
    public var claimedTokenID: String?

    public init(status: Int, reason: String, resource: String, tokenHash: String, claimedIssuer: String? = nil,
                claimedSubject: String? = nil, claimedTokenID: String? = nil) {
        self.status = status
        self.reason = reason
        self.resource = resource
        self.tokenHash = tokenHash
        self.claimedIssuer = claimedIssuer
        self.claimedSubject = claimedSubject
        self.claimedTokenID = claimedTokenID
    }

    /// The refusal `outcome` is, for a JWT; nil when it admitted the request.
    init?(_ outcome: Authentication, token: Substring, digest: [UInt8], resource: String) {
        let status: Int, reason: String
        switch outcome {
        case .refused(_, let why): (status, reason) = (401, why ?? "not valid here")
        case .forbidden(let why), .insufficientScope(_, let why): (status, reason) = (403, why)
        case .open, .principal: return nil
        }
        let claims = UnverifiedToken.claims(token)
        self.init(status: status, reason: reason, resource: resource, tokenHash: TeamAccess.hex(digest.prefix(6)),
                  claimedIssuer: claims?["iss"]?.stringValue, claimedSubject: claims?["sub"]?.stringValue,
                  claimedTokenID: claims?["jti"]?.stringValue)
    }
}
