import PlugboardCore
import PlugboardJSON

/// `teams` and `audit` in runtime.json, with the same error style as the rest: JSON path, what was found and
/// what was expected, and the closest known name for a near miss.
extension RuntimeConfigDecoder {
    func decodeTeams(_ root: ObjectReader, into config: inout RuntimeConfig, log: IssueLog) {
        if let audit = root.object("audit") { config.audit = self.audit(audit, log: log) }
        guard let teams = root.array("teams") else {
            if let team = config.transports.stdio.team {
                log.report("$.transports.stdio.team", "names team '\(team)', but the configuration declares no teams")
            }
            return
        }
        var claimed: [String: String] = [:]  // top-level namespace -> the team that took it
        var decoded: [RuntimeConfig.Team] = []
        for element in teams {
            guard let team = team(element.value, at: element.path, topLevel: &config.mounts, claimed: &claimed, log: log) else { continue }
            decoded.append(team)
        }
        config.teams = decoded
        checkUnique(decoded.map(\.name), what: "team name", at: "$.teams", log: log)
        let tokenIDs = decoded.flatMap { $0.tokens.map(\.id) }
        checkUnique(tokenIDs, what: "token id", at: "$.teams[].tokens", log: log)
        checkUnique(decoded.flatMap { $0.tokens.map(\.sha256) }, what: "token hash", at: "$.teams[].tokens", log: log)
        if let team = config.transports.stdio.team, !decoded.contains(where: { $0.name == team }) {
            var message = "names team '\(team)', which is not declared in $.teams (\(decoded.map(\.name).joined(separator: ", ")))"
            if let near = Suggestion.closest(to: team, among: decoded.map(\.name)) { message += "; did you mean '\(near)'?" }
            log.report("$.transports.stdio.team", message)
        }
    }

    private func team(_ value: JSONValue, at path: String, topLevel: inout [RuntimeConfig.Mount],
                      claimed: inout [String: String], log: IssueLog) -> RuntimeConfig.Team? {
        guard let reader = ObjectReader.make(value, at: path, log: log) else { return nil }
        defer { reader.finish() }
        guard let name = reader.string("name", required: true) else { return nil }
        if let problem = Self.namespaceProblem(name) { log.report(reader.childPath("name"), problem.replacingOccurrences(of: "namespace", with: "team name")) }
        var team = RuntimeConfig.Team(name: name)
        team.mounts = reader.array("mounts")?.compactMap { mount($0.value, at: $0.path, log: log) } ?? []
        for (index, mount) in team.mounts.enumerated() where mount.shared {
            log.report("\(path).mounts[\(index)].shared", "only top-level mounts can be shared; a team's mounts are its own")
        }
        // By reference: top-level mounts named by namespace move into the team.
        for element in reader.array("namespaces") ?? [] {
            guard let namespace = element.value.stringValue else {
                log.report(element.path, "expected the namespace of a top-level mount, found \(element.value.typeDescription)")
                continue
            }
            if let owner = claimed[namespace] {
                log.report(element.path, "namespace '\(namespace)' is already owned by team '\(owner)'; a namespace belongs to one team")
                continue
            }
            guard let index = topLevel.firstIndex(where: { $0.namespace == namespace }) else {
                let known = topLevel.compactMap(\.namespace)
                var message = "names namespace '\(namespace)', but no top-level mount has it"
                if let near = Suggestion.closest(to: namespace, among: known) { message += "; did you mean '\(near)'?" }
                else if !known.isEmpty { message += " (top-level namespaces: \(known.joined(separator: ", ")))" }
                log.report(element.path, message)
                continue
            }
            if topLevel[index].shared {
                log.report(element.path, "namespace '\(namespace)' is marked shared; a team cannot own a shared mount")
                continue
            }
            claimed[namespace] = name
            team.mounts.append(topLevel.remove(at: index))
        }
        for index in team.mounts.indices { team.mounts[index].isolation = .sandboxed }  // always, whatever was written
        team.tokens = reader.array("tokens")?.compactMap { token($0.value, at: $0.path, log: log) } ?? []
        if let sandbox = reader.object("sandbox") { team.sandbox = self.sandbox(sandbox, log: log) }
        if let quotas = reader.object("quotas") { team.quotas = self.quotas(quotas, log: log) }
        team.signatures = signaturePolicy(reader, log: log)
        return team
    }

