import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A fixed number of libpq connections, each used on a dedicated thread.
///
/// At most `size` bodies run at once, on a `NIOThreadPool` of `size` threads, so a checked-out
/// connection always has a free thread and blocking libpq calls never run on an event loop nor
/// on the Swift cooperative pool.
public final class PostgresPool: Sendable {
    private let configuration: PostgresPoolConfiguration
    private let logger: Logger
    /// Network round trips of every connection of the pool, since it started.
    public let roundTrips = PostgresRoundTrips()
    private let threadPool: NIOThreadPool
    private let state: NIOLockedValueBox<PoolState>
    /// The health probe's own connection and thread (`ping()`), outside the pool.
    private let probeThread: NIOThreadPool
    private let probe = NIOLockedValueBox(ProbeState())

    public init(configuration: PostgresPoolConfiguration, logger: Logger) {
        precondition(configuration.size > 0, "a pool needs at least one connection")
        precondition(configuration.maximumWaiters >= 0, "maximumWaiters cannot be negative")
        precondition(configuration.transactionRetryLimit >= 0, "transactionRetryLimit cannot be negative")
        self.configuration = configuration
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.size)
        self.threadPool.start()
        self.probeThread = NIOThreadPool(numberOfThreads: 1)
        self.probeThread.start()
        // Every slot starts empty: connections are made lazily, on a pool thread, at checkout.
        self.state = NIOLockedValueBox(PoolState(idle: Array(repeating: nil, count: configuration.size)))
    }

    /// Checks out a connection (waiting, FIFO, when all are busy), runs body on a dedicated
    /// thread and checks it back in. Task cancellation while body runs cancels its query.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        try await execute(body, on: try await checkOut())
    }

    /// Like `withConnection`, but only if a connection is free now: nil, without waiting, when
    /// every connection is busy.
    public func withConnectionIfFree<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T? {
        let slot = try state.withLockedValue { state -> PostgresConnection?? in
            if state.isShutDown { throw PostgresError.poolShutDown }
            return state.idle.popLast()
        }
        guard let slot else { return nil }
        return try await execute(body, on: slot)
    }

    /// Runs body with a checked-out slot on a pool thread, then checks the slot back in.
    private func execute<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T, on slot: PostgresConnection?
    ) async throws -> T {
        let cancellation = CheckoutCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                threadPool.submit { workState in
                    guard workState == .active else {
                        self.checkIn(slot)
                        continuation.resume(throwing: PostgresError.poolShutDown)
                        return
                    }
                    let (connection, outcome) = self.run(body, slot: slot, cancellation: cancellation)
                    self.checkIn(connection)
                    continuation.resume(with: outcome)
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// withConnection + conn.transaction, re-running the whole body on 40001/40P01 up to
    /// `transactionRetryLimit` times; the final error is rethrown.
    public func transaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        deadline: ContinuousClock.Instant? = nil,
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        var retries = 0
        while true {
            do {
                return try await withConnection { connection in
                    try connection.transaction(isolation: isolation, deadline: deadline, body)
                }
            } catch let error as PostgresError where error.isRetryable && retries < configuration.transactionRetryLimit {
                retries += 1
                logger.debug(
                    "retrying PostgreSQL transaction",
                    metadata: ["sqlstate": "\(error.sqlState ?? "")", "retry": "\(retries)"])
                try await backOff(retry: retries)
            }
        }
    }

    /// Idempotent: fails waiters, closes idle connections, lets running bodies finish, stops threads.
    public func shutdown() async {
        let (waiters, idle, isFirstCall) = state.withLockedValue { state in
            guard !state.isShutDown else { return ([Waiter](), [PostgresConnection?](), false) }
            state.isShutDown = true
            defer {
                state.waiters.removeAll()
                state.idle.removeAll()
            }
            return (Array(state.waiters), state.idle, true)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: PostgresError.poolShutDown) }
        guard isFirstCall else { return }
        // Dropping the connections runs PQfinish, which only sends Terminate and closes the socket.
        let closed = idle.compactMap { $0 }.count
        logger.debug("shutting down PostgreSQL pool", metadata: ["idle_connections_closed": "\(closed)"])
        try? await threadPool.shutdownGracefully()
        // A probe still running answers its waiters; its connection goes with the thread.
        try? await probeThread.shutdownGracefully()
        probe.withLockedValue { $0.connection = nil }
    }
}

// MARK: - Checkout and checkin

extension PostgresPool {
    private struct Waiter: Sendable {
        let id: Int
        let continuation: CheckedContinuation<PostgresConnection?, Error>
    }

