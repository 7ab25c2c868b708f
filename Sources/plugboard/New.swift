import ArgumentParser
import Foundation

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a provider skeleton that builds with one command and passes `plugboard inspect`.",
        discussion: """
            The skeleton carries a copy of plugboard.h, so it builds anywhere. NAME becomes the plugin id
            (lowercase letters, digits, '_' and '-').

            Examples:
              plugboard new weather                 (C: cd weather && make)
              plugboard new weather --lang swift    (Swift: cd weather && swift build -c release)
            """)

    enum Language: String, ExpressibleByArgument, CaseIterable { case c, swift }

    @Argument(help: "The plugin id and directory name.") var name: String
    @Option(help: "c or swift.") var lang: Language = .c
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
        guard let header = FileManager.default.contents(atPath: sdkDirectory + "/include/plugboard.h") else {
            throw CommandFailure("cannot find plugboard.h under \(sdkDirectory)/include; pass --sdk PATH to the PluginSDK directory")
        }
        let directory = (output as NSString).appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: directory) else {
            throw CommandFailure("\(directory) already exists; choose another NAME or --output")
        }
        let files = lang == .c ? ProviderSkeleton.c(name) : ProviderSkeleton.swift(name)
        let headerPath = lang == .c ? "include/plugboard.h" : "Sources/CPlugboard/include/plugboard.h"
        for (path, text) in files + [(headerPath, String(decoding: header, as: UTF8.self))] {
            let file = (directory as NSString).appendingPathComponent(path)
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        }
        let build = lang == .c ? "cd \(directory) && make" : "cd \(directory) && swift build -c release"
        let library = lang == .c ? "\(directory)/lib\(name).so" : "\(directory)/.build/release/lib\(name).so"
        print("""
            created \(directory) (\(lang.rawValue))
              build:    \(build)
              check:    plugboard inspect \(library)
              serve:    copy lib\(name).so into a watched plugin directory (runtime.json: plugins.d)
            """)
    }
}
