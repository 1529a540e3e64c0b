import Foundation
import Logging
import PostgresClient
import Synchronization
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol
import TreasuryService

/// Failover to a synchronous standby (issue #14 item 3; docs/operations.md "Failover").
///
/// A primary and a synchronous streaming standby of their own (ReplicatedClusters), the real
/// server in-process on a pool whose conninfo names both with `target_session_attrs=read-write`,
/// and several bank clients recording deposits and collections, each call with its own
/// idempotency key. Mid-run the standby stops receiving for a while (the primary's WAL sender is
/// stopped, as a slow link would), then the primary is killed (`pg_ctl stop -m immediate`) and
/// the standby promoted; each client retries an unanswered, UNAVAILABLE, ABORTED or
/// DEADLINE_EXCEEDED call with the same key and params until it succeeds. Then, in the promoted
/// database: every acknowledged call is there exactly once with the entry its answer named,
/// nothing else is, the balances add up, and `treasury.verify()` is clean; the same server
/// served again within 30 s of the kill.
@Suite(.serialized) struct FailoverTests {
    /// How the run goes: how long the standby lags before the kill, and the calls' deadline.
    struct Scenario: Sendable {
        /// How long the standby receives nothing before the kill.
        var stall: Duration
        /// The server's deadline of each attempt.
        var callDeadlineMs: Int
        /// Clients that only deposit (the others alternate deposits and collections).
        var depositOnlyClients: Int
    }

    static let clientCount = 8
    /// Calls acknowledged before the primary is killed.
    static let callsBeforeKill = 120
    /// How long the clients wait between the kill and the promotion: the switch is not instant.
    static let outage: Duration = .seconds(1)
    /// How long the clients go on once the server serves again.
    static let runAfterRecovery: Duration = .seconds(3)
    /// A client's pause between two calls: enough calls, without starving the tests that run
    /// meanwhile on a small machine.
    static let pace: Duration = .milliseconds(100)
    /// How long a client waits for the answer of one attempt.
    static let answerTimeout: Duration = .seconds(45)
    /// How long one call may take, all its retries included, before the test gives up on it.
    static let callGiveUp: Duration = .seconds(150)
    static let bank = "VCB"

    /// The switch as it usually goes: the standby a second behind, well within the deadline.
    @Test(.timeLimit(.minutes(20)))
    func aSynchronousStandbyPromotedMidRunLosesNoAcknowledgedCallAndDoublesNone() async throws {
        try await exercise(Scenario(stall: .seconds(1), callDeadlineMs: 15_000, depositOnlyClients: 0))
    }

    /// The standby lags longer than the calls' deadline before the primary dies. At the deadline
    /// the server cancels the call, and the pool used to send PostgreSQL a cancel request, which
    /// ends a COMMIT's wait for the standby with a successful COMMIT (a WARNING only): deposits
    /// were acknowledged, then lost by the failover. A COMMIT, once sent, is no longer cancelled
    /// (PostgresConnection.withoutCancelRequests). Half the clients only deposit, so that calls
    /// of the server's own transactions (not group commits, whose runner is never cancelled)
    /// are waiting in COMMIT when the standby stalls.
    @Test(.timeLimit(.minutes(20)))
    func aStandbyLaggingPastTheCallDeadlineBeforeTheKillStillLosesNoAcknowledgedCall() async throws {
        try await exercise(Scenario(stall: .seconds(6), callDeadlineMs: 3_000, depositOnlyClients: 4))
    }

    private func exercise(_ scenario: Scenario) async throws {
        let logger = {
            var logger = Logger(label: "FailoverTests")
            logger.logLevel = .critical
            return logger
        }()
        let clusters = try await offload { try ReplicatedClusters.create(database: "treasury") }
        do {
            try await exercise(scenario, on: clusters, logger: logger)
        } catch {
            await clusters.destroyOffThread()
            throw error
        }
        await clusters.destroyOffThread()
    }

