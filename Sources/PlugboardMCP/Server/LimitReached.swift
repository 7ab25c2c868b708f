import PlugboardJSON

extension RPCError {
    /// A bound of `transports.limits` was reached: the error names the key and its value, says what to do, and
    /// carries both in `data` for a client that reads them.
    static func limitReached(_ key: String, _ limit: JSONValue, _ what: String, remedy: String) -> RPCError {
        RPCError(RPCError.quotaExceededCode,
                 "too many \(what): the limit is \(key) = \(limit.numberLiteral ?? ""); \(remedy) (or raise transports.limits.\(key))",
                 data: .object(["quota": .string(key), "limit": limit]))
    }
}