    private struct PoolState: Sendable {
        /// Free slots; nil is a slot whose connection is not made yet (or was dropped as broken).
        var idle: [PostgresConnection?]
        var waiters = CircularBuffer<Waiter>()
        var nextWaiterID = 0
        var isShutDown = false
    }

    private enum CheckoutDecision {
        case take(PostgresConnection?)
        case fail(PostgresError)
        case wait
    }

    /// Takes a free slot, or waits FIFO for one; a cancelled task stops waiting at once.
    private func checkOut() async throws -> PostgresConnection? {
        let waiterID = state.withLockedValue { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                switch decideCheckout(Waiter(id: waiterID, continuation: continuation)) {
                case .take(let slot): continuation.resume(returning: slot)
                case .fail(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: PostgresError.cancelledWhileWaiting)
        }
    }

    private func decideCheckout(_ waiter: Waiter) -> CheckoutDecision {
        state.withLockedValue { state in
            if state.isShutDown { return .fail(.poolShutDown) }
            // Checked under the lock: if cancellation comes later, onCancel finds the waiter queued.
            if Task.isCancelled { return .fail(.cancelledWhileWaiting) }
            // The most recently returned connection first, so unopened slots stay unopened.
            if let slot = state.idle.popLast() { return .take(slot) }
            guard state.waiters.count < configuration.maximumWaiters else {
                return .fail(PostgresError(kind: .poolExhausted, message: "too many callers waiting for a connection"))
            }
            state.waiters.append(waiter)
            return .wait
        }
    }

    /// Callers queued for a connection now: lets tests wait for a caller to be queued.
    var waitingCallers: Int { state.withLockedValue { $0.waiters.count } }

    /// The pool's connections in use and callers waiting now, for metrics (sampled, not kept).
    public var statistics: PostgresPoolStatistics {
        state.withLockedValue { state in
            PostgresPoolStatistics(
                size: configuration.size, busy: state.isShutDown ? 0 : configuration.size - state.idle.count,
                waiters: state.waiters.count)
        }
    }

    /// Hands the slot to the longest waiter, or makes it free; after shutdown the connection is dropped.
    private func checkIn(_ slot: PostgresConnection?) {
        let waiter = state.withLockedValue { state -> Waiter? in
            if state.isShutDown { return nil }
            if let waiter = state.waiters.popFirst() { return waiter }
            state.idle.append(slot)
            return nil
        }
        waiter?.continuation.resume(returning: slot)
    }
}

// MARK: - Health probe

extension PostgresPool {
    struct ProbeState: Sendable {
        /// Touched only by the probe thread, and by `shutdown()` once that thread has stopped.
        var connection: PostgresConnection?
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var nextWaiterID = 0
        var running = false
    }

    /// Whether the database answers `SELECT 1` now, without queueing behind the callers that
    /// wait for a pooled connection: on a pooled connection if one is free, otherwise on the
    /// pool's own probe connection (one more session, opened on first need and kept, on a
    /// thread of its own). Concurrent pings share one probe query. A cancelled ping stops
    /// waiting and answers false.
    ///
    /// A health check must not report a database that is up as down because business calls
    /// hold every connection (and must not take as long as they do).
    public func ping() async -> Bool {
        do {
            if try await withConnectionIfFree({ try $0.query("SELECT 1") }) != nil { return true }
        } catch {
            return false
        }
        let id = probe.withLockedValue { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let start = probe.withLockedValue { state -> Bool? in
                    // Checked under the lock: if cancellation comes later, onCancel finds the waiter.
                    if Task.isCancelled { return nil }
                    state.waiters[id] = continuation
                    if state.running { return false }
                    state.running = true
                    return true
                }
                switch start {
                case nil: continuation.resume(returning: false)
                case true?:
                    probeThread.submit { workState in
                        self.finishProbe(answered: workState == .active && self.probeOnce())
                    }
                case false?: break
                }
            }
        } onCancel: {
            let waiter = probe.withLockedValue { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: false)
        }
    }

    /// Runs on the probe thread: `SELECT 1` on the probe connection, reconnecting once when the
    /// kept connection has gone bad (e.g. the database restarted).
    private func probeOnce() -> Bool {
        var connection = probe.withLockedValue { $0.connection }
        for attempt in 0..<2 {
            do {
                if connection == nil || connection!.looksBroken() {
                    connection = try PostgresConnection(conninfo: configuration.conninfo)
                }
                connection!.clearCancellation()
                try connection!.query("SELECT 1")
                probe.withLockedValue { [connection] in $0.connection = connection }
                return true
            } catch {
                let hadConnection = connection != nil
                connection = nil
                probe.withLockedValue { $0.connection = nil }
                logger.debug("health probe failed", metadata: ["error": "\(error)", "attempt": "\(attempt + 1)"])
                // A fresh connection that failed has said all there is to say.
                if !hadConnection { return false }
            }
        }
        return false
    }