    private func exercise(_ scenario: Scenario, on clusters: ReplicatedClusters, logger: Logger) async throws {
        // The schema, an administrator and the service's session settings, on the primary.
        let (token, setup) = try await offload { () throws -> (String, [String]) in
            let connection = try PostgresConnection(conninfo: clusters.conninfo(port: clusters.primaryPort, database: "treasury"))
            _ = try TestEnvironment.migrate(connection, logger: logger)
            return (try Operations.bootstrap(connection, username: "failover-admin", ttlDays: 30),
                    try Operations.connectionSetup(connection))
        }
        var poolConfiguration = PostgresPoolConfiguration(conninfo: clusters.failoverConninfo(database: "treasury"), size: 10)
        poolConfiguration.connectionSetup = setup
        let pool = PostgresPool(configuration: poolConfiguration, logger: logger)
        do {
            try await run(scenario, clusters: clusters, pool: pool, token: token, logger: logger)
        } catch {
            await pool.shutdown()
            Issue.record("failover test failed: \(error)\n\(clusters.logs())")
            throw error
        }
        await pool.shutdown()
    }

    private func run(_ scenario: Scenario, clusters: ReplicatedClusters, pool: PostgresPool, token: String, logger: Logger) async throws {
        let port = try await TestEnvironment.startServer(pool: pool, clock: SystemClock(), logger: logger)
        let world = try await FailoverWorld.make(port: port, adminToken: token)
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36).uppercased()
        let tally = FailoverTally()

        // The clients run while this task kills the primary and promotes the standby.
        let (timeline, reports) = try await withThrowingTaskGroup(of: ClientReport.self) { group -> (Timeline, [ClientReport]) in
            for client in 0..<Self.clientCount {
                group.addTask {
                    await FailoverClient(index: client, run: run, port: port, deadlineMs: scenario.callDeadlineMs,
                                         depositsOnly: client < scenario.depositOnlyClients, world: world, tally: tally).run()
                }
            }
            do {
                let timeline = try await drive(scenario, clusters: clusters, port: port, tally: tally)
                var reports: [ClientReport] = []
                for try await report in group { reports.append(report) }
                return (timeline, reports.sorted { $0.index < $1.index })
            } catch {
                tally.abort()
                throw error
            }
        }

        // The answers the clients saw.
        let acknowledged = reports.flatMap(\.acknowledged)
        let figures = tally.figures()
        let firstAfterKill = acknowledged.filter { $0.sent > timeline.killed }.min { $0.answered < $1.answered }
        let serving = timeline.serving - timeline.killStarted
        // Retried calls whose first attempts had committed on the old primary although no OK came
        // back: their retries were answered from the stored outcome, on the new primary.
        let retried = acknowledged.filter { $0.attempts > 1 }
        let committedBeforeKill = retried.filter { (Int64($0.result["entry_id"]?.stringValue ?? "") ?? .max) <= timeline.lastEntryBeforeKill }
        let firstOK = firstAfterKill.map { $0.answered - timeline.killStarted }
        // Answered OK while the standby received nothing: should be none, since every COMMIT
        // waits for the standby (an OK here is lost by the kill, and the checks below fail).
        let okDuringStall = acknowledged.filter { $0.answered > timeline.stallStarted + .milliseconds(200) && $0.answered < timeline.killStarted }
        print("""
            failover: standby stalled \(inSeconds(scenario.stall)) before the kill, call deadline \(scenario.callDeadlineMs) ms, \
            \(scenario.depositOnlyClients) of the clients only deposit
            failover: \(Self.clientCount) clients, \(acknowledged.count) calls acknowledged \
            (\(acknowledged.filter { $0.operation.kind == .deposit }.count) deposits, \
            \(acknowledged.filter { $0.operation.kind == .collection }.count) collections; \
            \(figures.callsBeforeKill) before the kill), \(okDuringStall.count) OK answered while the standby was stalled
            failover: \(retried.count) calls retried: \(committedBeforeKill.count) had reached the standby before the kill with no OK \
            (answered on retry from the stored outcome), \(retried.count - committedBeforeKill.count) were recorded by their retry on the new primary
            failover: answers during the switch: UNAVAILABLE \(figures.unavailable), ABORTED \(figures.aborted), \
            DEADLINE_EXCEEDED \(figures.deadlineExceeded), unanswered (dropped or timed out) \(figures.unanswered)
            failover: kill took \(inSeconds(timeline.killed - timeline.killStarted)), promotion started \
            \(inSeconds(timeline.promoteStarted - timeline.killStarted)) and ended \(inSeconds(timeline.promoted - timeline.killStarted)) \
            after the kill; health SERVING again \(inSeconds(serving)) after the kill; first OK of a call sent after the kill \
            \(firstOK.map(inSeconds) ?? "never") after the kill
            """)

