// The CPU one small stdio request costs inside the server, without the pipes: what the reading thread does for
// each `tools/call` of a typed function (scan the envelope, route, call through libffi, render the reply), and
// its parts. Best of several runs of many requests each, release build.
//   swift build -c release --product calculator      (at the repository root), then here:
//   swift run -c release RequestPath ../.build/release/libcalculator.so
import Foundation
import PlugboardCore
import PlugboardJSON
import PlugboardLoader
import PlugboardMCP

let library = CommandLine.arguments.dropFirst().first ?? "../.build/release/libcalculator.so"
let iterations = 200_000
let runs = 7

func nanosecondsPerRequest(_ body: () -> Int) -> Double {
    var best = Double.infinity
    var sink = 0
    for _ in 0..<runs {
        let start = ContinuousClock.now
        sink &+= body()
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        best = min(best, (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations))
    }
    if sink == 42 { print("") }  // keeps the work observable
    return best
}

let provider: NativeProvider
do {
    provider = try PluginLoader(cacheDirectory: NSTemporaryDirectory() + "plugboard-request-bench").load(file: library)
} catch {
    print("cannot load \(library): \(error)")
    exit(1)
}
let store = RoutingTableStore(root: MountNode(children: [MountNode(namespace: "math", providers: [provider])]),
                              surfaces: [Surface(name: "mcp", path: "/mcp")])
let server = MCPServer(store: store)
let session = MCPSession(surface: "mcp")
let line = Array(#"{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"math_add","arguments":{"a":1,"b":2}}}"#.utf8)
// The same call as a 2026-07-28 client sends it: no session, the envelope in every request's `_meta`.
let statelessLine = Array((#"{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"math_add","arguments":{"a":1,"b":2},"#
    + #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"#
    + #""io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1.0"}}}}"#).utf8)
let ping = Array(#"{"jsonrpc":"2.0","id":17,"method":"ping"}"#.utf8)
guard case .success(let message) = server.scan(line), case .answered(let reply?) = server.respondNow(to: message, session: session, policy: .evenIfSlow) else {
    print("the request was not answered at once")
    exit(1)
}
print("reply: " + String(decoding: reply, as: UTF8.self))

let scanNs = nanosecondsPerRequest {
    var total = 0
    for _ in 0..<iterations { if case .success(let message) = server.scan(line) { total &+= message.method.utf8.count } }
    return total
}
let pingNs = nanosecondsPerRequest {
    var total = 0
    for _ in 0..<iterations {
        if case .success(let message) = server.scan(ping), case .answered(let reply?) = server.respondNow(to: message, session: session, policy: .evenIfSlow) {
            total &+= reply.count
        }
    }
    return total
}
let callNs = nanosecondsPerRequest {
    var total = 0
    for _ in 0..<iterations {
        if case .success(let message) = server.scan(line), case .answered(let reply?) = server.respondNow(to: message, session: session, policy: .evenIfSlow) {
            total &+= reply.count
        }
    }
    return total
}
let statelessCallNs = nanosecondsPerRequest {
    var total = 0
    for _ in 0..<iterations {
        if case .success(let message) = server.scan(statelessLine),
           case .answered(let reply?) = server.respondNow(to: message, session: session, policy: .evenIfSlow) {
            total &+= reply.count
        }
    }
    return total
}
let arguments = RawJSON(trusted: Array(#"{"a":1,"b":2}"#.utf8))
let functionNs = nanosecondsPerRequest {
    var total = 0
    for _ in 0..<iterations { if case .success(let bytes) = provider.typedFunction(named: "add")!.call(arguments: arguments) { total &+= bytes.count } }
    return total
}
print(String(format: "scan the envelope            %7.0f ns", scanNs))
print(String(format: "ping: scan + answer          %7.0f ns", pingNs))
print(String(format: "tools/call: scan + answer    %7.0f ns", callNs))
print(String(format: "the same, 2026-07-28 era      %7.0f ns (the envelope in _meta, no session)", statelessCallNs))
print(String(format: "  of which the typed call    %7.0f ns (arguments, libffi, result)", functionNs))
