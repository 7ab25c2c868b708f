import Foundation
import PlugboardJSON
import Testing

/// What an agent framework's MCP client must observe from `plugboard serve` (Tests/Interop/framework_scenario.py):
/// the same rules as ScenarioExpectations, applied to what such a framework gives an application — a tool's answer
/// (structured content, else text) instead of the wire result — and limited to what its API reaches.
enum FrameworkExpectations {
    static func check(_ o: JSONValue, _ run: PythonClientRun) {
        checkEra(o, run)
        checkListing(o)
        checkCalls(o)
        checkErrors(o)
        checkReads(o)
        checkPrompts(o)
    }

    /// langchain-mcp-adapters runs on mcp 1.x, whose newest protocol is the handshake era's 2025-11-25.
    /// pydantic-ai builds a fastmcp Client in its default mode, auto, which Plugboard (a modern peer) must answer
    /// in 2026-07-28 (as ScenarioExpectations.checkEra for fastmcp "auto").
    static func checkEra(_ o: JSONValue, _ run: PythonClientRun) {
        let expected = run.client == .pydanticAI ? "2026-07-28" : "2025-11-25"
        #expect(o["protocolVersion"]?.stringValue == expected, "negotiated protocol version")
    }

    /// SEMANTICS.md "Listing", as far as the framework's tool objects keep it: names, `_meta.fastmcp` version keys
    /// and the highest version's input schema (langchain's tools do not keep the output schema).
    static func checkListing(_ o: JSONValue) {
        #expect(Set(o["tools"]?.objectValue?.keys ?? []) == ScenarioExpectations.tools)
        for identity in ScenarioExpectations.versionedTools {
            #expect(o["tools", identity, "version"]?.stringValue == "2.0", "\(identity): the highest version is listed")
            #expect(o["tools", identity, "versions"]?.strings == ["2.0", "1.0"], "\(identity): versions, highest first")
        }
        for identity in ScenarioExpectations.tools.subtracting(ScenarioExpectations.versionedTools) {
            #expect(o["tools", identity, "version"]?.isNull != false, "\(identity) is unversioned: no version key")
        }
        #expect(Set(o["tools", "math_calculate", "properties"]?.strings ?? []) == ["a", "b", "op", "precision"])
    }

