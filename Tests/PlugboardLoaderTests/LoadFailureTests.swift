import Foundation
import PlugboardCore
import PlugboardLoader
import Testing

/// Each broken fixture, compiled with the guide's one line and loaded with the real loader, fails its own check
/// with its own message: the file named, what was wrong, what to do.
@Suite struct LoadFailureTests {
    let directory = TestSupport.temporaryDirectory("fixtures")

    func failure(_ fixture: String) throws -> PluginLoadError {
        let file = try TestSupport.fixture(fixture, into: directory)
        do {
            let provider = try TestSupport.loader().load(file: file)
            Issue.record("\(fixture) loaded as \(provider.info.id); expected a failure")
            return PluginLoadError(file: file, stage: .unreadable, detail: "loaded")
        } catch {
            #expect(error.file == file)
            return error
        }
    }

    @Test func notLoadable() throws {
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

    @Test func noEntrySymbol() throws {
        let error = try failure("no_symbol")
        #expect(error.stage == .noEntry)
        #expect(error.description == "\(error.file): not a Plugboard provider: it does not export the function `plugboard_entry_v1`. "
            + "Define `PB_EXPORT const pb_entry *plugboard_entry_v1(void)` (PluginSDK/README.md), or remove the file from the plugin directory.")
    }

    @Test func badMagic() throws {
        let error = try failure("bad_magic")
        #expect(error.stage == .badMagic)
        // PB_MAGIC is "PLUGBRD1" read as a little-endian 64-bit integer.
        #expect(error.description == "\(error.file): wrong magic 0x1234 in the entry struct (expected 0x3144524247554c50); "
            + "the entry is not a pb_entry from plugboard.h. Initialize it with PB_ENTRY_INIT.")
    }

    @Test func structTooSmall() throws {
        let error = try failure("struct_too_small")
        #expect(error.stage == .structTooSmall)
        // ABI 1.0's entry: u64 magic, u32 size, 2 x u16, 2 strings, 4 function pointers = 16 + 6 * 8 = 64 bytes.
        #expect(error.description == "\(error.file): the entry struct declares 24 bytes, fewer than the 64 of ABI 1.0; "
            + "rebuild against the current plugboard.h and set struct_size = sizeof(pb_entry).")
    }

    @Test func abiMajorMismatch() throws {
        let error = try failure("abi_major_2")
        #expect(error.stage == .abiMismatch)
        #expect(error.description == "\(error.file): built for ABI 2.x; this host supports 1.0–1.0. "
            + "Rebuild the provider against this host's plugboard.h, or run a host that supports ABI 2.")
    }

    @Test func initFailureCarriesThePluginsMessage() throws {
        let error = try failure("init_failure")
        #expect(error.stage == .initFailed)
        #expect(error.description == "\(error.file): init of plugin 'init_failure' failed (status 1): "
            + "config key 'database' is missing; set it to the path of the notes database")
    }

    @Test func invalidSchema() throws {
        let error = try failure("invalid_schema")
        #expect(error.stage == .invalidDescription)
        #expect(error.description == "\(error.file): invalid description of plugin 'invalid_schema': "
            + "tool 'lookup': input_schema must be a JSON object, got [\"query\"]. Fix the registrations in describe.")
    }

    @Test func mixedVersionedAndUnversioned() throws {
        let error = try failure("mixed_versions")
        #expect(error.stage == .invalidDescription)
        #expect(error.description == "\(error.file): invalid description of plugin 'mixed_versions': "
            + "tool 'search' mixes versioned and unversioned registrations (#1 has a version, #2 has none); "
            + "version every registration of it or none. Fix the registrations in describe.")
    }

    @Test func duplicateRegistration() throws {
        let error = try failure("duplicate")
        #expect(error.stage == .invalidDescription)
        #expect(error.description == "\(error.file): invalid description of plugin 'duplicate': "
            + "tool 'search' version 2.0 is registered twice (registrations #1 and #2); "
            + "give each registration its own version or remove one. Fix the registrations in describe.")
    }

    @Test func missingFile() {
        let file = directory + "/absent.so"
        #expect(throws: PluginLoadError(file: file, stage: .unreadable, detail: "cannot be read; check that it exists and is readable.")) {
            try TestSupport.loader().load(file: file)
        }
    }

    /// The good providers load beside every broken one; each broken file is reported on its own.
    @Test func directoryScanLoadsTheGoodBesideTheBroken() throws {
        for fixture in ["no_symbol", "bad_magic", "struct_too_small", "abi_major_2", "init_failure", "invalid_schema",
                        "mixed_versions", "duplicate", "answers_nothing"] {
            _ = try TestSupport.fixture(fixture, into: directory)
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
