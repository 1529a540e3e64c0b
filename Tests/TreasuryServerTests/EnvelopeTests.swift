import Testing
import TreasuryClient
import TreasuryProtocol
@testable import TreasuryServer

@Suite("Envelope checks")
struct EnvelopeTests {
    /// Sends one line and returns the one answer.
    func answer(to line: String, on server: RunningServer) async throws -> JSONObject {
        let connection = try await server.raw()
        defer { Task { await connection.close() } }
        try await connection.send(line + "\n")
        return try #require(try await readObject(connection))
    }

    @Test(arguments: [
        #"{"method":"test.v1.Echo/Echo"}"#, #"{"id":null,"method":"test.v1.Echo/Echo"}"#,
        #"{"id":1.5,"method":"test.v1.Echo/Echo"}"#, #"{"id":true,"method":"test.v1.Echo/Echo"}"#,
        #"{"id":{},"method":"test.v1.Echo/Echo"}"#, #"{"id":[1],"method":"test.v1.Echo/Echo"}"#,
        #"{"id":1e3,"method":"test.v1.Echo/Echo"}"#,
    ])
    func missingOrInvalidIDIsAnsweredWithNullID(line: String) async throws {
        try await withServer { server in
            let answer = try await answer(to: line, on: server)
            #expect(answer["id"] == .null)
            #expect(answer.errorCode == "INVALID_ARGUMENT")
            #expect(answer.errorReason == "INVALID_CALL_ID")
            #expect(answer.errorField == "id")
        }
    }

    @Test func duplicateIDOfACallInFlightIsRejectedAndTheFirstCallStillAnswers() async throws {
        try await withServer { server in
            let connection = try await server.raw()
            try await connection.send(#"{"id":"dup","method":"test.v1.Echo/Sleep","params":{"ms":3000}}"# + "\n")
            try #require(try await server.callsRunning(1), "the first call is in flight")
            try await connection.send(#"{"id":"dup","method":"test.v1.Echo/Echo"}"# + "\n")
            let rejection = try #require(try await readObject(connection))
            #expect(rejection["id"] == .string("dup"))
            #expect(rejection.errorReason == "DUPLICATE_CALL_ID")
            #expect(try await connection.readLine() == #"{"id":"dup","result":{"slept_ms":3000}}"#)
            // Once finished, the id may be used again.
            try await connection.send(#"{"id":"dup","method":"test.v1.Echo/Echo"}"# + "\n")
            #expect(try await connection.readLine() == #"{"id":"dup","result":{}}"#)
            await connection.close()
        }
    }

    @Test func unknownMethodIsUnimplementedWithTheIDEchoed() async throws {
        try await withServer { server in
            let answer = try await answer(to: #"{"id":9,"method":"test.v1.Echo/Nope"}"#, on: server)
            #expect(answer["id"] == .number("9"))
            #expect(answer.errorCode == "UNIMPLEMENTED")
            #expect(answer.errorReason == "UNKNOWN_METHOD")
            #expect(answer["error"]?.objectValue?["message"]?.stringValue?.contains("test.v1.Echo/Nope") == true)
        }
    }

    @Test func unknownEnvelopeFieldIsRejectedNamingIt() async throws {
        try await withServer { server in
            let answer = try await answer(to: #"{"id":"u","method":"test.v1.Echo/Echo","parms":{}}"#, on: server)
            #expect(answer["id"] == .string("u"))
            #expect(answer.errorCode == "INVALID_ARGUMENT")
            #expect(answer.errorReason == "UNKNOWN_FIELD")
            #expect(answer.errorField == "parms")
        }
    }

    @Test(arguments: [
        (#"{"id":1}"#, "FIELD_REQUIRED", "method"),
        (#"{"id":1,"method":7}"#, "FIELD_INVALID", "method"),
        (#"{"id":1,"method":"test.v1.Echo/Echo","params":[]}"#, "FIELD_INVALID", "params"),
        (#"{"id":1,"method":"test.v1.Echo/Echo","params":"x"}"#, "FIELD_INVALID", "params"),
        (#"{"id":1,"method":"test.v1.Echo/Echo","metadata":"x"}"#, "FIELD_INVALID", "metadata"),
        (#"{"id":1,"method":"test.v1.Echo/Echo","metadata":{"Authorization":5}}"#, "FIELD_INVALID", "metadata.Authorization"),
        (#"{"id":1,"method":"test.v1.Echo/Echo","deadline_ms":"100"}"#, "FIELD_INVALID", "deadline_ms"),
        (#"{"id":1,"method":"test.v1.Echo/Echo","deadline_ms":0}"#, "FIELD_INVALID", "deadline_ms"),
        (#"{"id":1,"method":"test.v1.Echo/Echo","deadline_ms":-5}"#, "FIELD_INVALID", "deadline_ms"),
        (#"{"id":1,"method":"test.v1.Echo/Echo","deadline_ms":1.5}"#, "FIELD_INVALID", "deadline_ms"),
        (#"{"id":1,"cancel":false}"#, "FIELD_INVALID", "cancel"),
        (#"{"id":1,"cancel":"yes"}"#, "FIELD_INVALID", "cancel"),
    ])
    func illTypedEnvelopeFieldsAreInvalidArgumentNamingTheField(line: String, reason: String, field: String) async throws {
        try await withServer { server in
            let answer = try await answer(to: line, on: server)
            #expect(answer["id"] == .number("1"))
            #expect(answer.errorCode == "INVALID_ARGUMENT")
            #expect(answer.errorReason == reason)
            #expect(answer.errorField == field)
        }
    }

    @Test func metadataKeysReachTheDispatcherLowerCased() async throws {
        try await withServer { server in
            let client = try await server.client()
            let response = try await client.call("test.v1.Echo/Metadata", metadata: ["Authorization": "Bearer t", "X-Trace": "1"])
            #expect(response.result == .object(["authorization": .string("Bearer t"), "x-trace": .string("1")]))
            await client.close()
        }
    }

    @Test func dispatcherErrorsComeBackAsTheTerminalLine() async throws {
        try await withServer { server in
            let client = try await server.client()
            let response = try await client.call("test.v1.Echo/Fail", id: .string("f"))
            #expect(response.error?.code == .failedPrecondition)
            #expect(response.error?.reason == "TEST_FAILURE")
            #expect(response.terminalLine == #"{"id":"f","error":{"code":"FAILED_PRECONDITION","reason":"TEST_FAILURE","message":"failed on purpose","details":{"why":"test"}}}"#)
            await client.close()
        }
    }
}