    private func finishProbe(answered: Bool) {
        let waiters = probe.withLockedValue { state in
            state.running = false
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: answered) }
    }
}

// MARK: - Work on the pool thread

extension PostgresPool {
    /// Runs on a pool thread. Returns the slot to check in (nil when the connection was dropped).
    private func run<T>(
        _ body: (PostgresConnection) throws -> T, slot: PostgresConnection?, cancellation: CheckoutCancellation
    ) -> (PostgresConnection?, Result<T, Error>) {
        let connection: PostgresConnection
        do {
            connection = try ready(slot)
        } catch {
            return (nil, .failure(error))
        }
        guard cancellation.attach(connection) else {
            return (connection, .failure(PostgresError.cancelledWhileWaiting))
        }
        let outcome = Result { try body(connection) }
        cancellation.detach()
        cleanUp(connection)
        return (connection, outcome)
    }

    /// Connects an empty slot, or resets a broken connection, then runs the setup statements.
    /// A connection that fails here is dropped, so the next checkout starts afresh.
    private func ready(_ slot: PostgresConnection?) throws -> PostgresConnection {
        if let slot, !slot.looksBroken() { return slot }
        let connection: PostgresConnection
        do {
            if let slot {
                logger.notice("resetting broken PostgreSQL connection")
                try slot.reset()
                connection = slot
            } else {
                do {
                    connection = try PostgresConnection(conninfo: configuration.conninfo)
                } catch let error as PostgresError {
                    configuration.errorObserver?(error)
                    throw error
                }
                connection.roundTrips = roundTrips
                connection.errorObserver = configuration.errorObserver
            }
            for statement in configuration.connectionSetup {
                try connection.execute(script: statement)
            }
        } catch {
            logger.warning("PostgreSQL connection failed", metadata: ["error": "\(error)"])
            throw error
        }
        return connection
    }

    /// Leaves the connection as the next caller expects it: not cancelled, no open transaction.
    private func cleanUp(_ connection: PostgresConnection) {
        connection.clearCancellation()
        if connection.transactionStatus != .idle {
            logger.debug("rolling back a transaction left open by a pool caller")
            connection.rollbackIfOpen()
        }
    }

    private func backOff(retry: Int) async throws {
        // Jitter keeps transactions that just conflicted from colliding again in lockstep.
        let ceilingMilliseconds = min(200, 5 << retry)
        let delay = Int.random(in: ceilingMilliseconds / 2...ceilingMilliseconds)
        do {
            try await Task.sleep(for: .milliseconds(delay))
        } catch {
            throw PostgresError(kind: .cancelled, message: "cancelled while waiting to retry a transaction")
        }
    }
}

/// Links task cancellation to the connection a checkout is using.
///
/// One lock covers the flag and the connection, so a cancel racing with the end of the body
/// can never mark the connection cancelled after the pool has cleared it.
private final class CheckoutCancellation: Sendable {
    private struct State {
        var isCancelled = false
        var connection: PostgresConnection?
    }

    private let state = NIOLockedValueBox(State())

    func cancel() {
        state.withLockedValue { state in
            state.isCancelled = true
            state.connection?.cancel()
        }
    }

    /// Returns false when the task was cancelled before the body could start.
    func attach(_ connection: PostgresConnection) -> Bool {
        state.withLockedValue { state in
            // Not stored once cancelled: a later cancel must not reach a connection checked back in.
            guard !state.isCancelled else { return false }
            state.connection = connection
            return true
        }
    }

    func detach() {
        state.withLockedValue { state in state.connection = nil }
    }
}

/// A pool's state at one moment (`PostgresPool.statistics`).
public struct PostgresPoolStatistics: Sendable, Equatable {
    /// Connections the pool may hold (`PostgresPoolConfiguration.size`).
    public var size: Int
    /// Checked out now: running a caller's body (or connecting for it).
    public var busy: Int
    /// Callers waiting for a connection now.
    public var waiters: Int

    public init(size: Int, busy: Int, waiters: Int) {
        self.size = size
        self.busy = busy
        self.waiters = waiters
    }
}

extension PostgresError {
    static let poolShutDown = PostgresError(kind: .connection, message: "the PostgreSQL pool is shut down")
    static let cancelledWhileWaiting = PostgresError(
        kind: .cancelled, message: "cancelled before a PostgreSQL connection was available")
}
