import PostgresClient
import Testing

/// A COMMIT whose wait for a synchronous standby was cut short counts only once the standby
/// has the transaction (PostgresConnection.commitConfirmingReplication; FailoverTests shows the
/// false OKs it prevents). PostgreSQL says so with a plain WARNING (SQLSTATE 01000) during
/// COMMIT; a deferred trigger that raises one stands for it here, as a test cluster has no
/// standby: the COMMIT is then followed by a barrier transaction, one more round trip.
@Suite struct CommitCancellationTests {
    /// A table whose inserts make COMMIT raise `level` (a deferred constraint trigger).
    private func makeTable(_ connection: PostgresConnection, raising level: String) throws {
        try connection.execute(script: """
            CREATE TEMP TABLE noisy_commit (id int PRIMARY KEY);
            CREATE FUNCTION pg_temp.raise_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE \(level) 'at commit'; RETURN NULL; END $$;
            CREATE CONSTRAINT TRIGGER raise_at_commit AFTER INSERT ON noisy_commit DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION pg_temp.raise_at_commit();
            """)
    }

    /// Round trips of one transaction that inserts a row, on a new connection.
    private func roundTripsOfATransaction(raising level: String) throws -> Int {
        let connection = try TestDatabase.connect()
        try makeTable(connection, raising: level)
        let counter = PostgresRoundTrips()
        connection.roundTrips = counter
        let inserted = try connection.transaction(deadline: .now + .seconds(60)) { connection in
            try connection.query("INSERT INTO noisy_commit VALUES (1)")
            return 1
        }
        let trips = counter.total
        #expect(inserted == 1)
        #expect(connection.transactionStatus == .idle)
        #expect(try connection.query("SELECT count(*)::int AS n FROM noisy_commit").first?.decode(Int.self, "n") == 1)
        return trips
    }

    @Test func aCommitThatWarnsIsConfirmedByABarrierTransactionAndOneWithANoticeIsNot() throws {
        let warning = try roundTripsOfATransaction(raising: "WARNING")
        let notice = try roundTripsOfATransaction(raising: "NOTICE")
        #expect(warning == notice + 1, "the barrier is one round trip more: \(warning) against \(notice)")
    }
}
