import Foundation
import PostgresClient
import Testing

@Suite("PostgresConnection")
struct PostgresConnectionTests {
    @Test func parametersAreNeverSplicedIntoSQLText() throws {
        let connection = try TestDatabase.connect()
        try connection.query("CREATE TEMP TABLE notes (body text NOT NULL)")
        let hostile = "'); DROP TABLE notes; --"
        try connection.query("INSERT INTO notes (body) VALUES ($1)", [hostile])
        let result = try connection.query("SELECT body FROM notes")
        #expect(result.rows.count == 1)
        #expect(try result.first?.decode(String.self, "body") == hostile)
        let echoed = try connection.query("SELECT $1::text AS value", ["back\\slash \"quote\" 'single' ünïcødé $1"])
        #expect(echoed.first?["value"] == "back\\slash \"quote\" 'single' ünïcødé $1")
    }

    @Test func nullsTravelInBothDirections() throws {
        let connection = try TestDatabase.connect()
        let missingText: String? = nil
        let presentNumber: Int64? = 42
        let row = try #require(
            try connection.query("SELECT $1::text AS note, $2::int8 AS amount, NULL::int4 AS nothing", [missingText, presentNumber]).first)
        #expect(row["note"] == nil)
        #expect(row[0] == nil)
        #expect(try row.decodeIfPresent(String.self, "note") == nil)
        #expect(try row.decodeIfPresent(Int64.self, "amount") == 42)
        #expect(try row.decode(Int64.self, 1) == 42)
        #expect(try row.decodeIfPresent(Int32.self, "nothing") == nil)
        let isNull = try connection.query("SELECT $1::text IS NULL AS is_null", [missingText])
        #expect(try isNull.first?.decode(Bool.self, "is_null") == true)
    }

    @Test func encodableTypesRoundTripThroughTheServer() throws {
        let connection = try TestDatabase.connect()
        let row = try #require(
            try connection.query(
                "SELECT $1::int8 AS big, $2::int4 AS small, $3::int8 AS plain, $4::bool AS yes, $5::bool AS no",
                [Int64.max, Int32.min, -7, true, false]
            ).first)
        #expect(try row.decode(Int64.self, "big") == Int64.max)
        #expect(try row.decode(Int32.self, "small") == Int32.min)
        #expect(try row.decode(Int.self, "plain") == -7)
        #expect(try row.decode(Bool.self, "yes") == true)
        #expect(try row.decode(Bool.self, "no") == false)
    }

    @Test func stringArraysAreQuotedAndEscaped() throws {
        let connection = try TestDatabase.connect()
        let strings = ["a", "b\"c", "back\\slash", "comma,brace}{", "NULL", "", " spaced "]
        #expect(strings.postgresText == #"{"a","b\"c","back\\slash","comma,brace}{","NULL",""," spaced "}"#)
        let result = try connection.query(
            "SELECT cardinality($1::text[]) AS count, $1::text[] = ARRAY['a','b\"c','back\\slash','comma,brace}{','NULL','',' spaced '] AS same, ($1::text[])[5] IS NULL AS fifth_is_null",
            [strings])
        let row = try #require(result.first)
        #expect(try row.decode(Int.self, "count") == strings.count)
        #expect(try row.decode(Bool.self, "same") == true)
        #expect(try row.decode(Bool.self, "fifth_is_null") == false)
        let empty = try connection.query("SELECT cardinality($1::text[]) AS count", [[String]()])
        #expect(try empty.first?.decode(Int.self, "count") == 0)
    }

    @Test func stringArrayElementsRoundTripByteForByteWhateverTheirCharacters() throws {
        // A quote or backslash followed by a combining mark is one Character with the mark:
        // the escaping works on UTF-8 bytes, so such an element still arrives intact.
        let connection = try TestDatabase.connect()
        let strings = ["\"\u{301}", "\\\u{301}x", "đồng \"Việt\"", "{\"json\": [1, \"a,b\"]}", "tab\there", "😀\"😀"]
        let result = try connection.query(
            "SELECT i::int AS i, x, octet_length(x) AS size FROM unnest($1::text[]) WITH ORDINALITY AS u(x, i) ORDER BY i", [strings])
        #expect(result.rows.count == strings.count)
        for (row, expected) in zip(result.rows, strings) {
            #expect(row["x"] == expected)
            #expect(try row.decode(Int.self, "size") == expected.utf8.count)
        }
    }

    @Test func integerArraysAndByteaAreSentInTextFormat() throws {
        let connection = try TestDatabase.connect()
        let numbers: [Int64] = [1, -2, Int64.max]
        let bytes: [UInt8] = [0x00, 0x7f, 0xde, 0xad, 0xff]
        let row = try #require(
            try connection.query(
                "SELECT array_to_string($1::int8[], ';') AS numbers, encode($2::bytea, 'hex') AS hex, length($2::bytea) AS size",
                [numbers, bytes]
            ).first)
        #expect(row["numbers"] == "1;-2;9223372036854775807")
        #expect(row["hex"] == "007fdeadff")
        #expect(try row.decode(Int.self, "size") == 5)
    }

    @Test func decodingBadTextOrNullThrowsDecodingErrorNamingTheColumn() throws {
        let connection = try TestDatabase.connect()
        let row = try #require(try connection.query("SELECT 'abc' AS amount, NULL::text AS memo, 'yes' AS flag").first)
        let badNumber = expectPostgresError { _ = try row.decode(Int64.self, "amount") }
        #expect(badNumber?.kind == .decoding)
        #expect(badNumber?.message.contains("amount") == true)
        #expect(badNumber?.message.contains("abc") == false)
        let null = expectPostgresError { _ = try row.decode(String.self, 1) }
        #expect(null?.kind == .decoding)
        #expect(null?.message.contains("memo") == true)
        let badBool = expectPostgresError { _ = try row.decodeIfPresent(Bool.self, "flag") }
        #expect(badBool?.kind == .decoding)
        let missing = expectPostgresError { _ = try row.decode(String.self, "no_such_column") }
        #expect(missing?.kind == .decoding)
    }

    @Test func serverErrorCarriesFieldsAndDescriptionHidesSQLAndValues() throws {
        let connection = try TestDatabase.connect()
        try connection.query("""
            CREATE TEMP TABLE ledger_accounts (
                code text PRIMARY KEY,
                balance bigint NOT NULL CONSTRAINT account_non_negative CHECK (balance >= 0))
            """)
        let secret = "secret-account-code-77"
        let error = expectPostgresError {
            try connection.query("INSERT INTO ledger_accounts (code, balance) VALUES ($1, $2)", [secret, Int64(-987654)])
        }
        #expect(error?.kind == .server)
        #expect(error?.sqlState == "23514")
        #expect(error?.constraint == "account_non_negative")
        #expect(error?.table == "ledger_accounts")
        #expect(error?.severity == "ERROR")
        #expect(error?.description == "PostgreSQL error 23514 (constraint account_non_negative)")
        for leak in ["INSERT", "ledger_accounts (code", secret, "987654"] {
            #expect(error?.description.contains(leak) == false)
        }
        #expect(error?.debugDescription.contains("account_non_negative") == true)
        #expect(error?.isRetryable == false)
        #expect(error?.isConnectionFailure == false)
    }

    @Test func uniqueViolationIsRecognised() throws {
        let connection = try TestDatabase.connect()
        try connection.query("CREATE TEMP TABLE codes (code text CONSTRAINT codes_pkey PRIMARY KEY)")
        try connection.query("INSERT INTO codes VALUES ($1)", ["EUR"])
        let error = expectPostgresError { try connection.query("INSERT INTO codes VALUES ($1)", ["EUR"]) }
        #expect(error?.isUniqueViolation == true)
        #expect(error?.constraint == "codes_pkey")
        #expect(error?.detail?.contains("EUR") == true)
        #expect(error?.description.contains("EUR") == false)
    }

    @Test func affectedRowsCountsTheRowsACommandTouched() throws {
        let connection = try TestDatabase.connect()
        try connection.query("CREATE TEMP TABLE items (n int)")
        #expect(try connection.query("INSERT INTO items SELECT generate_series(1, 3)").affectedRows == 3)
        #expect(try connection.query("UPDATE items SET n = n + 1 WHERE n > 1").affectedRows == 2)
        #expect(try connection.query("SELECT * FROM items").affectedRows == 3)
        #expect(try connection.query("SET search_path = public").affectedRows == 0)
    }

    @Test func executeScriptRunsSeveralStatementsAndStopsAtTheFirstError() throws {
        let connection = try TestDatabase.connect()
        try connection.execute(script: "CREATE TEMP TABLE steps (n int); INSERT INTO steps VALUES (1); INSERT INTO steps VALUES (2);")
        #expect(try connection.query("SELECT count(*) AS c FROM steps").first?.decode(Int.self, "c") == 2)
        let error = expectPostgresError {
            try connection.execute(script: "INSERT INTO steps VALUES (3); SELECT 1/0; INSERT INTO steps VALUES (4);")
        }
        #expect(error?.sqlState == "22012")
        // A multi-statement script is one implicit transaction, so the first insert is undone too.
        #expect(try connection.query("SELECT count(*) AS c FROM steps").first?.decode(Int.self, "c") == 2)
    }

    @Test func badConninfoThrowsConnectionErrorWithoutLeakingThePassword() throws {
        let password = "Sup3rS3cretPassw0rd"
        for conninfo in [
            "postgresql://treasury:\(password)@127.0.0.1:1/treasury?connect_timeout=2",
            "host=127.0.0.1 port=1 user=treasury password=\(password) connect_timeout=2",
            "not a valid conninfo password=\(password)",
        ] {
            let error = expectPostgresError { _ = try PostgresConnection(conninfo: conninfo) }
            #expect(error?.kind == .connection)
            #expect(error?.isConnectionFailure == true)
            #expect(error?.description.contains(password) == false)
            #expect(error?.message.contains(password) == false)
            #expect(error?.message.isEmpty == false)
        }
    }

    @Test func transactionStatusFollowsTheSession() throws {
        let connection = try TestDatabase.connect()
        #expect(connection.transactionStatus == .idle)
        #expect(connection.isHealthy)
        try connection.query("BEGIN")
        #expect(connection.transactionStatus == .inTransaction)
        _ = expectPostgresError { try connection.query("SELECT 1/0") }
        #expect(connection.transactionStatus == .inError)
        try connection.query("ROLLBACK")
        #expect(connection.transactionStatus == .idle)
    }

    @Test func resetReconnectsToANewBackend() throws {
        let connection = try TestDatabase.connect()
        let before = connection.backendPID
        try connection.reset()
        #expect(connection.backendPID != before)
        #expect(try connection.query("SELECT 1 AS one").first?.decode(Int.self, "one") == 1)
    }

    @Test func cancelFromAnotherThreadEndsTheRunningQueryAndBlocksLaterQueries() async throws {
        let connection = try TestDatabase.connect()
        let started = ContinuousClock.now
        async let outcome: Result<PostgresResult, PostgresError> = TestDatabase.onThread {
            Result { try connection.query("SELECT pg_sleep(30)") }.mapError { $0 as! PostgresError }
        }
        // Cancel only once the server is running the query, so the cancel hits it mid-flight.
        let observer = try TestDatabase.connect()
        try await waitFor("the query runs") {
            try TestDatabase.isRunning(connection.backendPID, "SELECT pg_sleep(30)", observer: observer)
        }
        connection.cancel()
        let error = try await outcome.failureValue
        // Far sooner than the 30 s the query asked for, even on a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(error?.kind == .cancelled)
        #expect(error?.isQueryCanceled == true)
        #expect(connection.isCancelled)
        let later = expectPostgresError { try connection.query("SELECT 1") }
        #expect(later?.kind == .cancelled)
        connection.clearCancellation()
        #expect(try connection.query("SELECT 1 AS one").first?.decode(Int.self, "one") == 1)
    }

    @Test func statementTimeoutIsAServerErrorNotACancellation() throws {
        let connection = try TestDatabase.connect()
        try connection.query("SET statement_timeout = '100ms'")
        let error = expectPostgresError { try connection.query("SELECT pg_sleep(5)") }
        #expect(error?.kind == .server)
        #expect(error?.isQueryCanceled == true)
    }

    @Test func parameterWithNULByteIsRejectedBeforeSending() throws {
        let connection = try TestDatabase.connect()
        let error = expectPostgresError { try connection.query("SELECT $1::text", ["a\u{0}b"]) }
        #expect(error?.sqlState == "22021")
        #expect(try connection.query("SELECT 1 AS one").first?["one"] == "1")
    }

    @Test func emptyConninfoConnectsThroughPGEnvironmentVariables() async throws {
        // setenv is unsafe while other test threads read the environment, so a child process does it.
        await #expect(processExitsWith: .success) {
            let target = try TestDatabase.connect()
            let row = try #require(
                try target.query("""
                    SELECT current_user AS usr, current_database() AS db, inet_server_port() AS port,
                           host(inet_server_addr()) AS addr, current_setting('unix_socket_directories') AS sockets
                    """).first)
            let socketDirectory = row["sockets"]?.split(separator: ",").first.map(String.init)
            setenv("PGHOST", row["addr"] ?? socketDirectory ?? "/tmp", 1)
            setenv("PGPORT", try row.decode(String.self, "port"), 1)
            setenv("PGUSER", try row.decode(String.self, "usr"), 1)
            setenv("PGDATABASE", try row.decode(String.self, "db"), 1)
            setenv("PGAPPNAME", "treasury_env_probe", 1)
            let fromEnvironment = try PostgresConnection(conninfo: "")
            let name = try fromEnvironment.query("SELECT current_setting('application_name') AS name").first
            guard name?["name"] == "treasury_env_probe" else { exit(1) }
        }
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
