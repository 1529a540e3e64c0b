import Foundation
import Logging
@testable import PostgresClient
import Testing

@Suite("PostgresPool")
struct PostgresPoolTests {
    @Test func transactionRetriesASerializationFailureUntilBothCommit() async throws {
        let table = TestDatabase.uniqueName("write_skew")
        let admin = try TestDatabase.connect()
        try admin.query("CREATE TABLE \(table) (id int PRIMARY KEY, value int NOT NULL)")
        defer { _ = try? admin.query("DROP TABLE \(table)") }
        try admin.query("INSERT INTO \(table) VALUES (1, 100), (2, 100)")

        let attempts = Shared(0)
        // Both first attempts read before either writes, so SERIALIZABLE must abort one of them.
        let bothHaveRead = Barrier(2)
        try await TestDatabase.withPool(size: 2) { pool in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (read, write) in [(1, 2), (2, 1)] {
                    group.addTask {
                        try await pool.transaction(isolation: .serializable) { connection in
                            let attempt = attempts.update { count -> Int in
                                count += 1
                                return count
                            }
                            try connection.query("SELECT value FROM \(table) WHERE id = $1", [read])
                            if attempt <= 2 { bothHaveRead.arriveAndWait() }
                            try connection.query("UPDATE \(table) SET value = value + 1 WHERE id = $1", [write])
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        // At least one retry; SSI may abort a retry again when other tests run beside it.
        #expect(attempts.value >= 3)
        let values = try admin.query("SELECT value FROM \(table) ORDER BY id").rows.map { try $0.decode(Int.self, 0) }
        #expect(values == [101, 101])
    }

    @Test func transactionGivesUpAfterTheRetryLimitWithTheFinalError() async throws {
        let attempts = Shared(0)
        let error = await #expect(throws: PostgresError.self) {
            try await TestDatabase.withPool(size: 1, configure: { $0.transactionRetryLimit = 2 }) { pool in
                try await pool.transaction { connection in
                    attempts.update { $0 += 1 }
                    try connection.query("DO $$ BEGIN RAISE EXCEPTION 'forced conflict' USING ERRCODE = '40001'; END $$")
                }
            }
        }
        #expect(error?.isRetryable == true)
        #expect(error?.sqlState == "40001")
        #expect(attempts.value == 3)
    }

    @Test func taskCancellationCancelsTheRunningQueryAndTheConnectionIsReused() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let firstPID = Shared<Int32>(0)
            let sleeper = Task {
                try await pool.withConnection { connection in
                    firstPID.update { $0 = connection.backendPID }
                    try connection.query("BEGIN")
                    try connection.query("SELECT pg_sleep(30)")
                }
            }
            // Cancel only once the query runs on the server, so the cancel hits it mid-flight.
            let observer = try TestDatabase.connect()
            try await waitFor("the body's query runs") {
                let pid = firstPID.value
                return try pid != 0 && TestDatabase.isRunning(pid, "SELECT pg_sleep(30)", observer: observer)
            }
            let cancelledAt = ContinuousClock.now
            sleeper.cancel()
            let outcome = await sleeper.result
            #expect(ContinuousClock.now - cancelledAt < .seconds(10), "long before the 30 s sleep ends")
            #expect((outcome.failureValue as? PostgresError)?.kind == .cancelled)

            let (pid, status, cancelled) = try await pool.withConnection { connection in
                (connection.backendPID, connection.transactionStatus, connection.isCancelled)
            }
            #expect(pid == firstPID.value)
            #expect(status == .idle)
            #expect(cancelled == false)
        }
    }

    @Test func cancelledWhileWaitingThrowsWithoutRunningTheBody() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let hold = ConnectionHold()
            let holder = Task { try await pool.withConnection { _ in hold.hold() } }
            try await waitFor("the holder has the only connection") { hold.isHeld }
            let bodyRan = Shared(false)
            let waiter = Task { try await pool.withConnection { _ in bodyRan.update { $0 = true } } }
            try await waitFor("the waiter is queued") { pool.waitingCallers == 1 }
            waiter.cancel()
            // The connection is still held: the waiter can only end here by leaving the queue.
            let outcome = await waiter.result
            #expect((outcome.failureValue as? PostgresError)?.kind == .cancelled)
            #expect(pool.waitingCallers == 0)
            hold.release()
            _ = try await holder.value
            #expect(bodyRan.value == false)
        }
    }

    @Test func neverOpensMoreThanSizeConnectionsUnderFourTimesSizeCallers() async throws {
        let applicationName = TestDatabase.uniqueName("pool_bound")
        let size = 3
        // The first `size` bodies wait for each other, so the pool is seen at its full size at least once.
        let firstBodies = Barrier(size)
        let started = Shared(0)
        let mostSeen = try await TestDatabase.withPool(size: size, applicationName: applicationName) { pool in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<(4 * size) {
                    group.addTask {
                        try await pool.withConnection { connection in
                            let order = started.update { count -> Int in
                                count += 1
                                return count
                            }
                            if order <= size { firstBodies.arriveAndWait() }
                            return try connection.query(
                                "SELECT count(*) AS c FROM pg_stat_activity WHERE application_name = $1",
                                [applicationName]
                            ).first!.decode(Int.self, "c")
                        }
                    }
                }
                return try await group.reduce(0, max)
            }
        }
        #expect(mostSeen == size)
    }

    @Test func waitersBeyondMaximumFailFastWithPoolExhausted() async throws {
        try await TestDatabase.withPool(size: 1, configure: { $0.maximumWaiters = 2 }) { pool in
            let hold = ConnectionHold()
            let holder = Task { try await pool.withConnection { _ in hold.hold() } }
            try await waitFor("the holder has the only connection") { hold.isHeld }
            let waiters = (0..<2).map { _ in Task { try await pool.withConnection { _ in 1 } } }
            try await waitFor("both waiters are queued") { pool.waitingCallers == 2 }
            // Fails fast: the connection is still held, so this call ends without waiting for it.
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { _ in 1 }
            }
            #expect(error?.kind == .poolExhausted)
            #expect(pool.waitingCallers == 2)
            hold.release()
            _ = try await holder.value
            for waiter in waiters { #expect(try await waiter.value == 1) }
        }
    }

    @Test func reconnectsAndRerunsSetupAfterItsBackendsAreTerminated() async throws {
        let applicationName = TestDatabase.uniqueName("pool_reconnect")
        let admin = try TestDatabase.connect()
        let configure: (inout PostgresPoolConfiguration) -> Void = { $0.connectionSetup = ["SET statement_timeout = '12345ms'"] }
        try await TestDatabase.withPool(size: 2, applicationName: applicationName, configure: configure) { pool in
            let before = try await twoConcurrentSessions(pool)
            // The timeout argument makes pg_terminate_backend wait until each backend has exited.
            let terminated = try admin.query(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) AS c FROM pg_stat_activity WHERE application_name = $1",
                [applicationName])
            #expect(try terminated.first?.decode(Int.self, "c") == 2)
            let after = try await twoConcurrentSessions(pool)
            #expect(Set(after.map(\.pid)).isDisjoint(with: before.map(\.pid)))
            #expect(after.map(\.timeout) == ["12345ms", "12345ms"])
        }
    }

    /// Two bodies that run at the same time, so on both of the pool's connections.
    private func twoConcurrentSessions(_ pool: PostgresPool) async throws -> [(pid: Int32, timeout: String)] {
        let bothRunning = Barrier(2)
        return try await withThrowingTaskGroup(of: (pid: Int32, timeout: String).self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await pool.withConnection { connection in
                        bothRunning.arriveAndWait()
                        let timeout = try connection.query("SHOW statement_timeout").first!.decode(String.self, 0)
                        return (connection.backendPID, timeout)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func connectFailureThrowsConnectionErrorAndLaterCallsTryAgain() async throws {
        let pool = PostgresPool(
            configuration: PostgresPoolConfiguration(conninfo: "host=127.0.0.1 port=1 connect_timeout=2", size: 1),
            logger: .init(label: "PostgresClientTests"))
        for _ in 0..<2 {
            let error = await #expect(throws: PostgresError.self) { try await pool.withConnection { _ in 1 } }
            #expect(error?.kind == .connection)
        }
        await pool.shutdown()
    }

    @Test func shutdownIsIdempotentAndLaterCallsThrowConnectionError() async throws {
        let pool = PostgresPool(
            configuration: PostgresPoolConfiguration(conninfo: try TestDatabase.conninfo(), size: 2),
            logger: .init(label: "PostgresClientTests"))
        #expect(try await pool.withConnection { try $0.query("SELECT 1 AS one").first!.decode(Int.self, 0) } == 1)
        await pool.shutdown()
        await pool.shutdown()
        let error = await #expect(throws: PostgresError.self) { try await pool.withConnection { _ in 1 } }
        #expect(error?.kind == .connection)
    }

    @Test func bodiesRunOnPoolThreadsNotTheCallersThread() async throws {
        try await TestDatabase.withPool(size: 2) { pool in
            let threadName = try await pool.withConnection { _ in Thread.current.name ?? "" }
            // NIOThreadPool names its threads "TP-#n"; the cooperative pool's threads are not named so.
            #expect(threadName.hasPrefix("TP-"))
        }
    }
}

@Suite("PostgresPool health probe")
struct PostgresPoolPingTests {
    /// The ping's answer, or nil when it has none within a minute.
    static func ping(_ pool: PostgresPool) async -> Bool? {
        await withTaskGroup(of: Bool?.self) { group in
            group.addTask { await pool.ping() }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test func pingAnswersAtOnceWhileEveryConnectionIsBusyAndCallersWait() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let holder = try TestDatabase.connect()
            let key = Int64.random(in: 1_000_000...2_000_000_000)
            try holder.query("SELECT pg_advisory_lock($1)", [key])
            let busy = Task {
                try await pool.withConnection { connection in
                    try connection.query("SELECT pg_advisory_lock($1)", [key])
                    try connection.query("SELECT pg_advisory_unlock($1)", [key])
                }
            }
            let waiting = Task { try await pool.withConnection { try $0.query("SELECT 1") } }
            try await waitFor("a caller waits for the pool's only connection") { pool.waitingCallers == 1 }

            // The pool stays held until the lock is released below: a ping that waited for it
            // would not answer at all.
            #expect(await Self.ping(pool) == true, "the database answers, though the pool is busy")
            // Several at once share the probe.
            let answers = await withTaskGroup(of: Bool?.self) { group in
                for _ in 0..<8 { group.addTask { await Self.ping(pool) } }
                return await group.reduce(into: [Bool?]()) { $0.append($1) }
            }
            #expect(answers == Array(repeating: true, count: 8))

            try holder.query("SELECT pg_advisory_unlock($1)", [key])
            try await busy.value
            _ = try await waiting.value
            // With a connection free, ping uses it.
            #expect(await pool.ping())
        }
    }

    @Test func pingAnswersFalseWhenTheDatabaseCannotBeReached() async throws {
        var configuration = PostgresPoolConfiguration(conninfo: "host=/nonexistent-treasury-socket-dir port=1", size: 1)
        configuration.maximumWaiters = 1
        let pool = PostgresPool(configuration: configuration, logger: Logger(label: "PostgresClientTests"))
        #expect(await pool.ping() == false)
        await pool.shutdown()
        #expect(await pool.ping() == false, "after shutdown too")
    }
}
