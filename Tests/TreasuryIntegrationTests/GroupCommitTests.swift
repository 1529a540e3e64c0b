import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryProtocol
@testable import TreasuryService

/// Group commit of bank-forwarded RecordCollection calls: concurrent calls share transactions,
/// yet each call answers, replays and is refused exactly as if it had run alone.
@Suite struct GroupCommitTests {
    /// Sends every call at once, each on its own connection, and returns the responses in order.
    static func concurrently(_ environment: TestEnvironment, token: String?, _ calls: [(params: JSONObject, key: String)]) async throws -> [CallResponse] {
        try await withThrowingTaskGroup(of: (Int, CallResponse).self) { group in
            for (index, call) in calls.enumerated() {
                group.addTask {
                    let session = Session(connection: try await environment.client(), token: token)
                    defer { Task { await session.connection.close() } }
                    return (index, try await session.mutate("treasury.v1.Revenue/RecordCollection", call.params, key: call.key, deadlineMs: 120_000))
                }
            }
            var responses = [CallResponse?](repeating: nil, count: calls.count)
            for try await (index, response) in group { responses[index] = response }
            return responses.map { $0! }
        }
    }

    @Test func concurrentCollectionsShareTransactionsButEachGetsItsOwnOutcomeAndReplay() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        let bank = revenue.ownBankUser
        var calls: [(params: JSONObject, key: String)] = []
        for index in 0..<40 {
            var params = revenue.collection(Int64(10_000 + index), bank: revenue.ownBank)
            switch index % 8 {
            case 3: params["treasury_code"] = .string("0999")     // unknown treasury: NOT_FOUND, stored
            case 5: params["amount"] = .string("0")               // refused amount
            default: break
            }
            calls.append((params, "gc-\(UUID().uuidString)"))
        }
        let before = try revenue.snapshot()
        let responses = try await Self.concurrently(environment, token: bank.token, calls)

        // Each call's answer is its own: the valid ones recorded with their own amount, the others refused.
        var recorded: [String] = []
        for (index, response) in responses.enumerated() {
            switch index % 8 {
            case 3:
                #expect(response.code == "NOT_FOUND" && response.reason == "TREASURY_NOT_FOUND", "\(response.terminalLine)")
            case 5:
                #expect(response.error != nil && response.code != "OK", "\(response.terminalLine)")
            default:
                #expect(response.error == nil, "\(response.terminalLine)")
                #expect(RevenueWorld.shares(response.object).values.reduce(0, +) == Int64(10_000 + index))
                #expect(response.object["replayed"] == .bool(false))
                recorded.append(response.string("collection_id") ?? "")
            }
        }
        #expect(Set(recorded).count == 30)

        let database = try environment.database()
        let rows = try database.query(
            """
            SELECT count(*) AS n, count(DISTINCT created_txid) AS transactions, count(DISTINCT entry_id) AS entries
            FROM collections WHERE id = ANY($1::text[]::bigint[])
            """, [recorded]).first
        #expect(try rows?.decode(Int64.self, "n") == 30)
        #expect(try rows?.decode(Int64.self, "entries") == 30)
        // Grouped: fewer transactions than calls (40 calls sent at once cannot all have run alone).
        #expect(try rows!.decode(Int64.self, "transactions") < 30)
        let outcomes = try database.query(
            "SELECT count(*) AS n FROM idempotency_outcomes WHERE key = ANY($1::text[])", [calls.map(\.key)]).first
        #expect(try outcomes?.decode(Int64.self, "n") == 35, "30 results and 5 stored NOT_FOUND; the INVALID_ARGUMENT ones are not stored")
        let audit = try database.query(
            "SELECT count(*) AS n FROM audit_log WHERE action = 'treasury.v1.Revenue/RecordCollection' AND details->>'bank_ref' = ANY($1::text[])",
            [calls.map { $0.params["bank_ref"]!.stringValue! }]).first
        #expect(try audit?.decode(Int64.self, "n") == 30)
        let after = try revenue.snapshot()
        #expect(after != before)

