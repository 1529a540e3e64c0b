import Foundation
import Testing
import TreasuryClient
import TreasuryProtocol

/// The line protocol's edges against the real server and service, with raw bytes.
@Suite struct FramingEndToEndTests {
    func raw() async throws -> RawLineConnection {
        let environment = try await TestEnvironment.get()
        return try await RawLineConnection.connect(host: "127.0.0.1", port: environment.port)
    }

    func object(_ line: String?) -> JSONObject { (line.flatMap { try? JSON.parse($0) })?.objectValue ?? [:] }
    func reason(_ line: String?) -> String? { object(line)["error"]?.objectValue?["reason"]?.stringValue }

    @Test func aRequestSplitIntoSingleBytesIsAnswered() async throws {
        let connection = try await raw()
        for byte in Array(#"{"id":1,"method":"grpc.health.v1.Health/Check"}"#.utf8) + [10] { try await connection.send([byte]) }
        let line = try await connection.readLine()
        #expect(object(line)["result"]?.objectValue?["status"] == .string("SERVING"))
        await connection.close()
    }

    @Test func mergedLinesWithCRLFAndEmptyLinesAreEachAnswered() async throws {
        let connection = try await raw()
        let request = { (id: Int) in #"{"id":\#(id),"method":"grpc.health.v1.Health/Check"}"# }
        try await connection.send(request(1) + "\r\n\n" + request(2) + "\r\n" + request(3) + "\n")
        var ids: Set<String> = []
        for _ in 0..<3 { ids.insert(object(try await connection.readLine())["id"]?.serialized() ?? "") }
        #expect(ids == ["1", "2", "3"])
        await connection.close()
    }

    @Test func invalidUTF8AndNULBytesAreMalformedFramesAndTheConnectionStaysUsable() async throws {
        let connection = try await raw()
        try await connection.send([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D, 0x0A])
        #expect(reason(try await connection.readLine()) == "MALFORMED_FRAME")
        try await connection.send([0x7B, 0x00, 0x7D, 0x0A])
        #expect(reason(try await connection.readLine()) == "MALFORMED_FRAME")
        try await connection.send(#"{"id":9,"method":"grpc.health.v1.Health/Check"}"# + "\n")
        #expect(object(try await connection.readLine())["id"] == .number("9"))
        await connection.close()
    }

    @Test func anOversizeLineGetsLineTooLongBeforeTheConnectionCloses() async throws {
        let connection = try await raw()
        try await connection.send([UInt8](repeating: UInt8(ascii: "a"), count: 4 * 1024 * 1024 + 10))
        let line = try await connection.readLine()
        #expect(object(line)["id"] == .null)
        #expect(reason(line) == "LINE_TOO_LONG")
        #expect(try await connection.readLine() == nil)
        await connection.close()
        let fresh = try await raw()
        try await fresh.send(#"{"id":1,"method":"grpc.health.v1.Health/Check"}"# + "\n")
        #expect(object(try await fresh.readLine())["result"] != nil)
        await fresh.close()
    }

    @Test func unknownMethodsParamsFieldsAndDuplicateIdsGetTheirCodes() async throws {
        let environment = try await TestEnvironment.get()
        let connection = try await raw()
        try await connection.send(#"{"id":"a","method":"treasury.v1.Nope/Nothing"}"# + "\n")
        let unknown = object(try await connection.readLine())
        #expect(unknown["error"]?.objectValue?["code"] == .string("UNIMPLEMENTED"))
        try await connection.send(#"{"id":"b","method":"treasury.v1.Accounts/Get","metadata":{"authorization":"Bearer \#(environment.adminToken)"},"params":{"account_no":"3711000001","acount":"x"}}"# + "\n")
        let field = object(try await connection.readLine())["error"]?.objectValue
        #expect(field?["reason"] == .string("UNKNOWN_FIELD"))
        #expect(field?["details"]?.objectValue?["field"] == .string("params.acount"))
        await connection.close()
    }
}