    /// SEMANTICS.md "Requesting a version": each version of calculate and greet answers as itself when pinned
    /// ("v1" selects 1.0), unpinned runs 2.0, and the unversioned add answers whatever is asked.
    static func checkCalls(_ o: JSONValue) {
        let calls = o["calls"]
        for (name, call) in calls?.objectValue?.members ?? [] {
            #expect(call["isError"]?.boolValue == false, "\(name) succeeds: \(call.text)")
        }
        expectAnswer(calls?["calculateLatest"], 0.33, "1/3 at 2.0 with precision 2")
        expectAnswer(calls?["calculatePinned2"], 0.33, "1/3 pinned to 2.0 with precision 2")
        expectAnswer(calls?["calculatePinned1"], 1.0 / 3.0, "1/3 pinned to 1.0", tolerance: 1e-4)
        if let pinned1 = answerNumber(calls?["calculatePinned1"]) {
            #expect(abs(pinned1 - 0.33) > 1e-3, "1.0 does not round like 2.0 (got \(pinned1))")
        }
        expectAnswer(calls?["calculatePinnedV1Spelling"], 18, "6*3 pinned as \"v1\" (= 1.0)")
        expectAnswer(calls?["addUnversioned"], 5, "typed add(2, 3)")
        expectAnswer(calls?["addWithVersion"], 5, "unversioned add answers a pinned call")
        let latest = calls?["greetLatest", "answer"], pinned1 = calls?["greetPinned1", "answer"]
        #expect(latest != nil && pinned1 != nil && latest != pinned1,
                "greet 2.0 (\(latest?.text ?? "nil")) vs 1.0 (\(pinned1?.text ?? "nil"))")
        #expect(calls?["greetPinned2"] == calls?["greetLatest"], "greet pinned to 2.0 answers as the default 2.0")
        #expect(calls?["greetPinned2", "answer", "greeting"]?.stringValue != nil,
                "greet 2.0 answers with the structured content its schema declares: \(latest?.text ?? "nil")")
        #expect(pinned1?.stringValue != nil, "greet 1.0 declares no output schema: its answer is text")
    }

    /// Division by zero is a tool error. SEMANTICS.md: a version nobody has is -32602 naming the
    /// component, the version asked for and the available ones, for tools, prompts and templates alike.
    static func checkErrors(_ o: JSONValue) {
        let errors = o["errors"]
        #expect(errors?["divisionByZero", "isError"]?.boolValue == true, "division by zero: \(errors?["divisionByZero"]?.text ?? "nil")")
        ScenarioExpectations.expectVersionError(errors?["missingToolVersion"], naming: "math_calculate")
        ScenarioExpectations.expectVersionError(errors?["missingPromptVersion"], naming: "notes_summarize")
        ScenarioExpectations.expectVersionError(o["reads", "noteMissingVersion"], naming: nil)
    }

    /// Notes: the template at 1.0 is plain text, at 2.0 (and unpinned) JSON with title, body and tags.
    static func checkReads(_ o: JSONValue) {
        let reads = o["reads"]
        #expect(reads?["addNote", "isError"]?.boolValue == false, "add_note: \(reads?["addNote"]?.text ?? "nil")")
        let noteURI = reads?["noteUri"]?.stringValue ?? ""
        #expect(noteURI.hasPrefix("notes://notes/note/") && noteURI.count > "notes://notes/note/".count,
                "add_note answered an id: \(reads?["addNote"]?.text ?? "nil")")
        #expect(reads?["index", "text"]?.stringValue?.isEmpty == false, "notes://notes/index has text")
        let body = reads?["addNoteArguments", "body"]?.stringValue
        let v1 = reads?["notePinned1", "text"]?.stringValue
        #expect(v1 != nil && (try? JSONParser.parse(v1 ?? ""))?.objectValue == nil, "1.0 is plain text: \(v1 ?? "nil")")
        if let body { #expect(v1?.contains(body) == true, "1.0 shows the note's body") }
        for key in ["notePinned1", "notePinned2", "noteLatest"] {
            #expect(reads?[key, "uri"]?.stringValue == noteURI, "\(key) reads \(noteURI)")
        }
        for key in ["notePinned2", "noteLatest"] {
            let text = reads?[key, "text"]?.stringValue ?? ""
            let note = try? JSONParser.parse(text)
            let keys = Set(note?.objectValue?.keys ?? [])
            #expect(keys.isSuperset(of: ["title", "body", "tags"]), "\(key) is 2.0 JSON: \(text)")
            if let body { #expect(note?["body"]?.stringValue == body, "\(key) carries the body add_note stored") }
        }
    }

    /// Prompt summarize in 1.0 and 2.0: two implementations, both showing the note's body; unpinned is 2.0.
    static func checkPrompts(_ o: JSONValue) {
        func text(_ key: String) -> String { (o["promptGets", key, "texts"]?.strings ?? []).joined(separator: "\n") }
        let body = o["reads", "addNoteArguments", "body"]?.stringValue ?? "?"
        #expect(text("summarizeLatest").contains(body), "summarize (2.0) shows the note: \(text("summarizeLatest"))")
        #expect(text("summarizePinned1").contains(body), "summarize 1.0 shows the note: \(text("summarizePinned1"))")
        #expect(text("summarizeLatest") != text("summarizePinned1"), "summarize 2.0 and 1.0 differ")
        #expect(text("summarizePinned2") == text("summarizeLatest"), "summarize pinned to 2.0 is the default 2.0")
    }

    /// The number a call answered: a bare number, a numeric text, or a structured object's `result` or only member
    /// (frameworks differ in whether they unwrap a lone `result`; the value is what matters).
    static func answerNumber(_ call: JSONValue?) -> Double? {
        guard let answer = call?["answer"] else { return nil }
        if let number = answer.doubleValue { return number }
        if let text = answer.stringValue { return Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if let number = answer["result"]?.doubleValue { return number }
        if let members = answer.objectValue?.members, members.count == 1 { return members[0].value.doubleValue }
        return nil
    }

    static func expectAnswer(_ call: JSONValue?, _ expected: Double, _ what: String, tolerance: Double = 1e-9,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let got = answerNumber(call)
        #expect(got.map { abs($0 - expected) <= tolerance } == true, "\(what): expected \(expected), got \(call?.text ?? "nil")",
                sourceLocation: sourceLocation)
    }
}
