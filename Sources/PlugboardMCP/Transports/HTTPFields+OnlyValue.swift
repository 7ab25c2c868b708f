import HTTPTypes

extension HTTPFields {
    /// A field that may appear at most once.
    enum OnlyValue: Equatable {
        case none
        case one(String)
        case several
    }

    /// The value of a field that may appear at most once, without the copy `subscript(_:)` makes to join repeated
    /// fields (an access token's header is a kilobyte, read on every request).
    func onlyValue(of name: HTTPField.Name) -> OnlyValue {
        var found: String?
        for field in self where field.name == name {
            guard found == nil else { return .several }
            found = field.value
        }
        return found.map(OnlyValue.one) ?? .none
    }
}
