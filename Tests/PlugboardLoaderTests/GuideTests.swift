import Foundation
import PlugboardCore
import PlugboardLoader
import Testing

/// The author's guide (PluginSDK/README.md) is honest: its first C code block builds with the one line it
/// gives and loads and answers in the host.
@Suite struct GuideTests {
    /// The body of the first ```c block.
    static func firstCBlock(of markdown: String) -> String? {
        guard let start = markdown.range(of: "```c\n") else { return nil }
        guard let end = markdown.range(of: "\n```", range: start.upperBound..<markdown.endIndex) else { return nil }
        return String(markdown[start.upperBound..<end.lowerBound]) + "\n"
    }

    @Test func firstCodeBlockBuildsLoadsAndAnswers() async throws {
        let guide = try String(contentsOfFile: TestSupport.repository + "/PluginSDK/README.md", encoding: .utf8)
        #expect(guide.contains("cc -shared -fPIC -I PluginSDK/include hello.c -o hello.so"))
        let source = try #require(Self.firstCBlock(of: guide))
        let directory = TestSupport.temporaryDirectory("guide")
        try source.write(toFile: directory + "/hello.c", atomically: true, encoding: .utf8)
        let library = try await TestSupport.compile(directory + "/hello.c", into: directory)

        let provider = try TestSupport.loader().load(file: library)
        #expect(provider.info.id == "hello")
        #expect(provider.components.map(\.label) == ["tool 'hello'"])
        let result = try await provider.callTool("hello", #"{"name":"Ada"}"#)
        #expect(result.firstText == "Hello, Ada!")
        let error = try await provider.toolError("hello", "{}")
        #expect(error == InvocationError(.invalidArguments, "argument 'name' is required: a string"))
    }

    /// plugboard.pc gives the include flag that finds plugboard.h.
    @Test func pkgConfigFileGivesTheHeaderPath() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pkg-config", "--cflags", "plugboard"]
        process.environment = ["PKG_CONFIG_PATH": TestSupport.repository + "/PluginSDK", "PATH": "/usr/bin:/bin"]
        let output = Pipe()
        process.standardOutput = output
        try await TestSupport.run(process)
        let flags = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(process.terminationStatus == 0)
        #expect(flags == "-I" + TestSupport.repository + "/PluginSDK/include")
        #expect(FileManager.default.fileExists(atPath: String(flags.dropFirst(2)) + "/plugboard.h"))
    }
}
