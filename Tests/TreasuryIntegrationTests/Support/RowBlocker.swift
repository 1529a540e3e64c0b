import Foundation
import PostgresClient
import Testing

/// Holds one row FOR UPDATE in an open transaction, so that a call that locks that row waits
/// inside the database until `release()`: a way to keep a call in flight for as long as a test
/// needs, without timing.
struct RowBlocker {
    private let connection: PostgresConnection
    private let environment: TestEnvironment
    private let pid: Int64

    /// A bank row: a call whose foreign key check locks it FOR KEY SHARE waits.
    init(_ environment: TestEnvironment, bank: String) throws {
        try self.init(environment, locking: "SELECT code FROM banks WHERE code = $1 FOR UPDATE", bank)
    }

    /// An account row: a call that moves money from or to the account waits.
    init(_ environment: TestEnvironment, account: String) throws {
        try self.init(environment, locking: "SELECT account_no FROM accounts WHERE account_no = $1 FOR UPDATE", account)
    }

    private init(_ environment: TestEnvironment, locking statement: String, _ key: String) throws {
        self.environment = environment
        connection = try environment.database()
        try connection.query("BEGIN")
        try #require(try connection.query(statement, [key]).rows.count == 1, "the row to hold exists")
        pid = try #require(try connection.query("SELECT pg_backend_pid() AS pid").first?.decode(Int64.self, "pid"))
    }

    /// Backends waiting on this blocker's locks now.
    func blockedBackends() throws -> Int64 {
        try environment.database().query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))", [pid]
        ).first!.decode(Int64.self, "n")
    }

    /// Ends the transaction: the waiting calls go on.
    func release() throws {
        try connection.query("COMMIT")
    }
}

/// Polls `condition` every 20 ms; after 60 s records an issue naming `what` and throws.
func waitUntil(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
) async throws {
    let limit = ContinuousClock.now + .seconds(60)
    while try await !condition() {
        guard ContinuousClock.now < limit else {
            Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
