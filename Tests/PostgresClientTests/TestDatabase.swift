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

extension TestDatabase {
    /// Whether backend `pid` is running `statement` now, as another session sees it.
    static func isRunning(_ pid: Int32, _ statement: String, observer: PostgresConnection) throws -> Bool {
        try observer.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query = $2", [pid, statement]
        ).first?.decode(Int.self, "n") == 1
    }
}

/// Polls `condition` every 20 ms until it holds; after `timeout` the test fails, naming `what`.
func waitFor(
    _ what: String, timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        try #require(ContinuousClock.now < deadline, "timed out waiting until \(what)", sourceLocation: sourceLocation)
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// Keeps a pool body, and so its connection, busy until the test calls `release()` (30 s at most,
/// so that a failing test ends); `isHeld` says that the body has started.
final class ConnectionHold: @unchecked Sendable {
    private let started = Shared(false)
    private let released = DispatchSemaphore(value: 0)

    var isHeld: Bool { started.value }

    /// Called by the body, on a pool thread.
    func hold() {
        started.update { $0 = true }
        _ = released.wait(timeout: .now() + 30)
    }

    func release() { released.signal() }
}

/// Lets `count` pool bodies go on only once all of them run at the same time (each waits 30 s at most).
final class Barrier: @unchecked Sendable {
    private let group = DispatchGroup()

    init(_ count: Int) {
        for _ in 0..<count { group.enter() }
    }

    /// Called once by each of the `count` bodies, on a pool thread.
    func arriveAndWait() {
        group.leave()
        _ = group.wait(timeout: .now() + 30)
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
