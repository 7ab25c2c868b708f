import ArgumentParser
import Foundation

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a provider skeleton that builds with one command and passes `plugboard inspect`.",
        discussion: """
            The skeleton carries a copy of the SDK files it needs (plugboard.h; for C++ also plugboard.hpp and
            plugboard_json.h; for Swift plugboard_json.h and PlugboardProviderKit; for Rust the Rust SDK's sources), so
            it builds anywhere, offline. NAME becomes the plugin id
            (lowercase letters, digits, '_' and '-').

            Examples:
              plugboard new weather                 (C: cd weather && make)
              plugboard new weather --lang cpp      (C++17: cd weather && make)
              plugboard new weather --lang swift    (Swift: cd weather && swift build -c release)
              plugboard new weather --lang rust     (Rust: cd weather && cargo build --offline --release)
            """)

    enum Language: String, ExpressibleByArgument, CaseIterable { case c, cpp, swift, rust }

    @Argument(help: "The plugin id and directory name.") var name: String
    @Option(help: "c, cpp, swift or rust.") var lang: Language = .c
    @Option(help: "Where to create the directory.") var output = "."
    @Option(help: "The PluginSDK directory (default: the one in the Plugboard source tree this binary was built from).")
    var sdk: String?

    func validate() throws {
        guard !name.isEmpty, name.utf8.allSatisfy({ (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f || $0 == 0x2d }) else {
            throw ValidationError("NAME must be a plugin id: lowercase letters, digits, '_' and '-' (got '\(name)')")
        }
    }

    func run() throws {
        let sdkDirectory = sdk ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("PluginSDK").path
        var copies: [(String, String)] = []
        for (source, destination) in try lang.sdkFiles(in: sdkDirectory) {
            guard let text = FileManager.default.contents(atPath: sdkDirectory + "/" + source) else {
                throw CommandFailure("cannot find \(source) under \(sdkDirectory); pass --sdk PATH to the PluginSDK directory")
            }
            copies.append((destination, String(decoding: text, as: UTF8.self)))
        }
        let directory = (output as NSString).appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: directory) else {
            throw CommandFailure("\(directory) already exists; choose another NAME or --output")
        }
        for (path, text) in lang.files(name) + copies {
            let file = (directory as NSString).appendingPathComponent(path)
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        }
        let file = lang.libraryFile(name)
        print("""
            created \(directory) (\(lang.rawValue))
              build:    cd \(directory) && \(lang.buildCommand)
              check:    plugboard inspect \(directory)/\(lang.libraryDirectory)\(file)
              serve:    copy \(file) into a watched plugin directory (runtime.json: plugins.d)
            """)
    }
}

extension New.Language {
    func files(_ name: String) -> [(String, String)] {
        switch self {
        case .c: ProviderSkeleton.c(name)
        case .cpp: ProviderSkeleton.cpp(name)
        case .swift: ProviderSkeleton.swift(name)
        case .rust: ProviderSkeleton.rust(name)
        }
    }

    /// The SDK files the skeleton builds against, as (path under the SDK directory, path in the skeleton):
    /// plugboard.hpp includes the other two headers; the Rust SDK's sources become the skeleton's path dependency; the Swift kit wraps both C headers and is copied whole, so a
    /// file added to it is never left behind.
    func sdkFiles(in sdkDirectory: String) throws -> [(String, String)] {
        switch self {
        case .c: return [("include/plugboard.h", "include/plugboard.h")]
        case .cpp: return ["plugboard.h", "plugboard_json.h", "plugboard.hpp"].map { ("include/" + $0, "include/" + $0) }
        case .swift:
            let kit = sdkDirectory + "/swift"
            guard let files = FileManager.default.subpaths(atPath: kit), !files.isEmpty else {
                throw CommandFailure("cannot find PlugboardProviderKit under \(kit); pass --sdk PATH to the PluginSDK directory")
            }
            let sources = files.filter { $0.hasSuffix(".swift") || $0.hasSuffix(".c") || $0.hasSuffix(".h") }.sorted()
            let headers: [(String, String)] = ["plugboard.h", "plugboard_json.h"].map { ("include/" + $0, "Sources/PlugboardABI/include/" + $0) }
            let kitFiles: [(String, String)] = sources.map { ("swift/" + $0, "Sources/" + $0) }
            return headers + kitFiles + [("swift/provider.exports", "provider.exports")]
        case .rust:
            // Every source of the crate, so a module added to it is never left behind.
            guard let sources = try? FileManager.default.contentsOfDirectory(atPath: sdkDirectory + "/rust/src").filter({ $0.hasSuffix(".rs") }),
                  !sources.isEmpty else {
                throw CommandFailure("cannot find the Rust SDK under \(sdkDirectory)/rust/src; pass --sdk PATH to the PluginSDK directory")
            }
            return sources.sorted().map { ("rust/src/" + $0, "plugboard/src/" + $0) }
        }
    }

    var buildCommand: String {
        switch self {
        case .c, .cpp: "make"
        case .swift: "swift build -c release"
        case .rust: "cargo build --offline --release"
        }
    }

    /// Where the build puts the library, relative to the skeleton's directory.
    var libraryDirectory: String {
        switch self {
        case .c, .cpp: ""
        case .swift: ".build/release/"
        case .rust: "target/release/"
        }
    }

    /// Cargo names a library after its package, with '-' as '_'.
    func libraryFile(_ name: String) -> String {
        "lib" + (self == .rust ? name.replacingOccurrences(of: "-", with: "_") : name) + ".so"
    }
}