        #expect(figures.failures.count == 0, "calls failed with answers that are not retried: \(figures.failures.prefix(10))")
        #expect(reports.allSatisfy { $0.gaveUp == nil }, "calls never succeeded: \(reports.compactMap(\.gaveUp))")
        #expect(serving < .seconds(30), "the server served again only \(serving) after the kill")
        #expect(firstOK.map { $0 < .seconds(30) } == true, "no call sent after the kill succeeded within 30 s of it")
        #expect(figures.unavailable + figures.aborted + figures.deadlineExceeded + figures.unanswered > 0,
                "no call saw the switch: the failover was not exercised")
        // Nothing could have been written between the kill and the promotion: an OK then would be false.
        let tooEarly = acknowledged.filter { $0.sent > timeline.killed && $0.answered < timeline.promoteStarted }
        #expect(tooEarly.count == 0, "calls sent after the kill were answered OK before any standby was promoted: \(tooEarly.map(\.operation.bankRef))")

        let failures = try await offload { try Self.checkPromotedDatabase(clusters: clusters, world: world, run: run, reports: reports) }
        for failure in failures { Issue.record("\(failure)") }
    }

    /// Waits for calls to flow, kills the primary, promotes the standby, waits for the server to
    /// serve again, lets the clients go on a little, then tells them to finish.
    private func drive(_ scenario: Scenario, clusters: ReplicatedClusters, port: Int, tally: FailoverTally) async throws -> Timeline {
        try await waitForCondition("\(Self.callsBeforeKill) calls are acknowledged before the kill", seconds: 300) {
            tally.acknowledgedCount >= Self.callsBeforeKill || !tally.figures().failures.isEmpty
        }
        if let failure = tally.figures().failures.first { throw ReplicatedClusters.Failure("a call failed before the kill: \(failure)") }
        // The standby falls behind first, as a standby on a slow link would: commits made
        // meanwhile must not be acknowledged, since the kill loses them.
        try await offload { try clusters.stallReplication() }
        let stallStarted = ContinuousClock.now
        try await Task.sleep(for: scenario.stall)
        tally.markKill()
        let killStarted = ContinuousClock.now
        try await offload { try clusters.killPrimary() }
        let killed = ContinuousClock.now
        let health = Task { try await firstServing(port: port) }
        let pause = Task { try await Task.sleep(for: Self.outage) }
        // What the old primary committed: the standby has all of it once it has replayed what it received.
        let lastEntryBeforeKill = try await offload { try clusters.lastReplayed("SELECT coalesce(max(id), 0) AS v FROM treasury.journal_entries") }
        try await pause.value
        let promoteStarted = ContinuousClock.now
        try await offload { try clusters.promoteStandby() }
        let promoted = ContinuousClock.now
        let serving = try await health.value
        try await Task.sleep(for: Self.runAfterRecovery)
        tally.finish()
        return Timeline(stallStarted: stallStarted, killStarted: killStarted, killed: killed, promoteStarted: promoteStarted, promoted: promoted, serving: serving,
                        lastEntryBeforeKill: lastEntryBeforeKill)
    }

    /// Asks Health/Check every 100 ms until it says SERVING; returns when it did.
    private func firstServing(port: Int) async throws -> ContinuousClock.Instant {
        let connection = try await TreasuryConnection.connect(host: "127.0.0.1", port: port)
        defer { Task { await connection.close() } }
        let limit = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < limit {
            let answer = try await connection.call("grpc.health.v1.Health/Check")
            if answer.result?.objectValue?["status"]?.stringValue == "SERVING" { return ContinuousClock.now }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ReplicatedClusters.Failure("the server did not serve again within 180 s of the kill")
    }

    /// Behind the service's back, in the promoted database: each acknowledged call exactly once,
    /// with the entry its answer named; no other call of this run; balances; verify(). Blocking
    /// (libpq): it runs on a thread of its own and returns what is wrong, for the test's task to
    /// record (an issue recorded on another thread would not be the test's).
    static func checkPromotedDatabase(clusters: ReplicatedClusters, world: FailoverWorld, run: String, reports: [ClientReport]) throws -> [String] {
        var failures: [String] = []
        func check(_ condition: Bool, _ failure: @autoclosure () -> String) {
            if !condition { failures.append(failure()) }
        }
        let database = try PostgresConnection(conninfo: clusters.conninfo(port: clusters.standbyPort, database: "treasury"))
        let inRecovery = try database.query("SELECT pg_is_in_recovery() AS r").first?.decode(Bool.self, "r")
        check(inRecovery == false, "the standby was not promoted")
        let prefix = "FO-\(run)-"
        let acknowledged = reports.flatMap(\.acknowledged)
        let deposits = Dictionary(uniqueKeysWithValues: acknowledged.filter { $0.operation.kind == .deposit }.map { ($0.operation.bankRef, $0) })
        let collections = Dictionary(uniqueKeysWithValues: acknowledged.filter { $0.operation.kind == .collection }.map { ($0.operation.bankRef, $0) })
        var wrong: [String] = []

        // Deposits: the bank reference, its journal entry, the amount and account the call named.
        var depositRows: [String: (account: String, amount: Int64, entry: Int64, entries: Int64)] = [:]
        for row in try database.query(
            """
            SELECT b.bank_ref, b.account_no, b.amount, b.entry_id,
                   (SELECT count(*) FROM treasury.journal_entries e WHERE e.source_kind = 'DEPOSIT' AND e.source_id = b.bank_code || '/' || b.bank_ref) AS entries
            FROM treasury.bank_transactions b WHERE b.bank_code = $1 AND b.kind = 'DEPOSIT' AND b.bank_ref LIKE $2
            """, [bank, prefix + "%"]).rows {
            depositRows[try row.decode(String.self, "bank_ref")] = (try row.decode(String.self, "account_no"), try row.decode(Int64.self, "amount"),
                                                                   try row.decode(Int64.self, "entry_id"), try row.decode(Int64.self, "entries"))
        }
        let missingDeposits = Set(deposits.keys).subtracting(depositRows.keys)
        let unacknowledgedDeposits = Set(depositRows.keys).subtracting(deposits.keys)
        check(missingDeposits.count == 0, "\(missingDeposits.count) acknowledged deposits are missing from the promoted database (false OKs): \(missingDeposits.sorted().prefix(10))")
        check(unacknowledgedDeposits.count == 0, "\(unacknowledgedDeposits.count) deposits in the database were never acknowledged: \(unacknowledgedDeposits.sorted().prefix(10))")
        for (ref, ack) in deposits.sorted(by: { $0.key < $1.key }) {
            guard let row = depositRows[ref] else { continue }
            if row.entries != 1 { wrong.append("deposit \(ref) has \(row.entries) journal entries") }
            if row.amount != ack.operation.amount || row.account != ack.operation.account { wrong.append("deposit \(ref) differs from its call") }
            if String(row.entry) != ack.result["entry_id"]?.stringValue {
                wrong.append("deposit \(ref): the answer named entry \(ack.result["entry_id"]?.stringValue ?? "-"), the database holds \(row.entry)")
            }
        }

        // Collections: the collection, its bank reference and its journal entry.
        var collectionRows: [String: (id: Int64, amount: Int64, entry: Int64, entries: Int64, bankRows: Int64)] = [:]
        for row in try database.query(
            """
            SELECT c.bank_ref, c.id, c.amount, c.entry_id,
                   (SELECT count(*) FROM treasury.journal_entries e WHERE e.source_kind = 'COLLECTION' AND e.source_id = c.id::text) AS entries,
                   (SELECT count(*) FROM treasury.bank_transactions b
                     WHERE b.bank_code = c.bank_code AND b.bank_ref = c.bank_ref AND b.kind = 'COLLECTION' AND b.entry_id = c.entry_id) AS bank_rows
            FROM treasury.collections c WHERE c.bank_code = $1 AND c.bank_ref LIKE $2
            """, [bank, prefix + "%"]).rows {
            collectionRows[try row.decode(String.self, "bank_ref")] = (
                try row.decode(Int64.self, "id"), try row.decode(Int64.self, "amount"), try row.decode(Int64.self, "entry_id"),
                try row.decode(Int64.self, "entries"), try row.decode(Int64.self, "bank_rows"))
        }
        let missingCollections = Set(collections.keys).subtracting(collectionRows.keys)
        let unacknowledgedCollections = Set(collectionRows.keys).subtracting(collections.keys)
        check(missingCollections.count == 0, "\(missingCollections.count) acknowledged collections are missing from the promoted database (false OKs): \(missingCollections.sorted().prefix(10))")
        check(unacknowledgedCollections.count == 0, "\(unacknowledgedCollections.count) collections in the database were never acknowledged: \(unacknowledgedCollections.sorted().prefix(10))")
        for (ref, ack) in collections.sorted(by: { $0.key < $1.key }) {
            guard let row = collectionRows[ref] else { continue }
            if row.entries != 1 || row.bankRows != 1 { wrong.append("collection \(ref) has \(row.entries) journal entries and \(row.bankRows) bank records") }
            if row.amount != ack.operation.amount { wrong.append("collection \(ref) differs from its call") }
            if String(row.id) != ack.result["collection_id"]?.stringValue || String(row.entry) != ack.result["entry_id"]?.stringValue {
                wrong.append("collection \(ref): the answer named \(ack.result), the database holds collection \(row.id), entry \(row.entry)")
            }
        }
        // Nothing else was posted in the world's treasury: no entry without its call.
        let entries = try database.query(
            "SELECT count(*) FILTER (WHERE source_kind = 'DEPOSIT') AS d, count(*) FILTER (WHERE source_kind = 'COLLECTION') AS c FROM treasury.journal_entries WHERE treasury_code = $1",
            [world.treasury]).first
        let depositEntries = try entries?.decode(Int64.self, "d"), collectionEntries = try entries?.decode(Int64.self, "c")
        if depositEntries != Int64(deposits.count) || collectionEntries != Int64(collections.count) {
            wrong.append("the treasury holds \(depositEntries ?? -1) deposit and \(collectionEntries ?? -1) collection entries for \(deposits.count) and \(collections.count) acknowledged calls")
        }

        // Each client's balances: its account holds exactly its acknowledged deposits, and each
        // deposit answered the balance of the deposits before it and itself (no call doubled);
        // its collections add up to what it was told.
        for report in reports {
            let balance = try database.query("SELECT balance FROM treasury.accounts WHERE account_no = $1", [report.account]).first?.decode(Int64.self, "balance")
            let expected = report.acknowledged.filter { $0.operation.kind == .deposit }.reduce(Int64(0)) { $0 + $1.operation.amount }
            if balance != expected { wrong.append("client \(report.index): account \(report.account) holds \(balance ?? -1), its acknowledged deposits \(expected)") }
            var running: Int64 = 0
            for ack in report.acknowledged where ack.operation.kind == .deposit {
                running += ack.operation.amount
                if ack.result["balance"]?.stringValue != String(running) {
                    wrong.append("client \(report.index): deposit \(ack.operation.bankRef) answered balance \(ack.result["balance"]?.stringValue ?? "-"), expected \(running)")
                }
            }
            let collected = try database.query(
                "SELECT coalesce(sum(amount), 0)::int8 AS s FROM treasury.collections WHERE bank_code = $1 AND bank_ref LIKE $2",
                [bank, "\(prefix)\(report.index)-%"]).first?.decode(Int64.self, "s")
            let told = report.acknowledged.filter { $0.operation.kind == .collection }.reduce(Int64(0)) { $0 + $1.operation.amount }
            if collected != told { wrong.append("client \(report.index): collections add up to \(collected ?? -1), acknowledged \(told)") }
        }
        check(wrong.count == 0, "\(wrong.count) problems in the promoted database, first: \(wrong.prefix(10).joined(separator: "; "))")

        let problems = try Operations.verify(database)
        check(problems.count == 0, "treasury.verify() on the promoted database: \(problems.prefix(10))")
        return failures
    }
}

