import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryProtocol
@testable import TreasuryService

/// RecordCollections batches beyond the server's limit wait their turn in the server, in
/// arrival order, not in the database; one whose deadline passes while it waits ends having
/// done nothing.
@Suite struct BatchAdmissionTests {
    @Test func batchesBeyondTheLimitQueueInTheServerAndACancelledOneLeavesTheQueueHavingDoneNothing() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        var configuration = TestEnvironment.serviceConfiguration()
        configuration.batchConcurrency = 1
        let service = TreasuryService(pool: environment.pool, configuration: configuration, logger: environment.logger)
        let gate = try #require(service.core.collectionBatches)
        let port = try await TestEnvironment.startServer(service, logger: environment.logger)
        let token = revenue.ownBankUser.token

        func batch(_ refs: [String]) -> JSONObject {
            ["collections": .array(refs.map { .object(revenue.collection(50_000, ref: $0, bank: revenue.ownBank)) })]
        }
        func send(_ refs: [String], deadlineMs: Int = 120_000) async throws -> CallResponse {
            let session = Session(connection: try await environment.client(port: port), token: token)
            defer { Task { await session.connection.close() } }
            return try await session.mutate("treasury.v1.Revenue/RecordCollections", batch(refs), deadlineMs: deadlineMs)
        }
        let refsA = (0..<3).map { "BA-A-\($0)-\(UUID().uuidString)" }
        let refsB = (0..<3).map { "BA-B-\($0)-\(UUID().uuidString)" }
        let refsC = (0..<3).map { "BA-C-\($0)-\(UUID().uuidString)" }

        // Hold batch A inside the database: its foreign key check locks this test's own bank row
        // FOR KEY SHARE, which waits for this FOR UPDATE.
        let blocker = try RowBlocker(environment, bank: revenue.ownBank)

        async let a = send(refsA)
        try await waitUntil("batch A waits on the bank row") { try blocker.blockedBackends() == 1 }
        async let b = send(refsB)
        try await waitUntil("batch B waits for its turn") { gate.waiting == 1 }
        // C waits behind B, and its deadline passes while it waits: it leaves the queue.
        let c = try await send(refsC, deadlineMs: 400)
        #expect(c.code == "DEADLINE_EXCEEDED", "\(c.terminalLine)")
        #expect(gate.waiting == 1)
        // Only A is in the database; B and C never reached it.
        #expect(try blocker.blockedBackends() == 1)

        try blocker.release()
        let (resultA, resultB) = try await (a, b)
        for response in [resultA, resultB] {
            #expect(response.error == nil, "\(response.terminalLine)")
            let results = response.object["results"]?.arrayValue ?? []
            #expect(results.count == 3 && results.allSatisfy { $0.objectValue?["error"] == nil }, "\(response.terminalLine)")
        }
        #expect(gate.waiting == 0)
        let database = try environment.database()
        let counts = try database.query(
            """
            SELECT count(*) FILTER (WHERE bank_ref = ANY($2::text[])) AS ab, count(*) FILTER (WHERE bank_ref = ANY($3::text[])) AS c
            FROM collections WHERE bank_code = $1
            """, [revenue.ownBank, refsA + refsB, refsC]).first!
        #expect(try counts.decode(Int64.self, "ab") == 6)
        #expect(try counts.decode(Int64.self, "c") == 0, "the batch cancelled while queued recorded nothing")
    }
}
