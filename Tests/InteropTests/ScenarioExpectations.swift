import Foundation
import PlugboardJSON
import Testing

/// What a client must observe from `plugboard serve`, derived from the bundled providers and SEMANTICS.md (never copied
/// from an output). Each check names the rule it comes from.
enum ScenarioExpectations {
    // The bundled providers mounted as math / notes / hello; exposed names per SEMANTICS.md "Mounting".
    static let tools: Set = ["math_calculate", "math_add", "notes_add_note", "notes_reindex", "hello_greet"]
    static let prompts: Set = ["notes_summarize"]
    static let resources: Set = ["notes://notes/index"]
    static let templates: Set = ["notes://notes/note/{id}"]
    /// Identities registered in versions "1.0" and "2.0"; the others are unversioned.
    static let versionedTools: Set = ["math_calculate", "hello_greet"]
    static let missingVersion = "9.9"  // what the scenario asks for; no provider has it
    static let invalidParams = -32602

    static func check(_ o: JSONValue, _ run: PythonClientRun) {
        checkEra(o, run)
        checkListings(o)
        checkCalls(o)
        checkErrors(o)
        checkReads(o)
        checkPrompts(o)
        checkProgressAndCancel(o)
        if run.transport == .http { checkSurfaces(o) }
    }

    /// The handshake era for `mcp` and fastmcp "legacy", 2026-07-28 for fastmcp "auto" (it
    /// falls back to the handshake only when the server is not a modern peer, which Plugboard must be).
    static func checkEra(_ o: JSONValue, _ run: PythonClientRun) {
        let expected = run.client == .fastmcpAuto ? "2026-07-28" : "2025-11-25"
        #expect(o["protocolVersion"]?.stringValue == expected, "negotiated protocol version")
    }

    /// SEMANTICS.md "Listing": one entry per identity, the highest version shown, `versions` highest first,
    /// unversioned entries without version keys, `tags` a list on every entry.
    static func checkListings(_ o: JSONValue) {
        #expect(Set(o["tools"]?.objectValue?.keys ?? []) == tools)
        #expect(Set(o["prompts"]?.objectValue?.keys ?? []) == prompts)
        #expect(Set(o["resources"]?.objectValue?.keys ?? []) == resources)
        #expect(Set(o["templates"]?.objectValue?.keys ?? []) == templates)
        let versioned: [(kind: String, identity: String)] =
            versionedTools.map { ("tools", $0) } + [("prompts", "notes_summarize"), ("templates", "notes://notes/note/{id}")]
        for (kind, identity) in versioned {
            let entry = o[kind, identity]
            #expect(entry?["version"]?.stringValue == "2.0", "\(kind) \(identity): the highest version is listed")
            #expect(entry?["versions"]?.strings == ["2.0", "1.0"], "\(kind) \(identity): versions, highest first")
        }
        for identity in tools.subtracting(versionedTools) {
            #expect(o["tools", identity, "version"]?.isNull != false, "\(identity) is unversioned: no version key")
            #expect(o["tools", identity, "versions"]?.isNull != false, "\(identity) is unversioned: no versions key")
        }
        #expect(o["resources", "notes://notes/index", "version"]?.isNull != false)
        for kind in ["tools", "prompts", "resources", "templates"] {
            for (identity, entry) in o[kind]?.objectValue?.members ?? [] {
                #expect(entry["tags"]?.strings != nil, "\(kind) \(identity): _meta.fastmcp.tags is a list")
            }
        }
        // calculate 2.0 adds `precision` to 1.0's a, b, op; the listing shows 2.0's schema.
        #expect(Set(o["calculateProperties"]?.strings ?? []) == ["a", "b", "op", "precision"])
        // SEMANTICS.md "Listing": calculate and greet 1.0 declare no output schema, so their listing declares none
        // (a client would check a pinned 1.0 result against 2.0's); add is one version with a schema of its own.
        for identity in versionedTools {
            #expect(o["tools", identity, "outputSchema"]?.isNull != false, "\(identity) lists no output schema")
        }
        #expect(o["tools", "math_add", "outputSchema", "type"]?.stringValue == "object", "add's own output schema is listed")
        // The calculator registers an icon (ABI 1.2); it reaches the client's own Icon model intact.
        let icon = o["tools", "math_calculate", "icons"]?.arrayValue?.first
        #expect(icon?["src"]?.stringValue?.hasPrefix("data:image/svg+xml;base64,") == true, "calculate's icon: \(String(describing: icon))")
        #expect(icon?["mimeType"]?.stringValue == "image/svg+xml" && icon?["sizes"]?.strings == ["any"])
        #expect(o["tools", "math_add", "icons"]?.isNull != false, "add registers no icon and lists none")
    }

