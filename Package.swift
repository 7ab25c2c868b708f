// swift-tools-version:6.1
// Plugboard: a plugin host for MCP servers. Module map and request path: docs/ARCHITECTURE.md.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Plugboard",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "PlugboardCore", targets: ["PlugboardCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        // --- interop tests (issue 4 item 7): the official Swift SDK client, test-only ---
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),  // the SDK's stdio file descriptors
        // --- end interop tests ---
    ],
    targets: [
        // JSON values, a strict parser with limits, a writer and raw-byte scanning. No dependencies.
        .target(name: "PlugboardJSON", swiftSettings: strict),
        // The model: versions, components, providers, mount tree, filters, routing table. No I/O.
        .target(
            name: "PlugboardCore",
            dependencies: ["PlugboardJSON", .product(name: "Atomics", package: "swift-atomics")],
            swiftSettings: strict),

        .testTarget(name: "PlugboardJSONTests", dependencies: ["PlugboardJSON"], swiftSettings: strict),
        .testTarget(name: "PlugboardCoreTests", dependencies: ["PlugboardCore"], swiftSettings: strict),

        // --- interop tests (issue 4 item 7) ---
        // Drives the real `plugboard` executable with clients nobody here wrote: the Python `mcp` and `fastmcp`
        // clients (scripts in Tests/Interop, run from <package root>/.venv made by scripts/bootstrap) and the
        // official Swift SDK client.
        .testTarget(
            name: "InteropTests",
            dependencies: [
                "PlugboardJSON", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/InteropTests",
            swiftSettings: strict),
        // --- end interop tests ---
    ]
)
