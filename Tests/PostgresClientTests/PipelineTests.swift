import PostgresClient
import Testing

@Suite("PostgresConnection.pipeline and queue")
struct PipelineTests {
    @Test func statementsRunInOrderAndEachResultComesBack() throws {
        let connection = try TestDatabase.connect()
        let results = try connection.pipeline([
            PostgresStatement("CREATE TEMP TABLE pipelined (n int)"),
            PostgresStatement("INSERT INTO pipelined SELECT generate_series(1, $1::int)", [3]),
            PostgresStatement("SELECT sum(n)::int AS total FROM pipelined"),
        ])
        #expect(results.count == 3)
        #expect(try results[2].first?.decode(Int.self, "total") == 6)
    }

    @Test func aFailingStatementThrowsItsErrorSkipsTheRestAndLeavesTheConnectionUsable() throws {
        let connection = try TestDatabase.connect()
        try connection.query("CREATE TEMP TABLE after_error (n int)")
        #expect(throws: PostgresError.self) {
            _ = try connection.pipeline([
                PostgresStatement("SELECT 1"),
                PostgresStatement("SELECT 1 / $1::int", [0]),
                PostgresStatement("INSERT INTO after_error VALUES (1)"),
            ])
        }
        #expect(try connection.query("SELECT count(*)::int AS n FROM after_error").first?.decode(Int.self, "n") == 0)
        #expect(connection.transactionStatus == .idle)
    }

    @Test func eachQueuedStatementKeepsItsOwnOutcomeWhenALaterOneFails() throws {
        let connection = try TestDatabase.connect()
        let before = connection.queue(PostgresStatement("SELECT 7 AS n"))
        let failing = connection.queue(PostgresStatement("SELECT 1 / $1::int AS n", [0]))
        let skipped = connection.queue(PostgresStatement("SELECT 8 AS n"))
        #expect(throws: PostgresError.self) { _ = try connection.query("SELECT 9 AS n") }
        #expect(try connection.result(of: before).first?.decode(Int.self, "n") == 7)
        #expect(expectPostgresError { _ = try connection.result(of: failing) }?.sqlState == "22012")
        #expect(expectPostgresError { _ = try connection.result(of: skipped) }?.sqlState == "25P02")
    }

    @Test func queuedStatementsGoOutWithTheNextQueryAndTheirResultsCanBeRead() throws {
        let connection = try TestDatabase.connect()
        let first = connection.queue(PostgresStatement("SELECT $1::text AS word", ["queued"]))
        let last = try connection.query("SELECT 'sent'::text AS word")
        #expect(try last.first?.decode(String.self, "word") == "sent")
        #expect(try connection.result(of: first).first?.decode(String.self, "word") == "queued")
        // A result asked for before anything else was sent sends the queue by itself.
        let alone = connection.queue(PostgresStatement("SELECT 42 AS answer"))
        #expect(try connection.result(of: alone).first?.decode(Int.self, "answer") == 42)
    }

    @Test func aTransactionSendsItsBeginWithTheFirstQueryAndQueuedStatementsWithCommit() throws {
        let connection = try TestDatabase.connect()
        try connection.query("CREATE TEMP TABLE committed_with (n int)")
        try connection.transaction(deadline: .now + .seconds(5)) { connection in
            // BEGIN and the deadline went out with this query: it runs inside the transaction.
            let timeout = try connection.query("SELECT current_setting('statement_timeout') AS t").first?.decode(String.self, "t")
            #expect(timeout != "0")
            connection.queue(PostgresStatement("INSERT INTO committed_with VALUES ($1::int)", [7]))
        }
        #expect(try connection.query("SELECT sum(n)::int AS n FROM committed_with").first?.decode(Int.self, "n") == 7)
    }

    @Test func aWithdrawnStatementIsNeverSentAndWithAndAfterNeitherAreTheOnesQueuedAfterIt() throws {
        let connection = try TestDatabase.connect()
        try connection.query("CREATE TEMP TABLE withdrawn (n int)")
        let first = connection.queue(PostgresStatement("INSERT INTO withdrawn VALUES (1)"))
        connection.queue(PostgresStatement("INSERT INTO withdrawn VALUES (2)"))
        #expect(connection.withdraw(first))
        try connection.query("SELECT 1")
        #expect(!connection.withdraw(first), "a statement no longer queued cannot be withdrawn")
        let third = connection.queue(PostgresStatement("INSERT INTO withdrawn VALUES (3)"))
        connection.queue(PostgresStatement("INSERT INTO withdrawn VALUES (4)"))
        #expect(connection.withdraw(third, andAfter: true))
        let rows = try connection.query("SELECT array_agg(n ORDER BY n)::text AS ns FROM withdrawn").first?.decode(String.self, "ns")
        #expect(rows == "{2}")
    }

    @Test func queuedStatementsOfARolledBackTransactionAreNeverSent() throws {
        struct Abandon: Error {}
        let connection = try TestDatabase.connect()
        try connection.query("CREATE TEMP TABLE never_sent (n int)")
        #expect(throws: Abandon.self) {
            try connection.transaction { connection in
                connection.queue(PostgresStatement("INSERT INTO never_sent VALUES (1)"))
                throw Abandon()
            }
        }
        #expect(try connection.query("SELECT count(*)::int AS n FROM never_sent").first?.decode(Int.self, "n") == 0)
        #expect(connection.transactionStatus == .idle)
    }
}
