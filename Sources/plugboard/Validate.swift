import ArgumentParser
import PlugboardConfig
import PlugboardHost

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a runtime configuration and the providers it names, without serving.",
        discussion: """
            Reports every problem with its JSON path, what was found and what was expected, and exits with
            status 1 if there is any. The providers are loaded as `serve` loads them (their init and describe
            run; sandboxed mounts in their workers), so a mount naming a plugin id that no file has, a disable
            rule that matches no component and a filter that admits no version of anything beneath it are
            problems too. Shadowed components and tools whose versions differ in output schema are warnings.

            Examples:
              plugboard validate
              plugboard validate --config /etc/plugboard/runtime.json
            """)

    @OptionGroup var options: HostOptions

    func run() throws {
        guard options.configFile != nil else {
            throw CommandFailure("no configuration to validate: pass --config PATH, set PLUGBOARD_CONFIG, or run where runtime.json is")
        }
        let config = try options.loadConfig()
        let factory = HostOptions.factory(config)
        var problems: [String] = []
        var plugins: [PluginIdentity] = []
        for directory in config.pluginDirectories {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.sorted() ?? [] where PluginFileName.isCandidate(name) {
                // Through the host's own check: a file its directory's signature policy refuses is never opened here either.
                switch PluginHost.identify(directory.path + "/" + name, in: directory, config: config, factory: factory) {
                case .success(let plugin): plugins.append(plugin)
                case .failure(let failure): problems.append("skipped: \(failure)")
                }
            }
        }
        let ids = Set(plugins.map(\.id))
        func check(_ mounts: [RuntimeConfig.Mount], at path: String) {
            for (index, mount) in mounts.enumerated() {
                let here = "\(path)[\(index)]"
                if case .pluginID(let id) = mount.source, !ids.contains(id) {
                    problems.append("\(here).provider: no file in the plugin directories has plugin id '\(id)'"
                        + (ids.isEmpty ? "" : " (found: \(ids.sorted().joined(separator: ", ")))"))
                }
                if case .file(let file) = mount.source {
                    if case .failure(let failure) = PluginHost.identify(file, in: nil, config: config, factory: factory) {
                        problems.append("\(here).file: \(failure)")
                    }
                }
                check(mount.mounts, at: here + ".mounts")
            }
        }
        check(config.mounts, at: "$.mounts")
        // Team mounts (by reference they moved here from $.mounts; the paths name where they are now).
        for (index, team) in config.teams.enumerated() { check(team.mounts, at: "$.teams[\(index)].mounts") }
        // Rules and filters are checked against what the providers register, so the providers are loaded.
        let (_, host) = try options.makeHost { _ in }
        problems += host.ruleFindings.map(\.description)
        for warning in host.catalogWarnings { StandardError.write("warning: \(warning)") }
        guard problems.isEmpty else {
            throw CommandFailure("\(options.configName) has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
                + problems.map { "  \($0)" }.joined(separator: "\n"))
        }
        print("\(options.configName) is valid: \(config.mounts.count) mount\(config.mounts.count == 1 ? "" : "s"), "
            + "\(plugins.count) provider file\(plugins.count == 1 ? "" : "s") (\(ids.sorted().joined(separator: ", "))), "
            + "surfaces \(config.surfaces.map { "\($0.name) at \($0.path)" }.joined(separator: ", "))"
            + (config.teams.isEmpty ? "" : ", teams \(config.teams.map(\.name).joined(separator: ", "))"))
    }
}

import Foundation
