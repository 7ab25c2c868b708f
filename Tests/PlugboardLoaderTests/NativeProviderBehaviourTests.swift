import PlugboardCore
import PlugboardJSON
import PlugboardLoader
import Synchronization
import Testing

/// The call machinery, through a good fixture provider: serialization, reentrancy, PENDING + complete from
/// another thread, argument bytes, and typed functions of every signature letter.
@Suite struct NativeProviderBehaviourTests {
    let provider: NativeProvider

    init() async throws {
        let file = try await TestSupport.fixture("behaviours", into: TestSupport.temporaryDirectory("behaviours"))
        provider = try TestSupport.loader().load(file: file)
    }

    /// Four concurrent calls of each; the handler reports the most calls it saw inside at once.
    func mostInsideAtOnce(_ tool: String) async throws -> Int {
        let provider = provider
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { Int(try await provider.callTool(tool)["structuredContent"]?["most"]?.int64Value ?? -1) }
            }
            return try await group.reduce(0) { max($0, $1) }
        }
    }

    @Test func nonReentrantCallsAreSerialized() async throws {
        #expect(try await mostInsideAtOnce("serial") == 1)
    }

    @Test func reentrantCallsOverlap() async throws {
        // Four calls of 100 ms each, on threads of their own: all four are inside together.
        #expect(try await mostInsideAtOnce("parallel") == 4)
    }

    @Test func pendingCompletedFromAnotherThread() async throws {
        let result = try await provider.callTool("later")
        #expect(result.firstText == "later")
    }

    @Test func firstAnswerCountsAndUseAfterCompleteIsIgnored() async throws {
        let logs = Mutex<[LogRecord]>([])
        let result = try await provider.callTool("sloppy", context: InvocationContext(log: { record in logs.withLock { $0.append(record) } }))
        #expect(result.firstText == "first")
        // The late calls came after `complete`: the pointer is no longer live, so nothing is forwarded.
        try await Task.sleep(for: .milliseconds(100))
        #expect(logs.withLock { $0 }.isEmpty)
        // And the host is still well: the provider answers the next call.
        #expect(try await provider.callTool("later").firstText == "later")
    }

    @Test func unknownHandlerStatusIsAnInternalError() async throws {
        #expect(try await provider.toolError("bad_status") == InvocationError(.internalError,
            "tool 'bad_status' of plugin 'behaviours' returned 7; handlers return PB_OK or PB_PENDING"))
    }

    @Test func argumentBytesArriveVerbatimWithTheirLength() async throws {
        let arguments = #"{"x": 1.50, "s": "caf\u00e9", "big": 123456789012345678901234567890}"#
        let result = try await provider.callTool("echo", arguments)
        #expect(result.firstText == String(arguments.utf8.count))
        // The plugin echoed the bytes it was given; numbers and escapes are as the client wrote them.
        let echoed = try #require(result["structuredContent"])
        #expect(echoed == (try JSONParser.parse(arguments)))
        #expect(echoed["big"]?.numberLiteral == "123456789012345678901234567890")
    }

    @Test func typedInt32() async throws {
        #expect(try await provider.callTool("negate", #"{"n":41}"#)["structuredContent"] == .object(["result": .number("-41")]))
        #expect(try await provider.toolError("negate", #"{"n":2147483648}"#) == InvocationError(.invalidArguments,
            "argument 'n' of 'negate' must be an integer from -2147483648 to 2147483647, got the number 2147483648"))
        #expect(try await provider.toolError("negate", #"{"n":1.5}"#) == InvocationError(.invalidArguments,
            "argument 'n' of 'negate' must be an integer from -2147483648 to 2147483647, got the number 1.5"))
    }

    @Test func typedInt64WithinTwoToThe53() async throws {
        // 2^52 doubled is exactly 2^53, the largest magnitude allowed.
        #expect(try await provider.callTool("twice", #"{"n":4503599627370496}"#).firstText == "9007199254740992")
        #expect(try await provider.toolError("twice", #"{"n":9007199254740993}"#) == InvocationError(.invalidArguments,
            "argument 'n' of 'twice' must be an integer from -2^53 to 2^53, got the number 9007199254740993"))
        // An argument in range whose result leaves the range is the function's failure.
        #expect(try await provider.toolError("twice", #"{"n":9007199254740992}"#) == InvocationError(.failed,
            "'twice' returned 18014398509481984, beyond ±2^53, which JSON numbers cannot carry exactly"))
    }

    @Test func typedBool() async throws {
        #expect(try await provider.callTool("both", #"{"a":true,"b":true}"#).firstText == "true")
        #expect(try await provider.callTool("both", #"{"a":true,"b":false}"#).firstText == "false")
        #expect(try await provider.toolError("both", #"{"a":1,"b":true}"#) == InvocationError(.invalidArguments,
            "argument 'a' of 'both' must be a boolean, got the number 1"))
    }

    @Test func typedString() async throws {
        // "café" is 5 bytes of UTF-8.
        #expect(try await provider.callTool("length", #"{"s":"caf\u00e9"}"#).firstText == "5")
        #expect(try await provider.toolError("length", #"{"s":"a\u0000b"}"#) == InvocationError(.invalidArguments,
            "argument 's' of 'length' must be a string without NUL characters, got a string containing NUL"))
    }

    @Test func typedVoidAndMissingAndExtra() async throws {
        let touched = try await provider.callTool("touch")
        #expect(touched == .object(["content": .array([])]))
        #expect(try await provider.callTool("touches").firstText == "1")
        #expect(try await provider.toolError("length", "{}") == InvocationError(.invalidArguments,
            "missing argument 's' (a string without NUL characters) of 'length'"))
        #expect(try await provider.toolError("length", #"{"s":"x","t":1}"#) == InvocationError(.invalidArguments,
            "unexpected argument 't'; 'length' takes s"))
        #expect(try await provider.toolError("touch", #"{"t":1}"#) == InvocationError(.invalidArguments,
            "unexpected argument 't'; 'touch' takes no arguments"))
    }

    @Test func typedSchemas() throws {
        let negate = try #require(provider.components.first { $0.key == "negate" })
        #expect(negate.inputSchema?.text == #"{"type":"object","properties":{"n":{"type":"integer","minimum":-2147483648,"maximum":2147483647}},"required":["n"],"additionalProperties":false}"#)
        let touch = try #require(provider.components.first { $0.key == "touch" })
        #expect(touch.outputSchema == nil)
    }
}

