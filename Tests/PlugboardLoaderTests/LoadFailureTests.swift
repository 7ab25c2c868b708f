import Foundation
import PlugboardCore
import PlugboardLoader
import Testing

/// Each broken fixture, compiled with the guide's one line and loaded with the real loader, fails its own check
/// with its own message: the file named, what was wrong, what to do.
@Suite struct LoadFailureTests {
    let directory = TestSupport.temporaryDirectory("fixtures")

    func failure(_ fixture: String) async throws -> PluginLoadError {
        let file = try await TestSupport.fixture(fixture, into: directory)
        do {
            let provider = try TestSupport.loader().load(file: file)
            Issue.record("\(fixture) loaded as \(provider.info.id); expected a failure")
            return PluginLoadError(file: file, stage: .unreadable, detail: "loaded")
        } catch {
            #expect(error.file == file)
            return error
        }
    }

    @Test func notLoadable() async throws {
        let file = directory + "/garbage.so"
        try Data(String(repeating: "this is not an ELF file\n", count: 200).utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: PluginLoadError.self) { try TestSupport.loader().load(file: file) }
        do {
            _ = try TestSupport.loader().load(file: file)
        } catch {
            #expect(error.stage == .notLoadable)
            #expect(error.description.hasPrefix("\(file): cannot be loaded as a shared library: "))
            #expect(error.description.contains("invalid ELF header"))
            #expect(error.description.hasSuffix("Build it with `cc -shared -fPIC` for this machine and check its dependencies with `ldd`."))
        }
    }

