import Foundation
import Logging
import PostgresClient
import Testing

/// The test cluster named by TREASURY_TEST_DATABASE_URL. Tests fail, never skip, without it.
enum TestDatabase {
    struct MissingDatabaseURL: Error, CustomStringConvertible {
        var description: String {
            "TREASURY_TEST_DATABASE_URL is not set: point it at a superuser on a disposable test cluster, "
                + "e.g. postgresql://postgres@127.0.0.1:55433/postgres"
        }
    }

    static func conninfo() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["TREASURY_TEST_DATABASE_URL"], !url.isEmpty else {
            throw MissingDatabaseURL()
        }
        return url
    }

    /// The test conninfo with an application_name added, to find a pool's sessions in pg_stat_activity.
    static func conninfo(applicationName: String) throws -> String {
        let base = try conninfo()
        guard base.hasPrefix("postgresql://") || base.hasPrefix("postgres://") else {
            return base + " application_name=\(applicationName)"
        }
        return base + (base.contains("?") ? "&" : "?") + "application_name=\(applicationName)"
    }

    static func connect() throws -> PostgresConnection {
        try PostgresConnection(conninfo: conninfo())
    }

    /// A name no parallel test uses, for tables that several connections must share.
    static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    static func withPool<T>(
        size: Int, applicationName: String? = nil, configure: (inout PostgresPoolConfiguration) -> Void = { _ in },
        _ body: (PostgresPool) async throws -> T
    ) async throws -> T {
        let poolConninfo = try applicationName.map { try conninfo(applicationName: $0) } ?? conninfo()
        var configuration = PostgresPoolConfiguration(conninfo: poolConninfo, size: size)
        configure(&configuration)
        let pool = PostgresPool(configuration: configuration, logger: Logger(label: "PostgresClientTests"))
        do {
            let value = try await body(pool)
            await pool.shutdown()
            return value
        } catch {
            await pool.shutdown()
            throw error
        }
    }

    /// Runs blocking work on its own thread, as tests must not block the cooperative pool either.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}

/// A lock-protected value shared between a test and the bodies it hands to a pool.
final class Shared<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storedValue: Value

    init(_ value: Value) { storedValue = value }

    var value: Value { lock.withLock { storedValue } }

    @discardableResult
    func update<R>(_ change: (inout Value) -> R) -> R { lock.withLock { change(&storedValue) } }
}

/// Catches the PostgresError a throwing expression must raise.
func expectPostgresError(
    _ sourceLocation: SourceLocation = #_sourceLocation, _ work: () throws -> Void
) -> PostgresError? {
    do {
        try work()
        Issue.record("expected a PostgresError, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as PostgresError {
        return error
    } catch {
        Issue.record("expected a PostgresError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
