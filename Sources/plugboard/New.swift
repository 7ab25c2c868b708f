import ArgumentParser
import Foundation

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a provider skeleton that builds with one command and passes `plugboard inspect`.",
        discussion: """
            The skeleton carries a copy of the headers it needs (plugboard.h; for C++ also plugboard.hpp and
            plugboard_json.h), so it builds anywhere. NAME becomes the plugin id
            (lowercase letters, digits, '_' and '-').

            Examples:
              plugboard new weather                 (C: cd weather && make)
              plugboard new weather --lang cpp      (C++17: cd weather && make)
              plugboard new weather --lang swift    (Swift: cd weather && swift build -c release)
            """)

    enum Language: String, ExpressibleByArgument, CaseIterable { case c, cpp, swift }

    @Argument(help: "The plugin id and directory name.") var name: String
    @Option(help: "c, cpp or swift.") var lang: Language = .c
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
        var headers: [(String, String)] = []
        for header in lang.headers {
            guard let text = FileManager.default.contents(atPath: sdkDirectory + "/include/" + header) else {
                throw CommandFailure("cannot find \(header) under \(sdkDirectory)/include; pass --sdk PATH to the PluginSDK directory")
            }
            headers.append((lang.headerDirectory + "/" + header, String(decoding: text, as: UTF8.self)))
        }
        let directory = (output as NSString).appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: directory) else {
            throw CommandFailure("\(directory) already exists; choose another NAME or --output")
        }
        for (path, text) in lang.files(name) + headers {
            let file = (directory as NSString).appendingPathComponent(path)
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        }
        let build = lang == .swift ? "cd \(directory) && swift build -c release" : "cd \(directory) && make"
        let library = lang == .swift ? "\(directory)/.build/release/lib\(name).so" : "\(directory)/lib\(name).so"
        print("""
            created \(directory) (\(lang.rawValue))
              build:    \(build)
              check:    plugboard inspect \(library)
              serve:    copy lib\(name).so into a watched plugin directory (runtime.json: plugins.d)
            """)
    }
}

extension New.Language {
    func files(_ name: String) -> [(String, String)] {
        switch self {
        case .c: ProviderSkeleton.c(name)
        case .cpp: ProviderSkeleton.cpp(name)
        case .swift: ProviderSkeleton.swift(name)
        }
    }

    /// The SDK headers the skeleton builds against: plugboard.hpp includes the other two.
    var headers: [String] { self == .cpp ? ["plugboard.h", "plugboard_json.h", "plugboard.hpp"] : ["plugboard.h"] }

    var headerDirectory: String { self == .swift ? "Sources/CPlugboard/include" : "include" }
}