    /// Calls pinned below the listed version (calculate 1.0 and greet 1.0 answer text only; their 2.0 declare an
    /// output schema), which the server also answers through the client's plain request path.
    static let pinnedBelowListed = ["calculatePinned1", "calculatePinnedV1Spelling", "greetPinned1"]

    /// SEMANTICS.md "Requesting a version": unpinned runs the highest, a pin runs that version (order equality,
    /// so "v1" selects 1.0), an unversioned component answers whatever is asked. Every pinned call succeeds
    /// through the client's own call path, which checks results against the output schema it cached from the
    /// listing (SEMANTICS.md "Listing": the listed schema holds for every version the listing offers).
    static func checkCalls(_ o: JSONValue) {
        let calls = o["calls"]
        for (name, call) in calls?.objectValue?.members ?? [] {
            #expect(call["isError"]?.boolValue == false, "\(name) succeeds through the client: \(call.text)")
        }
        // What the server answered to the pinned calls (through the client's plain request path).
        let server = o["unvalidatedCalls"]
        expectNumber(calls?["calculateLatest"], 0.33, "1/3 at 2.0 with precision 2")
        expectNumber(calls?["calculatePinned2"], 0.33, "1/3 pinned to 2.0 with precision 2")
        // 1.0 has no precision: not rounded to two digits.
        expectNumber(calls?["calculatePinned1"], 1.0 / 3.0, "1/3 pinned to 1.0", tolerance: 1e-4)
        if let pinned1 = calls?["calculatePinned1"]?.resultNumber {
            #expect(abs(pinned1 - 0.33) > 1e-3, "1.0 does not round like 2.0 (got \(pinned1))")
        }
        expectNumber(calls?["calculatePinnedV1Spelling"], 18, "6*3 pinned as \"v1\" (= 1.0)")
        expectNumber(calls?["addUnversioned"], 5, "typed add(2, 3)")
        expectNumber(calls?["addWithVersion"], 5, "unversioned add answers a pinned call")
        // greet 1.0 and 2.0 are two implementations: pinning 1.0 gives a different answer than the default 2.0,
        // and pinning 2.0 the default's.
        let latest = calls?["greetLatest", "text"]?.stringValue
        let pinned = calls?["greetPinned1", "text"]?.stringValue
        #expect(latest != nil && pinned != nil && latest != pinned, "greet 2.0 (\(latest ?? "nil")) vs 1.0 (\(pinned ?? "nil"))")
        #expect(calls?["greetPinned2"] == calls?["greetLatest"], "greet pinned to 2.0 answers as the default 2.0")
        #expect(calls?["greetPinned2", "structuredContent", "greeting"]?.stringValue != nil,
                "greet 2.0 returns the structured content its schema declares: \(calls?["greetPinned2"]?.text ?? "nil")")
        for key in pinnedBelowListed {
            let viaClient = calls?[key]?.text ?? "nil", fromServer = server?[key]?.text ?? "nil"
            #expect(calls?[key] == server?[key], "\(key) through the client's call path: \(viaClient); the server: \(fromServer)")
        }
    }

    /// Division by zero is a tool error (`isError`). SEMANTICS.md: a missing version is -32602 naming the
    /// component, the version asked for and the available ones; a non-string version is -32602. MCP: an unknown
    /// tool is a protocol error.
    static func checkErrors(_ o: JSONValue) {
        let errors = o["errors"]
        #expect(errors?["divisionByZero", "isError"]?.boolValue == true, "division by zero: \(errors?["divisionByZero"]?.text ?? "nil")")
        expectVersionError(errors?["missingToolVersion"], naming: "math_calculate")
        expectVersionError(errors?["missingPromptVersion"], naming: "notes_summarize")
        expectVersionError(o["reads", "noteMissingVersion"], naming: nil)
        #expect(errors?["nonStringVersion", "error", "code"]?.int64Value == Int64(invalidParams),
                "non-string _meta.fastmcp.version: \(errors?["nonStringVersion"]?.text ?? "nil")")
        #expect(errors?["unknownTool", "error", "code"]?.int64Value == Int64(invalidParams),
                "unknown tool is a protocol error: \(errors?["unknownTool"]?.text ?? "nil")")
    }

    static func expectVersionError(_ observed: JSONValue?, naming component: String?,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        let error = observed?["error"]
        #expect(error?["code"]?.int64Value == Int64(invalidParams), "-32602: \(observed?.text ?? "nil")",
                sourceLocation: sourceLocation)
        let message = error?["message"]?.stringValue ?? ""
        for needle in [missingVersion, "1.0", "2.0"] + (component.map { [$0] } ?? []) {
            #expect(message.contains(needle), "the message names \(needle): \(message)", sourceLocation: sourceLocation)
        }
    }

    /// Notes: the index resource; the template at 1.0 is plain text, at 2.0 JSON with title, body, tags;
    /// unpinned reads 2.0.
    static func checkReads(_ o: JSONValue) {
        let reads = o["reads"]
        #expect(reads?["addNote", "isError"]?.boolValue == false, "add_note: \(reads?["addNote"]?.text ?? "nil")")
        let noteURI = reads?["noteUri"]?.stringValue ?? ""
        #expect(noteURI.hasPrefix("notes://notes/note/") && noteURI.count > "notes://notes/note/".count)
        #expect(firstText(reads?["index"]) != nil, "notes://notes/index has text: \(reads?["index"]?.text ?? "nil")")
        expectNamespacedURI(reads?["index"], "notes://notes/index")
        let body = reads?["addNoteArguments", "body"]?.stringValue
        let v1 = firstText(reads?["notePinned1"])
        #expect(v1 != nil && (try? JSONParser.parse(v1 ?? ""))?.objectValue == nil, "1.0 is plain text: \(v1 ?? "nil")")
        if let body { #expect(v1?.contains(body) == true, "1.0 shows the note's body") }
        for key in ["notePinned2", "noteLatest"] {
            let text = firstText(reads?[key]) ?? ""
            let note = try? JSONParser.parse(text)
            let keys = Set(note?.objectValue?.keys ?? [])
            #expect(keys.isSuperset(of: ["title", "body", "tags"]), "\(key) is 2.0 JSON: \(text)")
            if let body { #expect(note?["body"]?.stringValue == body, "\(key) carries the body add_note stored") }
            expectNamespacedURI(reads?[key], noteURI)
        }
    }

    /// The contents of a read carry the URI the client read (the namespaced one, SEMANTICS.md "Mounting").
    static func expectNamespacedURI(_ read: JSONValue?, _ expected: String,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        let uri = read?["contents"]?.arrayValue?.first?["uri"]?.stringValue
        #expect(uri == expected, "contents[0].uri of a read of \(expected)", sourceLocation: sourceLocation)
    }

    /// Prompt `summarize` (of a stored note) in 1.0 and 2.0: two implementations; both carry the note's body.
    static func checkPrompts(_ o: JSONValue) {
        let latest = promptText(o["promptGets", "summarizeLatest"])
        let pinned = promptText(o["promptGets", "summarizePinned1"])
        let body = o["reads", "addNoteArguments", "body"]?.stringValue ?? "?"
        #expect(latest.contains(body), "summarize (2.0) shows the note: \(o["promptGets", "summarizeLatest"]?.text ?? "nil")")
        #expect(pinned.contains(body), "summarize 1.0 shows the note: \(o["promptGets", "summarizePinned1"]?.text ?? "nil")")
        #expect(latest != pinned, "summarize 2.0 and 1.0 differ")
        #expect(promptText(o["promptGets", "summarizePinned2"]) == latest, "summarize pinned to 2.0 is the default 2.0")
    }

    /// Progress notifications for a request with a progressToken; `notifications/cancelled` stops
    /// reindex early, and the session goes on.
    static func checkProgressAndCancel(_ o: JSONValue) {
        let events = o["progress", "events"]?.arrayValue ?? []
        let values = events.compactMap { $0.arrayValue?.first?.doubleValue }
        #expect(values.count >= 2, "reindex reports progress more than once: \(events.count) events")
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "progress increases: \(values)")
        #expect(o["progress", "result", "isError"]?.boolValue == false)
        let cancel = o["cancel"]
        #expect(cancel?["sawProgressBeforeCancel"]?.boolValue == true)
        #expect(cancel?["completedBeforeCancel"]?.boolValue == false, "reindex (~1 s) was still running when cancelled")
        #expect(cancel?["outcome"]?.stringValue == "cancelled")
        #expect((cancel?["secondsToSettle"]?.doubleValue ?? 99) < 1, "the client lets go of a cancelled call at once")
        expectNumber(cancel?["callAfterCancel"], 5, "the session answers after a cancel")
        #expect(cancel?["reindexAfterCancel", "isError"]?.boolValue == false, "reindex runs again after a cancel")
        // reindex is not REENTRANT, so calls to it are serialized: had the cancelled one run on to its end,
        // the second would wait ~0.9 s for it. The yardstick is the slower of two uncancelled runs, one before and
        // one right after, so a change in the machine's load between them does not count as a wait; and a slow
        // rerun is tried once more (scenario.py `cancel_run`), since a call that ran on would slow every attempt.
        let plain = max(o["progress", "seconds"]?.doubleValue ?? 0, cancel?["reindexPlainAfterSeconds"]?.doubleValue ?? 0)
        let again = cancel?["reindexAfterCancelSeconds"]?.doubleValue ?? 99
        #expect(again < plain + 0.6, "reindex after a cancel took \(again) s; an uncancelled one took \(plain) s")
    }

    /// SEMANTICS.md "Surfaces": /v1/mcp (version_lt 2.0) shows 1.0, /v2/mcp (version_gte 2.0) shows 2.0, and
    /// unversioned components pass both filters.
    static func checkSurfaces(_ o: JSONValue) {
        for (surface, version) in [("v1", "1.0"), ("v2", "2.0")] {
            let listing = o["surfaces", surface]
            #expect(Set(listing?.objectValue?.keys ?? []) == tools, "\(surface) lists every tool")
            for identity in versionedTools {
                #expect(listing?[identity, "version"]?.stringValue == version, "\(surface) \(identity)")
                #expect(listing?[identity, "versions"]?.strings == [version], "\(surface) \(identity) versions")
                // One version visible: its own output schema stands alone (1.0 declares none, 2.0 one).
                let schema = listing?[identity, "outputSchema"]
                if version == "1.0" {
                    #expect(schema?.isNull != false, "\(surface) \(identity): 1.0 declares no output schema")
                } else {
                    #expect(schema?["type"]?.stringValue == "object" && schema?["anyOf"] == nil,
                            "\(surface) \(identity): 2.0's own schema: \(schema?.text ?? "nil")")
                }
            }
        }
    }

    static func expectNumber(_ call: JSONValue?, _ expected: Double, _ what: String, tolerance: Double = 1e-9,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let got = call?.resultNumber
        #expect(got.map { abs($0 - expected) <= tolerance } == true, "\(what): expected \(expected), got \(call?.text ?? "nil")",
                sourceLocation: sourceLocation)
    }

    static func firstText(_ read: JSONValue?) -> String? {
        read?["contents"]?.arrayValue?.first?["text"]?.stringValue
    }

    static func promptText(_ get: JSONValue?) -> String {
        (get?["messages"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }
}
