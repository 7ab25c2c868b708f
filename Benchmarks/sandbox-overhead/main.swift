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

let calls = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 60_000 : 60_000
let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let library = products + "/libcalculator.so"
let invocation = Invocation(kind: .tool, key: "add", version: nil, arguments: RawJSON(trusted: Array("{\"a\": 2, \"b\": 40}".utf8)))

/// `count` calls one after another, after `warmup` unmeasured ones; each latency in µs, sorted.
func measure(_ provider: any Provider, count: Int, warmup: Int = 200) async throws -> [Double] {
    for _ in 0..<warmup { _ = try await provider.invoke(invocation, context: .none) }
    var samples: [Double] = []
    samples.reserveCapacity(count)
    let clock = ContinuousClock()
    for _ in 0..<count {
        let start = clock.now
        _ = try await provider.invoke(invocation, context: .none)
        let elapsed = clock.now - start
        samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
    }
    return samples.sorted()
}

func quantile(_ sorted: [Double], _ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }

func summary(_ name: String, _ sorted: [Double]) {
    let mean = sorted.reduce(0, +) / Double(sorted.count)
    print(String(format: "%-12@ calls %6d  min %6.1f µs  p10 %6.1f µs  p50 %7.1f µs  p90 %7.1f µs  p99 %7.1f µs  mean %7.1f µs",
                 name as NSString, sorted.count, sorted[0], quantile(sorted, 0.1), quantile(sorted, 0.5), quantile(sorted, 0.9),
                 quantile(sorted, 0.99), mean))
}

let loader = PluginLoader(cacheDirectory: NSTemporaryDirectory() + "plugboard-bench-cache")
let native = try loader.load(file: library)
// Starting a worker (spawn, sandbox, load, handshake), as a restart costs it: the median of 20.
var launches: [Double] = []
for _ in 0..<20 {
    let started = ContinuousClock.now
    let provider = try await WorkerProvider.launch(file: library)
    let elapsed = ContinuousClock.now - started
    launches.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
    provider.shutdown()
}
print(String(format: "worker start: median %.1f ms of 20", launches.sorted()[10]))
let worker = try await WorkerProvider.launch(file: library)
defer { worker.shutdown() }

// Rounds alternate between the two, so a change in the machine's load (other builds) hits both alike; the
// figure is the median over rounds of the difference of the rounds' medians.
let rounds = 20
var all: (native: [Double], sandboxed: [Double]) = ([], [])
var differences: [Double] = []
for _ in 0..<rounds {
    let inProcess = try await measure(native, count: calls / rounds)
    let sandboxed = try await measure(worker, count: calls / rounds)
    differences.append(quantile(sandboxed, 0.5) - quantile(inProcess, 0.5))
    all.native += inProcess
    all.sandboxed += sandboxed
}
summary("in-process", all.native.sorted())
summary("sandboxed", all.sandboxed.sorted())
print(String(format: "sandbox overhead: %.1f µs per call (median over %d alternating rounds of the p50 difference; bar: < 50 µs)",
             differences.sorted()[rounds / 2], rounds))
