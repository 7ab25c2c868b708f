import BenchmarkCatalog
import PlugboardCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A plain-clock measurement of the same catalog as the ordo-one benchmark, for machines where that package
// does not build and for profiling. Prints medians of wall-clock time and of this thread's CPU time; on a
// shared machine the CPU time is the figure to compare with the bars (it excludes time spent descheduled).
//   swift run -c release RoutingTableTiming [compile-rounds]

struct Sample {
    var wall: Double  // nanoseconds
    var cpu: Double
}

func threadCPUNanoseconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) * 1e9 + Double(spec.tv_nsec)
}

func measure(_ body: () -> Void) -> Sample {
    let clock = ContinuousClock()
    let cpuStart = threadCPUNanoseconds()
    let start = clock.now
    body()
    let wall = start.duration(to: clock.now)
    let cpu = threadCPUNanoseconds() - cpuStart
    return Sample(wall: Double(wall.components.seconds) * 1e9 + Double(wall.components.attoseconds) / 1e9, cpu: cpu)
}

func report(_ label: String, _ samples: [Sample], per: Double = 1, unit: String = "ns", scale: Double = 1) {
    let wall = samples.map { $0.wall / per / scale }.sorted()[samples.count / 2]
    let cpu = samples.map { $0.cpu / per / scale }.sorted()[samples.count / 2]
    func format(_ value: Double) -> String { String(Int((value * 10).rounded())).dropLast() + "." + String(Int((value * 10).rounded())).suffix(1) }
    print("\(label): median wall \(format(wall)) \(unit), cpu \(format(cpu)) \(unit) (\(samples.count) samples)")
}

let root = try Catalog.root()
let arguments = CommandLine.arguments
let compileRounds = arguments.count > 1 ? Int(arguments[1]) ?? 30 : 30

// The previous table is freed after each measurement (as the store frees a replaced table), not during it.
var table = RoutingTable.compile(root: root, surface: Catalog.surface)
var compileSamples: [Sample] = []
for _ in 0..<compileRounds {
    var next: RoutingTable?
    compileSamples.append(measure { next = RoutingTable.compile(root: root, surface: Catalog.surface) })
    table = next!
}
report("compile 10k components", compileSamples, unit: "ms", scale: 1e6)
precondition(table.entries(.tool).count == 7_500)

func lookups(_ table: RoutingTable, version: String?) -> [Sample] {
    var sink = 0
    let samples = (0..<300).map { _ in
        measure {
            for name in Catalog.names {
                if case .success(let route) = table.route(.tool, name, version: version) {
                    sink &+= route.exposedKey.utf8.count
                }
            }
        }
    }
    precondition(sink > 0)
    return samples
}
report("lookup by name", lookups(table, version: nil), per: Double(Catalog.names.count))
report("lookup by name, pinned 2.0", lookups(table, version: "2.0"), per: Double(Catalog.names.count))
report("lookup by name, pinned v2 (parsed)", lookups(table, version: "v2"), per: Double(Catalog.names.count))
