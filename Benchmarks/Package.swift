// swift-tools-version:6.1
// Plugboard's benchmarks: a package of its own so that the main build and `swift test` do not pay for them.
// Run from this directory: `swift package --disable-sandbox benchmark` (see README.md).
import PackageDescription

let package = Package(
    name: "PlugboardBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Plugboard", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // The catalog every measurement uses: 100 providers x 25 identities x 4 versions, three levels, two filters.
        .target(
            name: "BenchmarkCatalog",
            dependencies: [.product(name: "PlugboardCore", package: "Plugboard")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "RoutingTableBenchmarks",
            dependencies: [
                "BenchmarkCatalog",
                .product(name: "PlugboardCore", package: "Plugboard"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RoutingTableBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The same measurements with ContinuousClock only: `swift run -c release RoutingTableTiming`.
        .executableTarget(
            name: "RoutingTableTiming",
            dependencies: ["BenchmarkCatalog", .product(name: "PlugboardCore", package: "Plugboard")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)

// MARK: - Typed plugin calls through libffi vs a direct C call
// `swift build -c release --product calculator` at the repository root, then here:
// `swift run -c release FFIOverhead ../.build/release/libcalculator.so`
package.targets += [
    // The baseline: the same `a + b` as the calculator's typed `add`, in a C module of its own so the optimizer
    // cannot inline it into the measuring loop.
    .target(name: "FFIDirectFunctions"),
    .executableTarget(
        name: "FFIOverhead",
        dependencies: ["FFIDirectFunctions", .product(name: "PlugboardLoader", package: "Plugboard")],
        swiftSettings: [.swiftLanguageMode(.v6)]
    ),
]

// MARK: - One stdio request's CPU inside the server, without the pipes
// `swift build -c release --product calculator` at the repository root, then here:
// `swift run -c release RequestPath ../.build/release/libcalculator.so`
package.targets += [
    .executableTarget(
        name: "RequestPath",
        dependencies: [
            .product(name: "PlugboardCore", package: "Plugboard"), .product(name: "PlugboardLoader", package: "Plugboard"),
            .product(name: "PlugboardMCP", package: "Plugboard"),
        ],
        swiftSettings: [.swiftLanguageMode(.v6)]
    ),
]

// MARK: - The HTTP rows' framework floor: a bare SwiftNIO HTTP/1 server answering fixed bytes
// `swift run -c release NIOHTTPFloor 127.0.0.1 8080`
package.targets += [
    .executableTarget(
        name: "NIOHTTPFloor",
        dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                       .product(name: "NIOPosix", package: "swift-nio")],
        swiftSettings: [.swiftLanguageMode(.v6)]
    ),
]
