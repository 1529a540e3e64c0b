import Testing
@testable import TreasuryProtocol

@Suite struct JSONTests {
    @Test func integersBeyondDoublePrecisionSurviveARoundTrip() throws {
        let json = try JSON.parse(#"{"amount":1000000000000000001,"s":"a\u00e9\n"}"#)
        #expect(json.objectValue?["amount"]?.integerValue == 1_000_000_000_000_000_001)
        #expect(json.serialized() == #"{"amount":1000000000000000001,"s":"aé\n"}"#)
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParseError.self) { try JSON.parse([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]) }
    }

    @Test func rawControlCharactersAndNULInStringsAreRejected() {
        #expect(throws: JSONParseError.self) { try JSON.parse([0x22, 0x00, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSON.parse("\"a\tb\"") }
    }

    @Test func trailingDataAndDuplicateKeysAreRejected() {
        #expect(throws: JSONParseError.self) { try JSON.parse("{} {}") }
        #expect(throws: JSONParseError.self) { try JSON.parse(#"{"a":1,"a":2}"#) }
    }

    @Test func nestingBeyondTheLimitIsRejected() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError.self) { try JSON.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect((try? JSON.parse(ok)) != nil)
    }

    @Test func surrogatePairsDecodeAndLoneSurrogatesFail() throws {
        #expect(try JSON.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(throws: JSONParseError.self) { try JSON.parse(#""\ud83d""#) }
    }

    @Test func terminalLinesEchoTheIdAsSent() {
        let line = Line.terminal(id: .integer("7"), outcome: .result(JSON.object(["n": .integer(1)])))
        #expect(line == "{\"id\":7,\"result\":{\"n\":1}}\n")
        let error = Line.error(id: nil, CallError(.invalidArgument, "MALFORMED_FRAME", "bad"))
        #expect(error == "{\"id\":null,\"error\":{\"code\":\"INVALID_ARGUMENT\",\"reason\":\"MALFORMED_FRAME\",\"message\":\"bad\"}}\n")
    }
}
