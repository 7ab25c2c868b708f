import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// A 2026-07-28 request repeats its method and target in headers so that a proxy can route without parsing the
/// body. Plugboard refuses (-32020, HTTP 400) a request whose headers are missing, doubled, undecodable or
/// different from its body, naming the header, and compares names as the client sees them: namespaced.
@Suite struct RoutingHeaderTests {
    static let version = ["MCP-Protocol-Version": "2026-07-28"]

    static func call(_ name: String) -> String {
        #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\#(name)","arguments":{"a":2,"b":3},\#(statelessMeta())}}"#
    }

    static func refusal(_ reply: HTTPTestClient.Reply?) -> String? {
        guard reply?.status == 400, reply?.json?[path: "error", "code"] == .number("-32020") else { return nil }
        return reply?.json?[path: "error", "message"]?.stringValue
    }

    @Test func everyHeaderFaultIsRefusedWithItsHeaderNamed() async throws {
        let (server, client) = try await startHTTPServer()
        _ = server
        let good = Self.version.merging(["Mcp-Method": "tools/call", "Mcp-Name": "math_add"]) { $1 }
        #expect(client.post("/mcp", Self.call("math_add"), headers: good)?.json?[path: "result", "structuredContent", "result"]?.doubleValue == 5)

        var noName = good
        noName["Mcp-Name"] = nil
        #expect(Self.refusal(client.post("/mcp", Self.call("math_add"), headers: noName))
                == "the Mcp-Name header is missing; a 2026-07-28 request repeats its params.name in it")
        var noMethod = good
        noMethod["Mcp-Method"] = nil
        #expect(Self.refusal(client.post("/mcp", Self.call("math_add"), headers: noMethod))
                == "the Mcp-Method header is missing; a 2026-07-28 request repeats its method in it")

        // The provider's own name is not the name on this surface: the header carries the namespaced one.
        var unprefixed = good
        unprefixed["Mcp-Name"] = "add"
        #expect(Self.refusal(client.post("/mcp", Self.call("math_add"), headers: unprefixed))
                == "the Mcp-Name header 'add' does not match the body's params.name 'math_add'")

        // Header names are case-insensitive, so these two keys are two lines of one header.
        var doubled = good
        doubled["mcp-method"] = "tools/call"
        #expect(Self.refusal(client.post("/mcp", Self.call("math_add"), headers: doubled))
                == "the Mcp-Method header appears 2 times; send it once")

        #expect(client.post("/mcp", Self.call("math_add"), headers: good)?.status == 200, "the connection still serves")
    }

    @Test func namesTravelBase64EncodedAndOnlyCanonicalBase64Matches() async throws {
        let (server, client) = try await startHTTPServer()
        _ = server
        let encoded = "=?base64?\(Data("math_add".utf8).base64EncodedString())?="
        let headers = Self.version.merging(["Mcp-Method": "tools/call", "Mcp-Name": encoded]) { $1 }
        #expect(client.post("/mcp", Self.call("math_add"), headers: headers)?.status == 200)

        // "bWF0aF9hZGR=" decodes to the same bytes with nonzero padding bits: not what any encoder emits.
        for corrupt in ["=?base64?bWF0aF9hZGR=?=", "=?base64?not base64?="] {
            var bad = headers
            bad["Mcp-Name"] = corrupt
            #expect(Self.refusal(client.post("/mcp", Self.call("math_add"), headers: bad))
                    == "the Mcp-Name header '\(corrupt)' is not valid =?base64?…?= (canonical base64 of UTF-8)")
        }

        // A namespaced resource URI is compared whole.
        let read = #"{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"notes://notes/index",\#(statelessMeta())}}"#
        let readHeaders = Self.version.merging(["Mcp-Method": "resources/read"]) { $1 }
        #expect(client.post("/mcp", read, headers: readHeaders.merging(["Mcp-Name": "notes://notes/index"]) { $1 })?.status == 200)
        #expect(Self.refusal(client.post("/mcp", read, headers: readHeaders.merging(["Mcp-Name": "notes://index"]) { $1 }))
                == "the Mcp-Name header 'notes://index' does not match the body's params.uri 'notes://notes/index'")
    }
}