// MARK: - The world and the clients

/// A treasury, area, unit, a BANK user, an officer (opens the clients' accounts) and a sharing
/// rule, made through the API in the failover database.
struct FailoverWorld: Sendable {
    let treasury = "5901", area = "95901", unit = "9590001", economic = "1003"
    let bank: String
    let officer: String
    let year: Int

    static func make(port: Int, adminToken: String) async throws -> FailoverWorld {
        let connection = try await TreasuryConnection.connect(host: "127.0.0.1", port: port)
        defer { Task { await connection.close() } }
        let admin = Session(connection: connection, token: adminToken)
        let year = TreasuryTime.localDate(of: Date()).year
        let shell = FailoverWorld(bank: "", officer: "", year: year)
        try await admin.must("treasury.v1.Reference/PutTreasury", ["code": .string(shell.treasury), "name": .string("Failover treasury"),
                                                                    "budget_level": .string("PROVINCE"), "parent_code": .string("0360")])
        try await admin.must("treasury.v1.Reference/PutArea", ["code": .string(shell.area), "name": .string("Failover area")])
        try await admin.must("treasury.v1.Reference/PutBudgetUnit", [
            "code": .string(shell.unit), "name": .string("Failover school"), "budget_level": .string("PROVINCE"), "chapter": .string("422"),
            "area_code": .string(shell.area), "treasury_code": .string(shell.treasury)])
        func user(_ name: String, _ role: String, _ scope: String) async throws -> String {
            try await admin.must("treasury.v1.Admin/CreateUser", ["username": .string(name)])
            try await admin.must("treasury.v1.Admin/Grant", ["username": .string(name), "role": .string(role), "scope": .string(scope)])
            let token = try await admin.must("treasury.v1.Admin/IssueToken", ["username": .string(name), "ttl_days": .integer(30)])["token"]?.stringValue
            return try #require(token)
        }
        let world = FailoverWorld(bank: try await user("failover-bank", "BANK", "B:\(FailoverTests.bank)"),
                                  officer: try await user("failover-officer", "TREASURY_OFFICER", "T:\(shell.treasury)"), year: year)
        let rules = Session(connection: connection, token: try await user("failover-rules", "BUDGET_AUTHORITY", "*"))
        try await rules.must("treasury.v1.Revenue/PutSharingRule", [
            "fiscal_year": .integer(year), "economic_code": .string(world.economic), "area_code": .string(world.area),
            "shares": .array([("CENTRAL", 3000), ("PROVINCE", 3333), ("COMMUNE", 3667)].map {
                .object(["budget_level": .string($0.0), "basis_points": .integer($0.1)])
            })])
        return world
    }

