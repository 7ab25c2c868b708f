// Run: see the FFIOverhead block in Benchmarks/Package.swift. Measures, per call (best of several runs of many calls each, release build):
//   direct       a C function `double add(double, double)` called through a function pointer
//   ffi          the same through the loader's prepared libffi call interface (TypedFunction.invokeRaw)
//   typed call   the whole typed tool call: JSON arguments parsed and validated, libffi call, result rendered
//   invoke       NativeProvider.invoke of that tool, as the MCP layer calls it (thread hop, deadline)
// and prints the overheads over the direct call.
import FFIDirectFunctions
import Foundation
import PlugboardJSON
@_spi(Benchmarks) import PlugboardLoader

let library = CommandLine.arguments.dropFirst().first ?? "../.build/release/libcalculator.so"
let iterations = 200_000
let runs = 7

func nanosecondsPerCall(_ body: () -> Double) -> (Double, Double) {
    var best = Double.infinity
    var sink = 0.0
    for _ in 0..<runs {
        let start = ContinuousClock.now
        sink += body()
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        best = min(best, (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations))
    }
    return (best, sink)
}

let loader = PluginLoader(cacheDirectory: NSTemporaryDirectory() + "plugboard-ffi-bench")
let provider: NativeProvider
do {
    provider = try loader.load(file: library)
} catch {
    print("cannot load \(library): \(error)")
    exit(1)
}
guard let add = provider.typedFunction(named: "add") else {
    print("\(library) has no typed function 'add'")
    exit(1)
}

let direct = direct_add_pointer()!
let (directNs, s1) = nanosecondsPerCall {
    var total = 0.0
    for i in 0..<iterations { total += direct(Double(i), 1.5) }
    return total
}

let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
let (ffiNs, s2) = nanosecondsPerCall {
    var total = 0.0
    for i in 0..<iterations {
        slots[0] = Double(i).bitPattern
        slots[1] = 1.5.bitPattern
        total += Double(bitPattern: add.invokeRaw(slots))
    }
    return total
}

let arguments = RawJSON(trusted: Array(#"{"a":20.25,"b":1.5}"#.utf8))
let (typedNs, s3) = nanosecondsPerCall {
    var total = 0.0
    for _ in 0..<iterations {
        if case .success(let bytes) = add.call(arguments: arguments) { total += Double(bytes.count) }
    }
    return total
}

print(String(format: "direct call            %8.1f ns/call", directNs))
print(String(format: "libffi call            %8.1f ns/call   overhead %8.1f ns", ffiNs, ffiNs - directNs))
print(String(format: "typed tool call (JSON) %8.1f ns/call   overhead %8.1f ns", typedNs, typedNs - directNs))

// The whole provider call as the MCP layer makes it: a handler thread, the deadline timer, the answer.
import PlugboardCore
let invocation = Invocation(kind: .tool, key: "add", version: nil, arguments: arguments)
let invokeIterations = 20_000
var bestInvoke = Double.infinity
for _ in 0..<3 {
    let start = ContinuousClock.now
    for _ in 0..<invokeIterations { _ = try? await provider.invoke(invocation, context: .none) }
    let (seconds, attoseconds) = (ContinuousClock.now - start).components
    bestInvoke = min(bestInvoke, (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(invokeIterations))
}
print(String(format: "provider.invoke        %8.1f ns/call   (handler thread + deadline + typed call)", bestInvoke))

/// Resident memory in MiB (/proc/self/statm: pages), to show per-call state does not pile up.
func residentMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}
print(String(format: "resident after %d invokes: %.1f MiB", 3 * invokeIterations, residentMiB()))
print("(checksum \(s1 + s2 + s3))")
