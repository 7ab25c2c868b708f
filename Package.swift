// swift-tools-version:6.1
// Plugboard: a plugin host for MCP servers. Module map and request path: docs/ARCHITECTURE.md.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Plugboard",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "PlugboardCore", targets: ["PlugboardCore"]),
        // --- MCP server ---
        .executable(name: "plugboard", targets: ["plugboard"]),
        .library(name: "PlugboardMCP", targets: ["PlugboardMCP"]),  // for Benchmarks/RequestPath
        // --- end MCP server ---
    ] + sdkProducts + sandboxProducts,
    dependencies: [
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        // --- MCP server ---
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),  // connection limits and deadlines
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),  // HTTP parts in the channel pipeline
        // --- operations: metrics and traces ---
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // OTLP over HTTP/protobuf only: the gRPC exporter would add a toolchain's worth of build for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        // Identity: JWT access tokens from the platform's identity provider, and its JWKS fetched over HTTP.
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),  // hashing tokens; signing plugins
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // --- end MCP server ---
        // --- interop tests: the official Swift SDK client, test-only ---
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

        // --- config: runtime.json decoding and validation ---
        .target(name: "PlugboardConfig", dependencies: ["PlugboardCore", "PlugboardJSON"], swiftSettings: strict),
        .testTarget(name: "PlugboardConfigTests", dependencies: ["PlugboardConfig"], swiftSettings: strict),
        // Assembles a running host from configuration: plugin directories (watched), mounts, reloads.
        // POSIX calls Swift's Glibc module leaves out (pipe2).
        .systemLibrary(name: "CPosix", path: "Sources/CPosix"),
        // Signed plugins: Ed25519 key pairs, detached signatures of provider files, and their verification.
        .target(
            name: "PlugboardSigning",
            dependencies: ["PlugboardJSON", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .testTarget(name: "PlugboardSigningTests", dependencies: ["PlugboardSigning"], swiftSettings: strict),
        .target(
            name: "PlugboardHost", dependencies: ["PlugboardCore", "PlugboardConfig", "PlugboardLoader", "PlugboardSigning", "CPosix"],
            swiftSettings: strict),
        .testTarget(name: "PlugboardHostTests", dependencies: ["PlugboardHost", "PlugboardConfig", "PlugboardLoader", "PlugboardTestSupport"], swiftSettings: strict),
        // Shared by the test targets: build products, running commands, a stdio session with the real server.
        .target(name: "PlugboardTestSupport", dependencies: ["PlugboardJSON"], path: "Tests/PlugboardTestSupport", swiftSettings: strict),
        // The plugboard command line, run as a real process.
        .testTarget(name: "PlugboardCLITests", dependencies: ["PlugboardTestSupport", "PlugboardJSON"], swiftSettings: strict),
        // --- end config ---
        // --- MCP server ---
        // JSON-RPC 2.0 and MCP in both protocol eras, sessions, method handlers, stdio and Streamable HTTP.
        .target(
            name: "PlugboardMCP",
            dependencies: [
                "PlugboardCore", "PlugboardJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),  // the hot path reads HTTP/1 heads as decoded
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),  // spans: the API only, no exporter
            ],
            swiftSettings: strict),
        // Operations: what an operator's tooling reads: Prometheus metrics, OTLP traces, the admin listener, log
        // lines as JSON for shippers.
        .target(
            name: "PlugboardOperations",
            dependencies: [
                "PlugboardJSON", "PlugboardCore", "PlugboardMCP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),  // the admin listener
            ],
            swiftSettings: strict),
        // Identity: who a request acts for. Static team tokens and JWT access tokens from trusted issuers (keys from
        // a JWKS file or URL), mapped to a team by a claim; the OAuth protected-resource metadata clients discover.
        .target(
            name: "PlugboardAccess",
            dependencies: [
                "PlugboardJSON", "PlugboardCore", "PlugboardConfig", "PlugboardMCP",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Replicas behind a load balancer: the keys that seal session ids so any replica serves any session, and
        // teams' quotas kept in Redis for the whole fleet (a small RESP client of its own: the mirror has none).
        .target(
            name: "PlugboardFleet",
            dependencies: [
                "PlugboardConfig", "PlugboardCore", "PlugboardMCP", "PlugboardJSON",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // The command line: `plugboard serve --stdio | --http HOST:PORT`.
        .executableTarget(
            name: "plugboard",
            dependencies: [
                "PlugboardMCP", "PlugboardCore", "PlugboardLoader", "PlugboardConfig", "PlugboardHost", "PlugboardOperations",
                "PlugboardAccess", "PlugboardSandbox",  // teams: team providers run in sandboxed workers
                "PlugboardFleet", "PlugboardSigning", "PlugboardScanning",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),  // `fleet check` asks each replica
                .product(name: "Atomics", package: "swift-atomics"),  // teams: tokens swapped on SIGHUP without a lock
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Spawns the real `plugboard` executable and speaks MCP to it over stdio and HTTP.
        .testTarget(name: "PlugboardMCPTests", dependencies: ["PlugboardJSON", "PlugboardTestSupport"], swiftSettings: strict),
        // --- end MCP server ---

        .testTarget(name: "PlugboardJSONTests", dependencies: ["PlugboardJSON"], swiftSettings: strict),
        .testTarget(
            name: "PlugboardCoreTests", dependencies: ["PlugboardCore"],
            exclude: ["PORTED.md"],  // the list of FastMCP behaviours ported, not a resource
            swiftSettings: strict),

        // --- interop tests ---
        // Drives the real `plugboard` executable with clients nobody here wrote: the Python `mcp` and `fastmcp`
        // clients (scripts in Tests/Interop, run from <package root>/.venv made by scripts/bootstrap) and the
        // official Swift SDK client.
        .testTarget(
            name: "InteropTests",
            dependencies: [
                "PlugboardJSON", "PlugboardTestSupport", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/InteropTests",
            swiftSettings: strict),
        // --- end interop tests ---
    ] + sdkTargets + sandboxTargets + teamsTargets
)

// MARK: - PluginSDK, native loader and bundled providers

/// The bundled providers: each a shared library `lib<name>.so` in the build products directory.
var bundledProviders: [String] { ["calculator", "notes", "greeter"] }

var sdkProducts: [Product] {
    bundledProviders.map { .library(name: $0, type: .dynamic, targets: [$0]) }
        + [.library(name: "PlugboardLoader", targets: ["PlugboardLoader"]),  // for Benchmarks/FFIOverhead
           // Swift providers as values and closures; linked statically into each provider library.
           .library(name: "PlugboardProviderKit", targets: ["PlugboardProviderKit"])]
}

/// A Swift provider library exports plugboard_entry_v1 alone: without a version script every public symbol of the
/// statically linked kit would be exported too.
var swiftProviderExports: [LinkerSetting] {
    [.unsafeFlags(["-Xlinker", "--version-script=\(Context.packageDirectory)/PluginSDK/swift/provider.exports"], .when(platforms: [.linux]))]
}

var sdkTargets: [Target] { [
    // The provider ABI header (PluginSDK/include/plugboard.h), exposed to Swift.
    .target(name: "PlugboardABI", path: "PluginSDK", exclude: ["README.md", "plugboard.pc", "swift"],
            sources: ["src"], publicHeadersPath: "include"),
    // libffi, for typed plugin functions.
    .systemLibrary(name: "CFFI", path: "Sources/CFFI", pkgConfig: "libffi", providers: [.apt(["libffi-dev"])]),
    // dlopen, ABI checks, the in-process NativeProvider, typed functions.
    .target(name: "PlugboardLoader", dependencies: ["PlugboardCore", "PlugboardABI", "CFFI"], swiftSettings: strict),
    // Bundled providers: examples authors copy.
    .target(name: "calculator", dependencies: ["PlugboardABI"], path: "Plugins/calculator", publicHeadersPath: "."),
    .target(name: "notes", dependencies: ["PlugboardABI"], path: "Plugins/notes", publicHeadersPath: "."),
    // The Swift provider kit (PluginSDK/swift, which `plugboard new --lang swift` copies): components as values and
    // closures, errors thrown, the entry exported by the kit. Its C half finds the provider's declaration.
    .target(name: "CPlugboardProviderKit", path: "PluginSDK/swift/CPlugboardProviderKit"),
    .target(name: "PlugboardProviderKit", dependencies: ["PlugboardABI", "CPlugboardProviderKit"],
            path: "PluginSDK/swift/PlugboardProviderKit", swiftSettings: strict),
    .testTarget(name: "PlugboardProviderKitTests", dependencies: ["PlugboardProviderKit"], swiftSettings: strict),
    .target(name: "greeter", dependencies: ["PlugboardProviderKit"], path: "Plugins/greeter", swiftSettings: strict,
            linkerSettings: swiftProviderExports),
    .testTarget(name: "PlugboardLoaderTests", dependencies: ["PlugboardLoader"], swiftSettings: strict),
] }

// MARK: - Sandboxed providers in worker processes

var sandboxProducts: [Product] { [
    .library(name: "PlugboardSandbox", targets: ["PlugboardSandbox"]),
    .executable(name: "plugboard-worker", targets: ["plugboard-worker"]),
] }

var sandboxTargets: [Target] { [
    // The host side: frame protocol, WorkerProvider, supervision. Never dlopens a plugin.
    .target(name: "PlugboardSandbox", dependencies: ["PlugboardCore", "PlugboardJSON", "CPosix"], swiftSettings: strict),
    // Out-of-process scanning: a new provider file is opened in a sandboxed worker before the host opens it, and
    // the result kept in a registry on disk; a file that crashes or hangs there is quarantined.
    .target(
        name: "PlugboardScanning",
        dependencies: ["PlugboardSandbox", "PlugboardHost", "PlugboardConfig", "PlugboardJSON", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: strict),
    // libseccomp (Debian libseccomp-dev), for the worker's system-call filter.
    .systemLibrary(name: "CSeccomp", path: "Sources/CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
    // The worker's sandbox layers in C: namespaces, rlimits, Landlock, seccomp, crash notes.
    .target(name: "PlugboardWorkerSandbox", dependencies: ["CSeccomp"]),
    // The worker: sets up the sandbox, then loads one plugin and serves it over the socketpair.
    .executableTarget(name: "plugboard-worker", dependencies: ["PlugboardSandbox", "PlugboardLoader", "PlugboardWorkerSandbox"],
                      swiftSettings: strict),
    .testTarget(name: "PlugboardSandboxTests", dependencies: ["PlugboardSandbox", "plugboard-worker"], swiftSettings: strict),
    // A sandboxed call against the same call in process; run in release beside a release worker (docs/SANDBOX.md).
    .executableTarget(name: "sandbox-overhead", dependencies: ["PlugboardSandbox", "PlugboardLoader"], path: "Benchmarks/sandbox-overhead",
                      swiftSettings: strict),
] }

// MARK: - Multi-team hosting

var teamsTargets: [Target] { [
    // The seal of session ids that lets replicas serve each other's sessions.
    .testTarget(name: "PlugboardFleetTests", dependencies: [
        "PlugboardFleet", "PlugboardConfig", "PlugboardMCP", "PlugboardTestSupport",
        .product(name: "NIOCore", package: "swift-nio"),
    ], swiftSettings: strict),
    // Tokens, visibility, quotas and the audit trail, against the real `plugboard serve --http` with sandboxed teams.
    .testTarget(name: "PlugboardTeamsTests", dependencies: ["PlugboardTestSupport", "PlugboardJSON", "PlugboardCore", "PlugboardMCP"], swiftSettings: strict),
] }