/// Typed-call argument shapes the fast scanner hands to the validating parser, and what both paths refuse.
@Suite struct TypedArgumentShapeTests {
    let provider: NativeProvider

    init() throws {
        provider = try TestSupport.loader().load(file: TestSupport.bundled("calculator"))
    }

    @Test func escapedKeysAndWhitespaceStillBind() async throws {
        // "\u0061" is "a": the fast scan gives up on escaped keys and the parser decodes them.
        let result = try await provider.callTool("add", "{ \"\\u0061\" : 1.5 ,\n \"b\":2 }")
        #expect(result.firstText == "3.5")
    }

    @Test func nestedValueIsTheWrongType() async throws {
        #expect(try await provider.toolError("add", #"{"a":{"x":1},"b":2}"#) == InvocationError(.invalidArguments,
            "argument 'a' of 'add' must be a number, got an object"))
    }

    @Test func notAnObject() async throws {
        #expect(try await provider.toolError("add", "[1,2]") == InvocationError(.invalidArguments,
            "arguments of 'add' must be a JSON object"))
    }

    @Test func repeatedKeyIsRefused() async throws {
        let error = try #require(try await provider.toolError("add", #"{"a":1,"a":2,"b":3}"#))
        #expect(error.kind == .invalidArguments)
        #expect(error.message == "argument 'a' of 'add' is given twice")
    }

    @Test func exponentIntegersAndNegativeZero() async throws {
        #expect(try await provider.callTool("add", #"{"a":1e2,"b":-0.5}"#).firstText == "99.5")
    }
}

/// Number arguments of typed functions read exactly as Swift's own `Double(String)` reads them, on the fast
/// decimal path and on the strtod fallback alike (a + 0 returns a unchanged).
@Suite struct TypedNumberReadingTests {
    @Test(arguments: ["0.1", "-12.375", "0.30000000000000004", "3", "-0", "1e2", "2.5E-3", "123456789.123456789",
                      "9007199254740993", "0.0000000000000000000000001", "1.7976931348623157e308", "4.9e-324"])
    func readsLikeSwift(_ literal: String) async throws {
        let provider = try TestSupport.loader().load(file: TestSupport.bundled("calculator"))
        let result = try await provider.callTool("add", #"{"a":\#(literal),"b":0}"#)
        let expected = try #require(Double(literal)) + 0
        let text = try #require(result.firstText)
        #expect(Double(text) == expected, "\(literal) read as \(text), expected \(expected)")
    }
}
