import PlugboardJSON
import Testing

@testable import PlugboardCore

@Suite struct URITemplateTests {
    func variables(_ template: String, _ uri: String) throws -> String? {
        try URITemplate(template).match(uri).map { RawJSON(.object(JSONObject($0))).text }
    }

    @Test(arguments: [
        ("users://{id}/info", "users://42/info", #"{"id":"42"}"#),
        ("users://{id}/info", "users://42/x/info", nil),
        ("users://{id}/info", "users:///info", nil),
        ("files://{path*}", "files://a/b/c.txt", #"{"path":"a/b/c.txt"}"#),
        ("files://{dir*}/{name}", "files://a/b/c.txt", #"{"dir":"a/b","name":"c.txt"}"#),
        ("files://{name}.{ext}", "files://report.final.pdf", #"{"name":"report.final","ext":"pdf"}"#),
        ("data://{a}/{b}", "data://x%2Fy/z%20w", #"{"a":"x/y","b":"z w"}"#),
        ("data://{a}", "data://caf%C3%A9", #"{"a":"café"}"#),
        ("data://{a}", "data://100%", #"{"a":"100%"}"#),
        ("data://{a}", "data://x#frag", #"{"a":"x"}"#),
        ("search://{q}{?limit,sort}", "search://cats?sort=asc&other=1&limit=5", #"{"q":"cats","limit":"5","sort":"asc"}"#),
        ("search://{q}{?limit}", "search://cats?limit=a+b&limit=2", #"{"q":"cats","limit":"a b"}"#),
        ("search://all{?tag*}", "search://all?tag=a&tag=b", #"{"tag":["a","b"]}"#),
        ("search://{q}{?limit}", "search://cats?limit=", #"{"q":"cats","limit":""}"#),
    ] as [(String, String, String?)])
    func matchExtractsVariables(template: String, uri: String, expected: String?) throws {
        #expect(try variables(template, uri) == expected)
    }

    @Test func variableNamesAndErrors() throws {
        #expect(try URITemplate("r://{a}/{b*}{?c,d*}").variableNames == ["a", "b", "c", "d"])
        #expect(throws: URITemplateError.unbalanced(template: "r://{a")) { try URITemplate("r://{a") }
        #expect(throws: URITemplateError.unbalanced(template: "r://a}")) { try URITemplate("r://a}") }
        #expect(throws: URITemplateError.unbalanced(template: "r://{{a}}")) { try URITemplate("r://{{a}}") }
        #expect(throws: URITemplateError.unsupportedOperator(template: "r://{#a}", expression: "{#a}")) { try URITemplate("r://{#a}") }
        #expect(throws: URITemplateError.badVariable(template: "r://{a b}", name: "a b")) { try URITemplate("r://{a b}") }
        #expect(throws: URITemplateError.duplicateVariable(template: "r://{a}{?a}", name: "a")) { try URITemplate("r://{a}{?a}") }
        #expect(throws: URITemplateError.noVariables(template: "r://a")) { try URITemplate("r://a") }
    }

    @Test func aLongHostileURIDoesNotStall() throws {
        // Matching is linear in the URI's length, whatever the template; several {x*} cannot make it explode.
        let uri = "files://" + String(repeating: "a/", count: 5_000) + "nope"
        let clock = ContinuousClock()
        var matched = true
        let elapsed = try clock.measure {
            matched = try URITemplate("files://{dir*}/{name}.txt").match(uri) != nil
                || URITemplate("files://{a*}/a/{b*}/{c*}/x").match(uri) != nil
        }
        #expect(!matched)
        #expect(elapsed < .seconds(1))
        let huge = "files://" + String(repeating: "a", count: URITemplate.maxMatchedLength)
        #expect(try URITemplate("files://{name}").match(huge) == nil)
        #expect(try URITemplate("files://{name}").match(String(huge.dropLast(8))) != nil)
    }
}