    private func token(_ value: JSONValue, at path: String, log: IssueLog) -> RuntimeConfig.Token? {
        guard let reader = ObjectReader.make(value, at: path, log: log) else { return nil }
        defer { reader.finish() }
        let id = reader.string("id", required: true)
        let hash = reader.string("sha256", required: true)
        let revoked = reader.bool("revoked") ?? false
        if let hash, hash.count != 64 || !hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
            log.report(reader.childPath("sha256"), "expected 64 lowercase hex digits (the SHA-256 of the token; "
                + "`plugboard token mint --team NAME` prints the line to paste), found \(hash.count) characters")
            return nil
        }
        guard let id, let hash else { return nil }
        return RuntimeConfig.Token(id: id, sha256: hash, revoked: revoked)
    }

    private func sandbox(_ reader: ObjectReader, log: IssueLog) -> RuntimeConfig.SandboxSpec {
        defer { reader.finish() }
        var spec = RuntimeConfig.SandboxSpec()
        spec.memoryBytes = reader.integer("memory_bytes", in: (64 << 20)...(1 << 40)).map(UInt64.init)
        spec.cpuSeconds = reader.integer("cpu_seconds", in: 1...(365 * 86_400)).map(UInt64.init)
        spec.openFiles = reader.integer("open_files", in: 16...1_048_576).map(UInt64.init)
        spec.callDeadlineMilliseconds = reader.integer("call_deadline_ms", in: 1...86_400_000)
        spec.network = reader.bool("network") ?? false
        spec.processes = reader.bool("processes") ?? false
        spec.readablePaths = reader.array("readable_paths")?.compactMap { element in
            guard let path = element.value.stringValue else {
                log.report(element.path, "expected a file or directory path, found \(element.value.typeDescription)")
                return nil
            }
            return resolve(path)
        } ?? []
        return spec
    }

    private func quotas(_ reader: ObjectReader, log: IssueLog) -> RuntimeConfig.Quotas {
        defer { reader.finish() }
        var quotas = RuntimeConfig.Quotas()
        quotas.maxConcurrentCalls = reader.integer("max_concurrent_calls", in: 1...100_000)
        if let value = reader.value("calls_per_second") {
            if let rate = value.doubleValue, rate > 0, rate <= 1_000_000 {
                quotas.callsPerSecond = rate
            } else {
                log.report(reader.childPath("calls_per_second"),
                           "expected a number above 0 and at most 1000000, found \(value.typeDescription) \(value.jsonText)")
            }
        }
        quotas.maxRateWaitMilliseconds = reader.integer("max_rate_wait_ms", in: 0...10_000)
        if quotas.maxRateWaitMilliseconds != nil, quotas.callsPerSecond == nil {
            log.report(reader.childPath("max_rate_wait_ms"),
                       "is how long a call past 'calls_per_second' may wait for its turn, but this team has no calls_per_second; "
                       + "set calls_per_second or remove max_rate_wait_ms")
        }
        quotas.maxRequestBytes = reader.integer("max_request_bytes", in: 256...(1 << 30))
        quotas.maxResponseBytes = reader.integer("max_response_bytes", in: 256...(1 << 30))
        return quotas
    }

    private func audit(_ reader: ObjectReader, log: IssueLog) -> RuntimeConfig.AuditSpec? {
        defer { reader.finish() }
        let file = reader.string("file")
        let stderr = reader.bool("stderr") ?? false
        let rotate = reader.integer("rotate_bytes", in: 4_096...(1 << 40))
        let keep = reader.integer("keep", in: 1...1_000)
        let destination: RuntimeConfig.AuditSpec.Destination
        switch (file, stderr) {
        case (let file?, false): destination = .file(resolve(file))
        case (nil, true): destination = .stderr
        case (_?, true):
            log.report(reader.path, "names both 'file' and 'stderr: true'; the audit log goes to one place: keep one of them")
            return nil
        case (nil, false):
            log.report(reader.path, "says nowhere to write: give 'file' (a path) or 'stderr': true")
            return nil
        }
        var spec = RuntimeConfig.AuditSpec(destination: destination)
        if let rotate { spec.rotateBytes = rotate }
        if let keep { spec.keep = keep }
        return spec
    }
}