    /// A new ACTIVE account of the unit, opened by the officer.
    func openAccount(port: Int) async throws -> String {
        let connection = try await TreasuryConnection.connect(host: "127.0.0.1", port: port)
        defer { Task { await connection.close() } }
        let opened = try await Session(connection: connection, token: officer).must("treasury.v1.Accounts/Open", ["unit_code": .string(unit)])
        return try #require(opened["account_no"]?.stringValue)
    }
}

/// One call of a client: its method, params and idempotency key, fixed for all its attempts.
struct FailoverOperation: Sendable {
    enum Kind: Sendable { case deposit, collection }
    let kind: Kind
    let key: String
    let bankRef: String
    let account: String
    let amount: Int64
    let method: String
    let params: JSONObject
}

struct Acknowledged: Sendable {
    let operation: FailoverOperation
    let result: JSONObject
    let attempts: Int
    /// When the successful attempt was sent, and when its answer came.
    let sent: ContinuousClock.Instant
    let answered: ContinuousClock.Instant
}

struct ClientReport: Sendable {
    let index: Int
    let account: String
    let acknowledged: [Acknowledged]
    /// A call that never succeeded, when the client gave up on it.
    let gaveUp: String?
}

struct Timeline: Sendable {
    let stallStarted: ContinuousClock.Instant
    let killStarted: ContinuousClock.Instant
    let killed: ContinuousClock.Instant
    let promoteStarted: ContinuousClock.Instant
    let promoted: ContinuousClock.Instant
    let serving: ContinuousClock.Instant
    /// The last journal entry the old primary committed (entry ids of the new primary are larger).
    let lastEntryBeforeKill: Int64
}

