import PostgresClient
import Testing

@Suite("PostgresConnection.transaction")
struct TransactionTests {
    struct AbortTransfer: Error, Equatable {}

    private func makeAccounts(_ connection: PostgresConnection) throws {
        try connection.query("CREATE TEMP TABLE accounts (code text PRIMARY KEY, balance bigint NOT NULL)")
        try connection.query("INSERT INTO accounts VALUES ('a', 100), ('b', 0)")
    }

    private func balance(_ connection: PostgresConnection, _ code: String) throws -> Int64 {
        try connection.query("SELECT balance FROM accounts WHERE code = $1", [code]).first!.decode(Int64.self, "balance")
    }

    @Test func commitsTheBodyAndReturnsItsValue() throws {
        let connection = try TestDatabase.connect()
        try makeAccounts(connection)
        let moved = try connection.transaction(isolation: .repeatableRead) { connection -> Int in
            try connection.query("UPDATE accounts SET balance = balance - 30 WHERE code = 'a'")
            try connection.query("UPDATE accounts SET balance = balance + 30 WHERE code = 'b'")
            return 30
        }
        #expect(moved == 30)
        #expect(try balance(connection, "b") == 30)
        #expect(connection.transactionStatus == .idle)
    }

    @Test func rollsBackAndRethrowsASwiftErrorUnchanged() throws {
        let connection = try TestDatabase.connect()
        try makeAccounts(connection)
        #expect(throws: AbortTransfer()) {
            try connection.transaction { connection in
                try connection.query("UPDATE accounts SET balance = 0 WHERE code = 'a'")
                throw AbortTransfer()
            }
        }
        #expect(try balance(connection, "a") == 100)
        #expect(connection.transactionStatus == .idle)
    }

    @Test func rollsBackAndRethrowsASQLError() throws {
        let connection = try TestDatabase.connect()
        try makeAccounts(connection)
        let error = expectPostgresError {
            try connection.transaction { connection in
                try connection.query("UPDATE accounts SET balance = 0 WHERE code = 'a'")
                try connection.query("INSERT INTO accounts VALUES ('b', 1)")
            }
        }
        #expect(error?.isUniqueViolation == true)
        #expect(try balance(connection, "a") == 100)
        #expect(connection.transactionStatus == .idle)
    }

    @Test func deferredConstraintFailingAtCommitThrowsPostgresError() throws {
        let connection = try TestDatabase.connect()
        try connection.execute(script: """
            CREATE TEMP TABLE parents (id int PRIMARY KEY);
            CREATE TEMP TABLE children (parent_id int CONSTRAINT children_parent_fk
                REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);
            """)
        let error = expectPostgresError {
            try connection.transaction { connection in
                try connection.query("INSERT INTO children VALUES ($1)", [999])
                return ()
            }
        }
        #expect(error?.kind == .server)
        #expect(error?.sqlState == "23503")
        #expect(error?.constraint == "children_parent_fk")
        #expect(connection.transactionStatus == .idle)
        #expect(try connection.query("SELECT count(*) AS c FROM children").first?.decode(Int.self, "c") == 0)
    }

    @Test func bodyThatSwallowsASQLErrorIsNotReportedAsCommitted() throws {
        let connection = try TestDatabase.connect()
        try makeAccounts(connection)
        let error = expectPostgresError {
            try connection.transaction { connection in
                try connection.query("UPDATE accounts SET balance = 0 WHERE code = 'a'")
                _ = try? connection.query("SELECT 1/0")
            }
        }
        #expect(error?.sqlState == "25P02")
        #expect(try balance(connection, "a") == 100)
        #expect(connection.transactionStatus == .idle)
    }
}
