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

    @Test func serializationEscapesQuotesControlsAndLineSeparatorsAndCopiesTheRest() throws {
        let text = "q\"b\\s/\u{08}\u{0C}\n\r\t\u{01}\u{1F}\u{7F}\u{2028}\u{2029}\u{2027}đồng😀\"\u{301}"
        let serialized = JSON.object(["k\"ey": .string(text), "n": .null, "a": .array([.bool(true), .number("-1.5")])]).serialized()
        #expect(serialized == #"{"k\"ey":"q\"b\\s/\b\f\n\r\t\u0001\u001f\#u{7F}\u2028\u2029\#u{2027}đồng😀\"\#u{301}","n":null,"a":[true,-1.5]}"#)
        // What is written parses back to the same value: a JSON line is one line whatever the text.
        #expect(!serialized.contains("\n"))
        #expect(try JSON.parse(serialized).objectValue?["k\"ey"] == .string(text))
        #expect(JSON.string("").serialized() == #""""#)
    }

    @Test func terminalLinesEchoTheIdAsSent() {
        let line = Line.terminal(id: .integer("7"), outcome: .result(JSON.object(["n": .integer(1)])))
        #expect(line == "{\"id\":7,\"result\":{\"n\":1}}\n")
        let error = Line.error(id: nil, CallError(.invalidArgument, "MALFORMED_FRAME", "bad"))
        #expect(error == "{\"id\":null,\"error\":{\"code\":\"INVALID_ARGUMENT\",\"reason\":\"MALFORMED_FRAME\",\"message\":\"bad\"}}\n")
    }
}