/// What every client saw, counted as it happens.
final class FailoverTally: Sendable {
    struct Figures: Sendable {
        var acknowledged = 0
        var callsBeforeKill = 0
        var unavailable = 0
        var aborted = 0
        var deadlineExceeded = 0
        var unanswered = 0
        var failures: [String] = []
        var killed = false
        var finished = false
        var aborting = false
    }

    private let state = Mutex(Figures())

    func figures() -> Figures { state.withLock { $0 } }
    var acknowledgedCount: Int { state.withLock { $0.acknowledged } }
    /// No new calls once set; calls under way still finish.
    var isFinished: Bool { state.withLock { $0.finished || $0.aborting } }
    /// The test failed elsewhere: clients stop retrying at once.
    var isAborting: Bool { state.withLock { $0.aborting } }

    func markKill() { state.withLock { $0.killed = true; $0.callsBeforeKill = $0.acknowledged } }
    func finish() { state.withLock { $0.finished = true } }
    func abort() { state.withLock { $0.aborting = true } }
    func acknowledge() { state.withLock { $0.acknowledged += 1 } }
    func count(_ update: @Sendable (inout Figures) -> Void) { state.withLock { update(&$0) } }
}

/// One bank client: its own connection and account; one call at a time, each retried with the
/// same key and params until it succeeds.
struct FailoverClient: Sendable {
    let index: Int
    let run: String
    let port: Int
    let deadlineMs: Int
    let depositsOnly: Bool
    let world: FailoverWorld
    let tally: FailoverTally

