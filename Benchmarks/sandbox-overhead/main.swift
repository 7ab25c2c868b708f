// The cost of the sandbox per call: the same tool (calculator's typed `add`) called in process through
// NativeProvider and in a worker through WorkerProvider, one call at a time, in a release build.
//
//   swift build -c release --product plugboard-worker --product calculator --product sandbox-overhead
//   .build/release/sandbox-overhead [calls]
//
// Prints the latency distribution of each and the difference of the medians (the bar: under 50 µs).
import Foundation
import PlugboardCore
import PlugboardJSON
import PlugboardLoader
import PlugboardSandbox

let calls = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20_000 : 20_000
let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let library = products + "/libcalculator.so"
let invocation = Invocation(kind: .tool, key: "add", version: nil, arguments: RawJSON(trusted: Array("{\"a\": 2, \"b\": 40}".utf8)))

func measure(_ provider: any Provider) async throws -> [Double] {
    for _ in 0..<1000 { _ = try await provider.invoke(invocation, context: .none) }
    var samples: [Double] = []
    samples.reserveCapacity(calls)
    let clock = ContinuousClock()
    for _ in 0..<calls {
        let start = clock.now
        _ = try await provider.invoke(invocation, context: .none)
        let elapsed = clock.now - start
        samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
    }
    return samples.sorted()
}

func summary(_ name: String, _ sorted: [Double]) -> Double {
    func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
    let mean = sorted.reduce(0, +) / Double(sorted.count)
    print(String(format: "%-12@ calls %6d  min %6.1f µs  p10 %6.1f µs  p50 %7.1f µs  p90 %7.1f µs  p99 %7.1f µs  mean %7.1f µs",
                 name as NSString, sorted.count, sorted[0], at(0.1), at(0.5), at(0.9), at(0.99), mean))
    return at(0.5)
}

let loader = PluginLoader(cacheDirectory: NSTemporaryDirectory() + "plugboard-bench-cache")
let native = try loader.load(file: library)
let worker = try await WorkerProvider.launch(file: library)
defer { worker.shutdown() }

let inProcess = summary("in-process", try await measure(native))
let sandboxed = summary("sandboxed", try await measure(worker))
print(String(format: "sandbox overhead (p50 difference): %.1f µs per call (bar: < 50 µs)", sandboxed - inProcess))
