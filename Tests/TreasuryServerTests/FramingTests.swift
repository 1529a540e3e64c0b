import Testing
import TreasuryClient
import TreasuryProtocol
@testable import TreasuryServer

@Suite("Framing")
struct FramingTests {
    @Test func requestSentByteByByteIsReassembledIntoOneCall() async throws {
        try await withServer { server in
            let connection = try await server.raw()
            for byte in Array(#"{"id":1,"method":"test.v1.Echo/Echo","params":{"a":"b"}}"#.utf8) + [0x0A] {
                try await connection.send([byte])
            }
            #expect(try await connection.readLine() == #"{"id":1,"result":{"a":"b"}}"#)
            await connection.close()
        }
    }

    @Test func threeRequestsInOneWriteAreAllAnswered() async throws {
        try await withServer { server in
            let connection = try await server.raw()
            try await connection.send(
                #"{"id":"a","method":"test.v1.Echo/Echo"}"# + "\n" + #"{"id":"b","method":"test.v1.Echo/Echo"}"# + "\n"
                    + #"{"id":"c","method":"test.v1.Echo/Echo"}"# + "\n")
            var lines: Set<String> = []
            for _ in 0..<3 { lines.insert(try #require(try await connection.readLine())) }
            #expect(lines == [#"{"id":"a","result":{}}"#, #"{"id":"b","result":{}}"#, #"{"id":"c","result":{}}"#])
            await connection.close()
        }
    }

    @Test func crlfLineEndingIsStripped() async throws {
        try await withServer { server in
            let connection = try await server.raw()
            try await connection.send(#"{"id":2,"method":"test.v1.Echo/Echo","params":{"x":1}}"# + "\r\n")
            #expect(try await connection.readLine() == #"{"id":2,"result":{"x":1}}"#)
            await connection.close()
        }
    }

    @Test func emptyAndWhitespaceOnlyLinesAreIgnored() async throws {
        try await withServer { server in
            let connection = try await server.raw()
            try await connection.send("\n\r\n   \n\t \r\n" + #"{"id":3,"method":"test.v1.Echo/Echo"}"# + "\n")
            #expect(try await connection.readLine() == #"{"id":3,"result":{}}"#)
            await connection.close()
        }
    }

    @Test func lastLineWithoutNewlineBeforeHalfCloseIsStillAnswered() async throws {
        try await withServer { server in
            let connection = try await server.raw()
            try await connection.send(#"{"id":4,"method":"test.v1.Echo/Sleep","params":{"ms":50}}"#)
            try await connection.shutdownWrite()
            #expect(try await connection.readLine() == #"{"id":4,"result":{"slept_ms":50}}"#)
            #expect(try await connection.readLine() == nil)
            await connection.close()
        }
    }

    @Test func oversizeLineGetsLineTooLongBeforeTheCloseWithoutResetAndServerStaysUp() async throws {
        try await withServer({ $0.maximumLineBytes = 64 * 1024 }) { server in
            let connection = try await server.raw()
            try await connection.send(#"{"id":"slow","method":"test.v1.Echo/Sleep","params":{"ms":5000}}"# + "\n")
            // Much more than the limit, still being sent while the server gives up on it.
            try await connection.send([UInt8](repeating: UInt8(ascii: "a"), count: 1024 * 1024))
            let terminalOrFatal = try #require(try await readObject(connection))
            var fatal = terminalOrFatal
            if terminalOrFatal["id"] != .null {
                // The cancelled call may answer before the fatal line is written.
                #expect(terminalOrFatal.errorCode == "CANCELLED")
                fatal = try #require(try await readObject(connection))
            }
            #expect(fatal["id"] == .null)
            #expect(fatal.errorCode == "RESOURCE_EXHAUSTED")
            #expect(fatal.errorReason == "LINE_TOO_LONG")
            var next = try await connection.readLine()
            if let line = next, line.contains("CANCELLED") { next = try await connection.readLine() }
            #expect(next == nil)
            await connection.close()

            let other = try await server.client()
            let response = try await other.call("test.v1.Echo/Echo", params: ["still": .bool(true)])
            #expect(response.result == .object(["still": .bool(true)]))
            await other.close()
        }
    }

    @Test func lineJustUnderTheLimitIsAccepted() async throws {
        try await withServer({ $0.maximumLineBytes = 1024 }) { server in
            let connection = try await server.raw()
            let prefix = #"{"id":5,"method":"test.v1.Echo/Echo","params":{"p":""#
            let suffix = #""}}"#
            let padding = String(repeating: "z", count: 1024 - prefix.utf8.count - suffix.utf8.count)
            try await connection.send(prefix + padding + suffix + "\r\n")
            let answer = try #require(try await readObject(connection))
            #expect(answer["result"]?.objectValue?["p"]?.stringValue == padding)
            await connection.close()
        }
    }

    @Test func invalidUTF8IsMalformedFrameAndTheConnectionStaysUsable() async throws {
        try await withServer { server in
            let connection = try await server.raw()
            try await connection.send(Array(#"{"id":1,"method":"test.v1.Echo/Echo","params":{"s":""#.utf8) + [0xC3, 0x28] + Array("\"}}\n".utf8))
            let answer = try #require(try await readObject(connection))
            #expect(answer["id"] == .null)
            #expect(answer.errorCode == "INVALID_ARGUMENT")
            #expect(answer.errorReason == "MALFORMED_FRAME")
            try await connection.send(#"{"id":2,"method":"test.v1.Echo/Echo"}"# + "\n")
            #expect(try await connection.readLine() == #"{"id":2,"result":{}}"#)
            await connection.close()
        }
    }

    @Test func nulBytesAreMalformedFrame() async throws {
        try await withServer { server in
            let connection = try await server.raw()
            try await connection.send(Array(#"{"id":1,"#.utf8) + [0x00] + Array(#""method":"test.v1.Echo/Echo"}"#.utf8) + [0x0A])
            try await connection.send(Array(#"{"id":1,"method":"test.v1.Echo/Echo","params":{"s":"a"#.utf8) + [0x00] + Array("\"}}\n".utf8))
            for _ in 0..<2 {
                let answer = try #require(try await readObject(connection))
                #expect(answer["id"] == .null)
                #expect(answer.errorReason == "MALFORMED_FRAME")
            }
            await connection.close()
        }
    }

    @Test(arguments: ["not json", "[1,2,3]", "\"a string\"", "42", "null", "{\"id\":1", "{\"id\":1}}"])
    func nonObjectLinesAreMalformedFrameWithNullID(line: String) async throws {
        try await withServer { server in
            let connection = try await server.raw()
            try await connection.send(line + "\n")
            let answer = try #require(try await readObject(connection))
            #expect(answer["id"] == .null)
            #expect(answer.errorCode == "INVALID_ARGUMENT")
            #expect(answer.errorReason == "MALFORMED_FRAME")
            await connection.close()
        }
    }

    @Test func randomGarbageNeverBreaksTheServerAndALaterConnectionWorks() async throws {
        try await withServer({ $0.maximumLineBytes = 16 * 1024 }) { server in
            var generator = SystemRandomNumberGenerator()
            for round in 0..<8 {
                let connection = try await server.raw()
                for _ in 0..<400 {
                    let length = Int.random(in: 1...512, using: &generator)
                    var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                    if round % 2 == 0 {
                        // Mostly JSON-ish garbage, to get past the first byte of the parser.
                        let alphabet = Array(#"{}[]":,01-9.eEtrufalsn\ "idmethod"#.utf8) + [0x0A, 0x0D, 0x00, 0xC3, 0xFF]
                        bytes = bytes.map { alphabet[Int($0) % alphabet.count] }
                    }
                    try? await connection.send(bytes)
                }
                await connection.close()
            }
            let client = try await server.client()
            let response = try await client.call("test.v1.Echo/Echo", params: ["ok": .bool(true)])
            #expect(response.result == .object(["ok": .bool(true)]))
            await client.close()
        }
    }
}

@Suite("Line decoder")
struct LineFrameDecoderTests {
    @Test func requestParserIgnoresWhitespaceAndCapsTheDeadline() {
        let parser = RequestParser(defaultDeadline: .seconds(30), maximumDeadline: .seconds(300))
        #expect(parser.parse(Array(" \t\r".utf8), hasMethod: { _ in true }, isInFlight: { _ in false }) == .ignore)
        let frame = parser.parse(
            Array(#"{"id":"x","method":"m","deadline_ms":99999999999999}"#.utf8), hasMethod: { _ in true }, isInFlight: { _ in false })
        guard case .call(let request) = frame else {
            Issue.record("expected a call, got \(frame)")
            return
        }
        #expect(request.timeout == .seconds(300))
    }
}