    func run() async -> ClientReport {
        var acknowledged: [Acknowledged] = []
        let account: String
        do {
            account = try await world.openAccount(port: port)
        } catch {
            tally.count { $0.failures.append("client \(index): opening its account failed: \(error)") }
            return ClientReport(index: index, account: "", acknowledged: [], gaveUp: "no account")
        }
        var connection: TreasuryConnection?
        var sequence = 0
        while !tally.isFinished {
            if sequence > 0 { try? await Task.sleep(for: FailoverTests.pace) }
            sequence += 1
            let operation = makeOperation(sequence, account: account)
            let started = ContinuousClock.now
            var attempts = 0
            retrying: while true {
                attempts += 1
                if tally.isAborting { return ClientReport(index: index, account: account, acknowledged: acknowledged, gaveUp: nil) }
                let sent = ContinuousClock.now
                switch await attempt(operation, on: &connection) {
                case .answered(let response) where response.error == nil:
                    acknowledged.append(Acknowledged(operation: operation, result: response.object, attempts: attempts, sent: sent, answered: .now))
                    tally.acknowledge()
                    break retrying
                case .answered(let response):
                    switch response.code {
                    case "UNAVAILABLE": tally.count { $0.unavailable += 1 }
                    case "ABORTED": tally.count { $0.aborted += 1 }
                    // The outcome is unknown, as for a call with no answer: retried alike.
                    case "DEADLINE_EXCEEDED": tally.count { $0.deadlineExceeded += 1 }
                    default:
                        let line = response.terminalLine
                        tally.count { $0.failures.append("\(operation.method) \(operation.bankRef): \(line)") }
                        return ClientReport(index: index, account: account, acknowledged: acknowledged, gaveUp: nil)
                    }
                case .unanswered:
                    tally.count { $0.unanswered += 1 }
                }
                guard ContinuousClock.now - started < FailoverTests.callGiveUp else {
                    return ClientReport(index: index, account: account, acknowledged: acknowledged,
                                        gaveUp: "\(operation.method) \(operation.bankRef) after \(attempts) attempts")
                }
                try? await Task.sleep(for: .milliseconds(Int.random(in: 100...250)))
            }
        }
        if let connection { await connection.close() }
        return ClientReport(index: index, account: account, acknowledged: acknowledged, gaveUp: nil)
    }

