// swift-tools-version:6.1
// The cost of a typed plugin call through libffi against a direct C call (issue 3's bar: < 1 µs overhead).
// A standalone package because Benchmarks/Package.swift did not exist yet on this branch. Run (release):
//   swift build -c release --product calculator            (at the repository root: builds libcalculator.so)
//   cd Benchmarks/FFIOverhead && swift run -c release ffi-overhead ../../.build/release/libcalculator.so
import PackageDescription

let package = Package(
    name: "FFIOverhead",
    dependencies: [.package(name: "Plugboard", path: "../..")],
    targets: [
        // The baseline: the same `a + b` as the calculator's typed `add`, in a C module of its own so the
        // optimizer cannot inline it into the measuring loop.
        .target(name: "DirectFunctions"),
        .executableTarget(
            name: "ffi-overhead",
            dependencies: ["DirectFunctions", .product(name: "PlugboardLoader", package: "Plugboard")],
            swiftSettings: [.swiftLanguageMode(.v6)]),
    ]
)
