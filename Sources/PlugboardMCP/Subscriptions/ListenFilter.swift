import PlugboardJSON

/// What a `subscriptions/listen` request opts in to (`params.notifications`), checked: every key is one this
/// server knows, every flag a boolean. The server never sends a kind the client did not ask for.
struct ListenFilter: Sendable, Equatable {
    var toolsListChanged = false
    var resourcesListChanged = false
    var promptsListChanged = false
    /// `notifications/tasks/status` for the listener's own tasks (the tasks extension's key).
    var taskStatus = false
    /// Asked for, but never honoured: providers have no way to announce that a resource changed.
    var resourceSubscriptions: [String] = []

    static let taskStatusKey = TaskProtocol.extensionKey
    static let knownKeys = ["toolsListChanged", "resourcesListChanged", "promptsListChanged", "resourceSubscriptions", taskStatusKey]

    /// Reads `params.notifications`; a missing object, an unknown kind or a wrong type is invalid params.
    static func read(_ raw: ArraySlice<UInt8>?, tasksDeclared: Bool) throws(RPCError) -> ListenFilter {
        guard let raw, case .object(let object)? = try? JSONParser.parse(Array(raw)) else {
            throw .invalidParams("subscriptions/listen needs params.notifications, an object naming the notifications to "
                + "receive: " + knownKeys.joined(separator: ", "))
        }
        var filter = ListenFilter()
        for (key, value) in object.members {
            switch key {
            case "toolsListChanged": filter.toolsListChanged = try flag(value, key)
            case "resourcesListChanged": filter.resourcesListChanged = try flag(value, key)
            case "promptsListChanged": filter.promptsListChanged = try flag(value, key)
            case taskStatusKey:
                filter.taskStatus = try flag(value, key)
                if filter.taskStatus, !tasksDeclared {
                    throw .invalidParams("params.notifications['\(key)'] needs the tasks extension declared in "
                        + "_meta['\(ProtocolVersions.clientCapabilitiesKey)'].extensions['\(TaskProtocol.extensionKey)']")
                }
            case "resourceSubscriptions":
                guard let uris = value.arrayValue?.compactMap(\.stringValue), uris.count == value.arrayValue?.count else {
                    throw .invalidParams("params.notifications.resourceSubscriptions must be an array of URI strings")
                }
                filter.resourceSubscriptions = uris
            default:
                throw RPCError(RPCError.invalidParamsCode,
                               "unknown notification kind '\(key)' in params.notifications; this server knows "
                                   + knownKeys.joined(separator: ", "),
                               data: .object(["unknown": .string(key), "known": .array(knownKeys.map { .string($0) })]))
            }
        }
        return filter
    }

    private static func flag(_ value: JSONValue, _ key: String) throws(RPCError) -> Bool {
        guard let flag = value.boolValue else {
            throw .invalidParams("params.notifications.\(key) must be a boolean (got \(value.typeDescription))")
        }
        return flag
    }

    /// The kinds the server agreed to honour, for the acknowledgement: only what was asked and can happen
    /// (resource updates never can, so they are left out even when asked for).
    var honoured: JSONObject {
        var object = JSONObject()
        if toolsListChanged { object["toolsListChanged"] = .bool(true) }
        if resourcesListChanged { object["resourcesListChanged"] = .bool(true) }
        if promptsListChanged { object["promptsListChanged"] = .bool(true) }
        if taskStatus { object[Self.taskStatusKey] = .bool(true) }
        return object
    }

    /// The list_changed methods this filter lets through, for a set of changed list kinds.
    func listChangedMethods(for methods: [String]) -> [String] {
        methods.filter { method in
            switch method {
            case "notifications/tools/list_changed": toolsListChanged
            case "notifications/resources/list_changed": resourcesListChanged
            case "notifications/prompts/list_changed": promptsListChanged
            default: false
            }
        }
    }

    var wantsListChanges: Bool { toolsListChanged || resourcesListChanged || promptsListChanged }
}
