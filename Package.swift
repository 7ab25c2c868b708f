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
        .testTarget(
            name: "PlugboardCoreTests", dependencies: ["PlugboardCore"],
            exclude: ["PORTED.md"],  // the list of FastMCP behaviours ported, not a resource
            swiftSettings: strict),
    ]
)
