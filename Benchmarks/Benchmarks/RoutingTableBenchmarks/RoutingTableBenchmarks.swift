import Benchmark
import BenchmarkCatalog
import PlugboardCore

// Bars (release build): compile < 20 ms; lookup < 300 ns median.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal], warmupIterations: 3, maxDuration: .seconds(3))
    let root: MountNode
    do {
        root = try Catalog.root()
    } catch {
        fatalError("catalog: \(error)")
    }

    Benchmark("Compile 10k components (3 levels, 2 filters)", configuration: .init(timeUnits: .microseconds)) {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(RoutingTable.compile(root: root, surface: Catalog.surface))
        }
    }

    let table = RoutingTable.compile(root: root, surface: Catalog.surface)
    precondition(table.entries(.tool).count == 7_500, "the filters should leave 7,500 routable tools")

    Benchmark("Lookup by name", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole(table.route(.tool, Catalog.names[i % 1000], version: nil))
        }
    }

    Benchmark("Lookup by name, pinned version", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) {
        benchmark in
        for i in benchmark.scaledIterations {
            blackHole(table.route(.tool, Catalog.names[i % 1000], version: "2.0"))
        }
    }

    Benchmark("Lookup by name, pinned v-spelling (parsed)", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) {
        benchmark in
        for i in benchmark.scaledIterations {
            blackHole(table.route(.tool, Catalog.names[i % 1000], version: "v2"))
        }
    }

    Benchmark("List page (pre-rendered)", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(table.page(.tool, cursor: "page-3"))
        }
    }
}