    private func makeOperation(_ sequence: Int, account: String) -> FailoverOperation {
        let bankRef = "FO-\(run)-\(index)-\(sequence)"
        if depositsOnly || (sequence + index) % 2 == 0 {
            let amount = Int64.random(in: 1...5_000_000)
            return FailoverOperation(
                kind: .deposit, key: UUID().uuidString, bankRef: bankRef, account: account, amount: amount, method: "treasury.v1.Accounts/Deposit",
                params: ["account_no": .string(account), "amount": .money(amount), "bank_code": .string(FailoverTests.bank), "bank_ref": .string(bankRef)])
        }
        let amount = Int64.random(in: 10_000...50_000_000)
        return FailoverOperation(
            kind: .collection, key: UUID().uuidString, bankRef: bankRef, account: account, amount: amount, method: "treasury.v1.Revenue/RecordCollection",
            params: ["bank_code": .string(FailoverTests.bank), "bank_ref": .string(bankRef),
                     "collected_on": .string(TreasuryTime.localDate(of: Date()).description),
                     "payer": .object(["tax_id": .string("0101234567"), "name": .string("Công ty TNHH Minh An")]),
                     "chapter": .string("557"), "economic_code": .string(world.economic), "area_code": .string(world.area),
                     "treasury_code": .string(world.treasury), "amount": .money(amount)])
    }

    private enum Attempt { case answered(CallResponse), unanswered }

    /// One attempt with the operation's key; no answer in time, or a dropped connection, is
    /// `unanswered` (and the next attempt uses a new connection).
    private func attempt(_ operation: FailoverOperation, on connection: inout TreasuryConnection?) async -> Attempt {
        do {
            let current: TreasuryConnection
            if let connection {
                current = connection
            } else {
                current = try await TreasuryConnection.connect(host: "127.0.0.1", port: port)
                connection = current
            }
            let session = Session(connection: current, token: world.bank)
            let response = try await withThrowingTaskGroup(of: CallResponse?.self) { group in
                group.addTask { try await session.mutate(operation.method, operation.params, key: operation.key, deadlineMs: deadlineMs) }
                group.addTask {
                    try await Task.sleep(for: FailoverTests.answerTimeout)
                    return nil
                }
                let first = try await group.next() ?? nil
                // No answer in time: closing the connection ends the call, so the group can end.
                if first == nil { await current.close() }
                group.cancelAll()
                return first
            }
            guard let response else {
                connection = nil
                return .unanswered
            }
            return .answered(response)
        } catch {
            if let connection { await connection.close() }
            connection = nil
            return .unanswered
        }
    }
}

// MARK: - Helpers

extension ReplicatedClusters {
    /// `destroy()` (pg_ctl, rm -rf) on a thread of its own, off the cooperative pool.
    func destroyOffThread() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                self.destroy()
                continuation.resume()
            }.start()
        }
    }
}

/// Runs blocking work (processes, direct libpq) on a thread of its own, off the cooperative pool.
private func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

private func waitForCondition(_ what: String, seconds: Int, _ condition: () -> Bool) async throws {
    let limit = ContinuousClock.now + .seconds(seconds)
    while !condition() {
        guard ContinuousClock.now < limit else { throw ReplicatedClusters.Failure("timed out after \(seconds) s waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

private func inSeconds(_ duration: Duration) -> String {
    let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    return "\(milliseconds / 1000).\(String(format: "%03d", milliseconds % 1000)) s"
}
