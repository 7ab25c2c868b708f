import PlugboardJSON
import PlugboardMCP
import Testing

/// What a request's `_meta` says, read from the message's bytes without decoding the rest of it.
@Suite struct RequestContextTests {
    func context(_ meta: String) throws(RPCError) -> RequestContext {
        let line = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":"# + meta + "}}"
        guard let message = try? IncomingMessage.scan(Array(line.utf8), limits: .default) else {
            throw .invalidRequest("the test's message did not scan")
        }
        return try message.requestContext()
    }

    @Test func theEnvelopePinAndTokenAreReadAndEverythingElsePassesThroughAsSent() throws {
        let read = try context(#"{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"#
            + #""progressToken":7,"fastmcp":{"version":"1.0"},"trace\u0070arent":"00-ab","x":{"y": [1, 2.50]}}"#)
        #expect(read.statelessVersion == "2026-07-28")
        #expect(read.progressToken == .number("7"))
        #expect(read.pinnedVersion == "1.0")
        #expect(read.passThroughMeta.text == #"{"trace\u0070arent":"00-ab","x":{"y": [1, 2.50]}}"#)
    }

    @Test func escapedKeysAndValuesMeanWhatTheySay() throws {
        let read = try context(#"{"io.modelcontextprotocol\/protocolVersion":"2026-07-\u0032\u0038","#
            + #""io.modelcontextprotocol/clientCapabilities":{},"\u0066astmcp":{"versio\u006e":"2.\u0030"}}"#)
        #expect(read.statelessVersion == "2026-07-28")
        #expect(read.pinnedVersion == "2.0")
        #expect(read.passThroughMeta == .emptyObject)
    }

    @Test(arguments: [
        (#"{"progressToken":true}"#, "progressToken must be a string or a number"),
        (#"{"fastmcp":{"version":2}}"#, "fastmcp.version must be a string (got a number)"),
        (#"{"io.modelcontextprotocol/protocolVersion":1}"#, "must be a string"),
        (#"{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}"#, "missing the required envelope key"),
        (#"{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"#
            + #""io.modelcontextprotocol/logLevel":"loud"}"#, "must be one of"),
        (#"[1]"#, "params._meta must be an object"),
    ])
    func aMalformedMetaIsRefusedSayingWhichMember(meta: String, says: String) throws {
        do throws(RPCError) {
            _ = try context(meta)
            Issue.record("\(meta) was accepted")
        } catch {
            #expect(error.message.contains(says), "\(error.message)")
        }
    }

    @Test func anUnservedVersionIsRefusedWithTheSupportedList() throws {
        do throws(RPCError) {
            _ = try context(#"{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}"#)
            Issue.record("an unknown version was accepted")
        } catch {
            #expect(error.code == RPCError.unsupportedProtocolVersionCode)
        }
    }
}