    @Test func noEntrySymbol() async throws {
        let error = try await failure("no_symbol")
        #expect(error.stage == .noEntry)
        #expect(error.description == "\(error.file): not a Plugboard provider: it does not export the function `plugboard_entry_v1`. "
            + "Define `PB_EXPORT const pb_entry *plugboard_entry_v1(void)` (PluginSDK/README.md), or remove the file from the plugin directory.")
    }

    @Test func badMagic() async throws {
        let error = try await failure("bad_magic")
        #expect(error.stage == .badMagic)
        // PB_MAGIC is "PLUGBRD1" read as a little-endian 64-bit integer.
        #expect(error.description == "\(error.file): wrong magic 0x1234 in the entry struct (expected 0x3144524247554c50); "
            + "the entry is not a pb_entry from plugboard.h. Initialize it with PB_ENTRY_INIT.")
    }

    @Test func structTooSmall() async throws {
        let error = try await failure("struct_too_small")
        #expect(error.stage == .structTooSmall)
        // ABI 1.0's entry: u64 magic, u32 size, 2 x u16, 2 strings, 4 function pointers = 16 + 6 * 8 = 64 bytes.
        #expect(error.description == "\(error.file): the entry struct declares 24 bytes, fewer than the 64 of ABI 1.0; "
            + "rebuild against the current plugboard.h and set struct_size = sizeof(pb_entry).")
    }

    @Test func abiMajorMismatch() async throws {
        let error = try await failure("abi_major_2")
        #expect(error.stage == .abiMismatch)
        #expect(error.description == "\(error.file): built for ABI 2.x; this host supports 1.0–1.3. "
            + "Rebuild the provider against this host's plugboard.h, or run a host that supports ABI 2.")
    }

    /// A build for another machine says so in its entry (ABI 1.3); the loader refuses it before init, naming the
    /// field and the host's own value.
    @Test func aBuildForAnotherMachineIsRefusedByTheFieldThatDiffers() async throws {
        let pointer = try await failure("foreign_pointer")
        #expect(pointer.stage == .buildMismatch)
        #expect(pointer.description == "\(pointer.file): built for 4-byte pointers (pb_entry.build_pointer_size = 4); "
            + "this host uses \(MemoryLayout<UnsafeRawPointer>.size)-byte pointers. Rebuild the provider for this machine's architecture.")
        let order = try await failure("foreign_byte_order")
        #expect(order.stage == .buildMismatch)
        #expect(order.description.contains("built for big-endian byte order (pb_entry.build_byte_order = 2); this host is little-endian"))
        let libc = try await failure("foreign_libc")
        #expect(libc.stage == .buildMismatch)
        #expect(libc.description.contains("built against musl (pb_entry.build_libc = 2); this host runs on glibc"))
    }

    @Test func initFailureCarriesThePluginsMessage() async throws {
        let error = try await failure("init_failure")
        #expect(error.stage == .initFailed)
        #expect(error.description == "\(error.file): init of plugin 'init_failure' failed (status 1): "
            + "config key 'database' is missing; set it to the path of the notes database")
    }

    @Test func initThatNeverReturnsIsAbandonedAtTheStartupDeadline() async throws {
        let file = try await TestSupport.fixture("init_hangs", into: directory)
        let loader = PluginLoader(cacheDirectory: TestSupport.temporaryDirectory("cache"), startupDeadline: .milliseconds(200))
        #expect(throws: PluginLoadError(file: file, stage: .initFailed,
            detail: "init of plugin 'init_hangs' did not return within 0.2 seconds; it must not block (start background work on a thread of its own).")) {
            try loader.load(file: file)
        }
    }

    @Test func invalidSchema() async throws {
        let error = try await failure("invalid_schema")
        #expect(error.stage == .invalidDescription)
        #expect(error.description == "\(error.file): invalid description of plugin 'invalid_schema': "
            + "tool 'lookup': input_schema must be a JSON object, got [\"query\"]. Fix the registrations in describe.")
    }

    @Test func everyMalformedRegistrationIsReported() async throws {
        let error = try await failure("bad_registrations")
        #expect(error.stage == .invalidDescription)
        #expect(error.description == "\(error.file): invalid description of plugin 'bad_registrations': "
            + "tool 'versioned': invalid version: version '1@0' contains '@', which is reserved for 'name@version' references; "
            + "tool 'handlerless': no handler; set pb_component.handler; "
            + "registration #3: kind 9 is not a pb_kind (1 tool, 2 resource, 3 resource template, 4 prompt); "
            + "tool 'local_icon': icons[0].src 'file:///etc/passwd' is not an https:, http: or data: URI; clients fetch icons from such URIs only; "
            + "tool 'themed_icon': icons[0].theme must be \"light\" or \"dark\"; "
            + "tool 'texty': signature 's(d)': 's' is for parameters only; a function cannot return a string; "
            + "tool 'unnamed': signature 'd(d)' needs 1 parameter name(s); name 1 is missing. Fix the registrations in describe.")
    }

    @Test func mixedVersionedAndUnversioned() async throws {
        let error = try await failure("mixed_versions")
        #expect(error.stage == .invalidDescription)
        #expect(error.description == "\(error.file): invalid catalog of plugin 'mixed_versions': tool 'search' (registration #1 and #2): "
            + "registered with version 1.0 in #1 and unversioned in #2; within one plugin an identity is versioned in every registration or in none")
    }

    @Test func duplicateRegistration() async throws {
        let error = try await failure("duplicate")
        #expect(error.stage == .invalidDescription)
        #expect(error.description == "\(error.file): invalid catalog of plugin 'duplicate': tool 'search' (registration #1 and #2): "
            + "registered twice with version 2.0 (#1 and #2); remove one or give it another version")
    }

    @Test func missingFile() {
        let file = directory + "/absent.so"
        #expect(throws: PluginLoadError(file: file, stage: .unreadable, detail: "cannot be read; check that it exists and is readable.")) {
            try TestSupport.loader().load(file: file)
        }
    }

    /// The good providers load beside every broken one; each broken file is reported on its own.
    @Test func directoryScanLoadsTheGoodBesideTheBroken() async throws {
        for fixture in ["no_symbol", "bad_magic", "struct_too_small", "abi_major_2", "init_failure", "invalid_schema",
                        "mixed_versions", "duplicate", "answers_nothing"] {
            _ = try await TestSupport.fixture(fixture, into: directory)
        }
        for name in ["calculator", "notes", "greeter"] {
            try FileManager.default.copyItem(atPath: TestSupport.bundled(name), toPath: directory + "/lib\(name).so")
        }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: directory + "/garbage.so"))
        try Data("ignored".utf8).write(to: URL(fileURLWithPath: directory + "/.hidden.so"))
        try Data("ignored".utf8).write(to: URL(fileURLWithPath: directory + "/notes.txt"))

        let results = TestSupport.loader().loadDirectory(directory)
        var loaded: [String: String] = [:]
        var failed: [String: PluginLoadError.Stage] = [:]
        for (file, result) in results {
            let name = URL(fileURLWithPath: file).lastPathComponent
            switch result {
            case .success(let provider): loaded[name] = provider.info.id
            case .failure(let error): failed[name] = error.stage
            }
        }
        #expect(loaded == ["libcalculator.so": "calculator", "libnotes.so": "notes", "libgreeter.so": "greeter",
                           "answers_nothing.so": "answers_nothing"])
        #expect(failed == ["garbage.so": .notLoadable, "no_symbol.so": .noEntry, "bad_magic.so": .badMagic,
                           "struct_too_small.so": .structTooSmall, "abi_major_2.so": .abiMismatch,
                           "init_failure.so": .initFailed, "invalid_schema.so": .invalidDescription,
                           "mixed_versions.so": .invalidDescription, "duplicate.so": .invalidDescription])
    }
}

/// ABI rule: a provider built for a newer minor of the same major loads; the host reads the prefix it knows.
@Suite struct NewerMinorTests {
    @Test func newerMinorWithLongerStructsLoadsAndAnswers() async throws {
        let file = try await TestSupport.fixture("newer_minor", into: TestSupport.temporaryDirectory("minor"))
        let provider = try TestSupport.loader().load(file: file)
        #expect(provider.info.id == "newer_minor")
        #expect(provider.info.version == "1.7.0")
        #expect(provider.components.map(\.label) == ["tool 'future_ok'"])
        #expect(try await provider.callTool("future_ok").firstText == "ok")
    }
}
