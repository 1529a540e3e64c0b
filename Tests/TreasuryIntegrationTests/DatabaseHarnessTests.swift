import Foundation
import Logging
import PostgresClient
import Testing
import TreasuryService

/// The migrator and the database-wide checks, against a real PostgreSQL.
@Suite struct DatabaseHarnessTests {
    let logger = Logger(label: "migrator-test")

    @Test func migrationsApplyOnceAndASecondRunAppliesNothing() throws {
        let conninfo = try TestEnvironment.createDatabase(prefix: "treasury_mig")
        let connection = try PostgresConnection(conninfo: conninfo)
        let first = try TestEnvironment.migrate(connection, logger: logger)
        #expect(first.count >= 7)
        #expect(try TestEnvironment.migrate(connection, logger: logger).isEmpty)
        let recorded = try connection.query("SELECT count(*)::int AS n FROM public.treasury_schema_migrations").first?.decode(Int.self, "n")
        #expect(recorded == first.count)
    }

    @Test func aChangedAppliedMigrationIsRefused() throws {
        let conninfo = try TestEnvironment.createDatabase(prefix: "treasury_mig")
        let connection = try PostgresConnection(conninfo: conninfo)
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: TestEnvironment.migrationsDirectory, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        _ = try TestEnvironment.migrate(connection, directory: copy, logger: logger)
        let file = copy + "/0003_identity.sql"
        try (try String(contentsOfFile: file, encoding: .utf8) + "\n-- edited after it was applied\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: Migrator.Failure.self) { _ = try TestEnvironment.migrate(connection, directory: copy, logger: logger) }
    }

    /// A database migrated with the files before the schema 1.0 baseline (other names under the
    /// same version numbers) is refused with a message that says so, and nothing is applied.
    @Test func aDatabaseMigratedWithThePreBaselineFilesIsRefusedClearly() throws {
        let conninfo = try TestEnvironment.createDatabase(prefix: "treasury_mig")
        let connection = try PostgresConnection(conninfo: conninfo)
        let applied = try TestEnvironment.migrate(connection, logger: logger)
        try connection.query("UPDATE public.treasury_schema_migrations SET name = '0001_roles_and_schema.sql' WHERE version = 1")
        try connection.query("DELETE FROM public.treasury_schema_migrations WHERE version = $1", [applied.count])
        do {
            _ = try TestEnvironment.migrate(connection, logger: logger)
            Issue.record("the migrator accepted a pre-baseline database")
        } catch let failure as Migrator.Failure {
            #expect(failure.description.contains("predates the schema 1.0 baseline"), "\(failure.description)")
        }
        let recorded = try connection.query("SELECT count(*)::int AS n FROM public.treasury_schema_migrations").first?.decode(Int.self, "n")
        #expect(recorded == applied.count - 1, "the missing last file was not applied either")
    }

    @Test func verifyFindsNothingWrongInAFreshlyUsedDatabaseAndFindsABrokenBalance() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let account = try await world.account(balance: 1_000)
        let connection = try environment.database()
        #expect(try Operations.verify(connection).isEmpty)
        // Only a superuser who disables triggers can break the rule; verify must then say so.
        // Each step is checked: a connection that cannot do this fails the test.
        try connection.query("BEGIN")
        defer { _ = try? connection.query("ROLLBACK") }
        try connection.query("SET LOCAL session_replication_role = replica")
        try connection.query("UPDATE accounts SET balance = balance + 1 WHERE account_no = $1", [account])
        let problems = try Operations.verify(connection)
        #expect(problems.contains { $0.check == "account_balance_matches_lines" && $0.problem.contains(account) })
        // With triggers off the check's row can be deleted too; verify still fails, naming it.
        try connection.query("DELETE FROM verify_checks WHERE check_name = 'account_balance_matches_lines'")
        let afterDelete = try Operations.verify(connection)
        #expect(afterDelete.contains { $0.check == "account_balance_matches_lines" && $0.problem.contains("missing") })
    }

    @Test func verifyChecksRefuseDeleteUpdateAndTruncate() async throws {
        let environment = try await TestEnvironment.get()
        let connection = try environment.database()
        for statement in [
            "DELETE FROM verify_checks WHERE check_name = 'account_balance_matches_lines'",
            "UPDATE verify_checks SET query = 'SELECT NULL::text WHERE false' WHERE check_name = 'account_balance_matches_lines'",
            "TRUNCATE verify_checks",
        ] {
            #expect(throws: PostgresError.self, "\(statement)") { try connection.query(statement) }
        }
        let registered = Set(try connection.query("SELECT check_name FROM verify_checks").rows.compactMap { $0["check_name"] })
        #expect(registered == Operations.expectedChecks)
    }
}