        // Replays, concurrently again: byte for byte the first answers, and nothing new.
        let replays = try await Self.concurrently(environment, token: bank.token, calls)
        func withoutID(_ line: String) -> Substring { line.drop { $0 != "," } }
        for (first, replay) in zip(responses, replays) where first.error == nil || first.code == "NOT_FOUND" {
            #expect(withoutID(replay.terminalLine) == withoutID(first.terminalLine))
        }
        #expect(try revenue.snapshot() == after)
        let verify = try database.query("SELECT count(*) AS n FROM treasury.verify()").first
        #expect(try verify?.decode(Int64.self, "n") == 0)
    }

    @Test func oneKeySentConcurrentlyWithOtherParamsHasOneEffectAndTheOthersAreRefused() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        let key = "gc-same-\(UUID().uuidString)"
        let params = revenue.collection(55_555, bank: revenue.ownBank)
        var other = params
        other["amount"] = .string("55556")
        let calls = (0..<12).map { index in (params: index % 3 == 2 ? other : params, key: key) }
        let responses = try await Self.concurrently(environment, token: revenue.ownBankUser.token, calls)
        let winners = responses.filter { $0.error == nil }
        let refused = responses.filter { $0.reason == "IDEMPOTENCY_KEY_REUSED" }
        #expect(winners.count + refused.count == 12, "\(responses.map(\.terminalLine))")
        #expect(Set(winners.compactMap { $0.string("collection_id") }).count == 1)
        let amount = RevenueWorld.shares(winners[0].object).values.reduce(0, +)
        // Every call with the winning params replays it; every call with the other params is refused.
        #expect(winners.count == (amount == 55_555 ? 8 : 4))
        let count = try environment.database().query(
            "SELECT count(*) AS n FROM collections WHERE bank_code = $1 AND bank_ref IN ($2)", [revenue.ownBank, params["bank_ref"]!.stringValue!]).first
        #expect(try count?.decode(Int64.self, "n") == 1)
    }

    /// One group records at a time: while it is held inside the database, the calls arriving
    /// meanwhile wait in the server (no second group starts with the first of them), and then
    /// all go into the next group, one transaction.
    @Test func callsArrivingWhileAGroupRecordsAllJoinTheNextGroup() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        let service = TreasuryService(pool: environment.pool, configuration: TestEnvironment.serviceConfiguration(), logger: environment.logger)
        let groups = try #require(service.core.groups[RevenueMethods.recordCollection.name])
        #expect(groups.settings.concurrency == 2)
        let port = try await TestEnvironment.startServer(service, logger: environment.logger)
        let token = revenue.ownBankUser.token
        func send(_ ref: String) async throws -> CallResponse {
            let session = Session(connection: try await environment.client(port: port), token: token)
            defer { Task { await session.connection.close() } }
            return try await session.mutate("treasury.v1.Revenue/RecordCollection",
                                            revenue.collection(70_000, ref: ref, bank: revenue.ownBank), deadlineMs: 120_000)
        }

        // Hold the first group inside the database: its foreign key check locks this test's own
        // bank row FOR KEY SHARE, which waits for this FOR UPDATE.
        let blocker = try RowBlocker(environment, bank: revenue.ownBank)

        let firstRef = "GT-1-\(UUID().uuidString)"
        async let first = send(firstRef)
        try await waitUntil("the first group waits on the bank row") { try blocker.blockedBackends() == 1 }
        let laterRefs = (0..<5).map { "GT-2-\($0)-\(UUID().uuidString)" }
        async let later = withThrowingTaskGroup(of: CallResponse.self) { group in
            for ref in laterRefs { group.addTask { try await send(ref) } }
            return try await group.reduce(into: [CallResponse]()) { $0.append($1) }
        }
        try await waitUntil("the later calls wait in the server") { groups.queued == 5 }
        // A second group could run (2 in flight), but it has not started: only the first is in the database.
        #expect(try blocker.blockedBackends() == 1)

        try blocker.release()
        let responses = try await [first] + (later)
        for response in responses { #expect(response.error == nil, "\(response.terminalLine)") }
        let transactions = try environment.database().query(
            """
            SELECT count(DISTINCT created_txid) FILTER (WHERE bank_ref = ANY($2::text[])) AS later,
                   count(DISTINCT created_txid) FILTER (WHERE bank_ref = $3 OR bank_ref = ANY($2::text[])) AS total
            FROM collections WHERE bank_code = $1
            """, [revenue.ownBank, laterRefs, firstRef]).first!
        #expect(try transactions.decode(Int64.self, "later") == 1, "the five later calls were recorded in one group")
        #expect(try transactions.decode(Int64.self, "total") == 2)
    }
}
