import CLibPQ
import Synchronization
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public enum TransactionStatus: Sendable {
    case idle, active, inTransaction, inError, unknown
}

public enum IsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

/// One libpq connection. Blocking; used by one thread at a time (the pool guarantees it).
///
/// Only `cancel()`, `clearCancellation()` and `isCancelled` may be called from another thread
/// while a query runs; they share state under `cancelLock`.
/// Counts the network round trips of the connections that share it (a pool's): each query,
/// PREPARE, script or pipeline flush is one exchange with the server.
public final class PostgresRoundTrips: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    public var total: Int { count.load(ordering: .relaxed) }

    func add() { count.add(1, ordering: .relaxed) }
}

public final class PostgresConnection: @unchecked Sendable {
    /// Where this connection counts its round trips (set by the pool that opened it).
    public var roundTrips: PostgresRoundTrips?
    /// Told of every error the server reports and of every lost connection (once, until the
    /// connection is reset), e.g. for metrics; set by the pool that opened it. Called on the
    /// thread that uses the connection: it must be quick.
    public var errorObserver: (@Sendable (PostgresError) -> Void)?
    /// The PGconn; touched only by the thread that currently uses the connection.
    let handle: OpaquePointer
    /// Set when an error showed the connection is unusable, so the pool reconnects before reuse.
    private(set) var lastErrorWasConnectionFailure = false

    private let cancelLock = NIOLock()
    /// The PGcancel used by `cancel()`; replaced by `reset()`. Guarded by `cancelLock`.
    private var cancelHandle: OpaquePointer?
    /// Guarded by `cancelLock`.
    private var cancelled = false
    /// Guarded by `cancelLock`: cancel requests are held back (see `confirmReplication`).
    private var holdingCancelRequests = false

    /// libpq's notice receiver before ours; it prints notices to stderr as before.
    private var previousNoticeReceiver: PQnoticeReceiver?
    /// Set while a COMMIT runs (see `commitConfirmingReplication`); touched only by the thread
    /// that uses the connection, as the notice receiver runs inside its libpq calls.
    private var watchingCommit = false
    /// A plain WARNING (SQLSTATE 01000) arrived while `watchingCommit`.
    private var commitWarned = false

    /// How often a query that is still running after `cancel()` sends the cancel request again,
    /// because a request that reaches the server just before the query starts is ignored.
    private static let cancelResendIntervalMilliseconds: Int32 = 500
    private static let pollIntervalMilliseconds: Int32 = 100
    private static let maximumParameterCount = 65_535
    /// Reads spent draining unsolicited input (notices, a FATAL message) from an idle connection.
    private static let maximumIdleReads = 8

    /// conninfo: a libpq keyword/value string or a postgresql:// URI; "" means the standard PG*
    /// environment variables (.pgpass and pg_service.conf work as in psql).
    public init(conninfo: String) throws {
        guard let handle = PQconnectdb(conninfo) else {
            throw PostgresError(kind: .connection, message: "out of memory")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let error = PostgresError.connection(handle)
            PQfinish(handle)
            throw error
        }
        self.handle = handle
        self.cancelHandle = PQgetCancel(handle)
        // Kept by PQreset. The connection outlives the PGconn's callbacks: deinit runs PQfinish.
        previousNoticeReceiver = PQsetNoticeReceiver(handle, Self.noticeReceiver, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        PQfinish(handle)
    }

    /// PQexecParams semantics with text-format parameters; values are never spliced into SQL text.
    ///
    /// Each distinct SQL text is prepared once per session (PQprepare, parameter types inferred
    /// as PQexecParams infers them) and then executed by name, so the server parses and plans it
    /// once instead of on every call. Errors are the same as unprepared: a statement that fails
    /// to prepare fails the query with the server's error.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> PostgresResult {
        if !queued.isEmpty {
            return try sendQueued(with: PostgresStatement(sql, parameters))!
        }
        try throwIfCancelled()
        let texts = parameters.map(\.postgresText)
        try validate(parameters: texts)
        let name = try preparedName(for: sql)
        let sent = withCStrings(texts) { values in
            if let name {
                PQsendQueryPrepared(handle, name, Int32(values.count), values, nil, nil, 0)
            } else {
                PQsendQueryParams(handle, sql, Int32(values.count), nil, values, nil, nil, 0)
            }
        }
        guard sent == 1 else { throw failure(.connection(handle)) }
        do {
            return try collectResults(resendingCancel: true)
        } catch let error as PostgresError where error.sqlState == "0A000" && name != nil {
            // "cached plan must not change result type": the schema changed under the statement;
            // forget it so the next call prepares it afresh.
            prepared[sql] = nil
            throw error
        }
    }

    /// Statements waiting to go out in the same flush as the next query (see `queue`), each
    /// with the place its result goes.
    private var queued: [(statement: PostgresStatement, pending: PostgresPending)] = []

    /// Statements prepared in this session, by SQL text. Touched only by the thread using the connection.
    private var prepared: [String: String] = [:]
    private var preparedCount = 0
    /// Beyond this many, further SQL texts run unprepared (a guard against generated SQL).
    static let maximumPreparedStatements = 512

    private func preparedName(for sql: String) throws -> String? {
        if let name = prepared[sql] { return name }
        guard prepared.count < Self.maximumPreparedStatements else { return nil }
        preparedCount += 1
        let name = "treasury_\(preparedCount)"
        guard PQsendPrepare(handle, name, sql, 0, nil) == 1 else { throw failure(.connection(handle)) }
        _ = try collectResults(resendingCancel: true)
        prepared[sql] = name
        return name
    }

    /// PQexec semantics: SQL text with no parameters that may hold several statements (migrations).
    public func execute(script: String) throws {
        // A script may hold several statements, which a pipeline cannot carry: what is queued
        // (e.g. a transaction's BEGIN) goes out first, on its own.
        try sendQueued()
        try throwIfCancelled()
        guard PQsendQuery(handle, script) == 1 else { throw failure(.connection(handle)) }
        _ = try collectResults(resendingCancel: true)
    }

    /// Runs a statement even after `cancel()`, for cleanup such as ROLLBACK.
    func executeIgnoringCancellation(_ sql: String) throws {
        guard PQsendQuery(handle, sql) == 1 else { throw failure(.connection(handle)) }
        _ = try collectResults(resendingCancel: false)
    }

    public var transactionStatus: TransactionStatus {
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_ACTIVE: .active
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .inError
        default: .unknown
        }
    }

    public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    public var backendPID: Int32 { PQbackendPID(handle) }

    /// PQreset: closes and reopens the connection with the same parameters.
    public func reset() throws {
        PQreset(handle)
        // A new attempt: if it fails, that failure is reported as a new one.
        lastErrorWasConnectionFailure = false
        // A new session: the old one's prepared statements are gone.
        prepared.removeAll()
        let healthy = isHealthy
        // The old PGcancel names the old backend, so it is useless after a reset.
        let replacement = healthy ? PQgetCancel(handle) : nil
        cancelLock.withLock {
            if let cancelHandle { PQfreeCancel(cancelHandle) }
            cancelHandle = replacement
        }
        guard healthy else { throw failure(.connection(handle)) }
        lastErrorWasConnectionFailure = false
    }
}

// MARK: - Cancellation

extension PostgresConnection {
    /// Thread-safe: asks the server to cancel the running query (PQcancel), and makes every later
    /// query throw `.cancelled` until `clearCancellation()`.
    public func cancel() {
        cancelLock.withLock {
            cancelled = true
            if !holdingCancelRequests { sendCancelRequestLocked() }
        }
    }

    public func clearCancellation() {
        cancelLock.withLock { cancelled = false }
    }

    public var isCancelled: Bool {
        cancelLock.withLock { cancelled }
    }

    private func resendCancelRequestIfCancelled() {
        cancelLock.withLock {
            if cancelled, !holdingCancelRequests { sendCancelRequestLocked() }
        }
    }

    /// Must hold `cancelLock`, so `reset()` cannot free the PGcancel while PQcancel uses it.
    private func sendCancelRequestLocked() {
        guard let cancelHandle else { return }
        var errorBuffer = [CChar](repeating: 0, count: 256)
        // A failed request is not an error of the query; the query then simply runs to its end.
        _ = PQcancel(cancelHandle, &errorBuffer, Int32(errorBuffer.count))
    }

    private func throwIfCancelled() throws {
        if isCancelled {
            throw PostgresError(kind: .cancelled, message: "the connection was cancelled; no query was sent")
        }
    }
}

// MARK: - COMMIT and synchronous standbys

extension PostgresConnection {
    /// COMMIT, confirmed as replicated when PostgreSQL cut its wait for a synchronous standby short.
    ///
    /// A cancel request (task cancellation at a call's deadline, a client's cancel, an
    /// administrator's pg_cancel_backend) that reaches a COMMIT waiting for a synchronous standby
    /// ends the wait, and PostgreSQL then reports the COMMIT as successful with only a WARNING
    /// (SQLSTATE 01000, "canceling wait for synchronous replication due to user request: The
    /// transaction has already committed locally, but might not have been replicated to the
    /// standby"). Reported as success, such a transaction would be acknowledged although a
    /// failover to that standby loses it. So when a plain WARNING comes with the COMMIT, its
    /// success counts only once the standby has the transaction (`confirmReplication`); if that
    /// cannot be confirmed, the outcome is unknown: a connection error, as for a connection lost
    /// during COMMIT. (statement_timeout never cuts the wait: the server turns it off before
    /// committing.)
    func commitConfirmingReplication() throws {
        commitWarned = false
        watchingCommit = true
        defer { watchingCommit = false }
        try query("COMMIT")
        guard commitWarned else { return }
        try confirmReplication()
    }

    /// Waits until the synchronous standby has everything this session committed: a barrier
    /// transaction writes WAL (a logical message, which physical standbys ignore), so its COMMIT
    /// waits for the standby, and its commit record comes after the one to confirm. Cancel
    /// requests are held back meanwhile; one sent before may still arrive and cut the barrier
    /// short in turn, hence a few attempts. Without a synchronous standby it is one round trip.
    private func confirmReplication() throws {
        cancelLock.withLock { holdingCancelRequests = true }
        defer { cancelLock.withLock { holdingCancelRequests = false } }
        var last: PostgresError?
        for _ in 0..<5 {
            commitWarned = false
            do {
                try executeIgnoringCancellation(
                    "BEGIN; SELECT pg_logical_emit_message(true, 'treasury', 'replication barrier'); COMMIT")
                if !commitWarned { return }
            } catch let error as PostgresError {
                rollbackIfOpen()
                if error.isConnectionFailure { throw error }
                last = error
                guard error.isQueryCanceled else { break }
            }
        }
        let unknown = PostgresError(
            kind: .connection,
            message: "the COMMIT's wait for a synchronous standby was cancelled and the standby's copy could not be confirmed"
                + (last.map { " (\($0.sqlState ?? "") \($0.message))" } ?? "") + "; the transaction's outcome is unknown")
        // Reported like a lost connection (metrics), and the pool resets the connection.
        errorObserver?(unknown)
        lastErrorWasConnectionFailure = true
        throw unknown
    }

    /// libpq calls it, on the thread inside a libpq call, for each notice of the connection.
    private static let noticeReceiver: PQnoticeReceiver = { argument, result in
        guard let argument, let result else { return }
        Unmanaged<PostgresConnection>.fromOpaque(argument).takeUnretainedValue().received(notice: result)
    }

    private func received(notice result: OpaquePointer) {
        if watchingCommit {
            func field(_ code: Character) -> String? {
                PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
            }
            if field("V") == "WARNING", field("C") == "01000" { commitWarned = true }
        }
        previousNoticeReceiver?(nil, result)
    }
}

// MARK: - Results

extension PostgresConnection {
    private func validate(parameters: [String?]) throws {
        guard parameters.count <= Self.maximumParameterCount else {
            throw PostgresError(kind: .server, message: "too many parameters: \(parameters.count)", sqlState: "54023")
        }
        // libpq sends C strings, so a NUL would silently cut the value short; PostgreSQL text
        // cannot hold NUL anyway, so fail the way the server would.
        for (index, text) in parameters.enumerated() where text?.utf8.contains(0) == true {
            throw PostgresError(
                kind: .server, message: "parameter $\(index + 1) contains a NUL byte", sqlState: "22021")
        }
    }

    /// Reads every result of what was sent, keeping the first error, else the last result.
    private func collectResults(resendingCancel: Bool) throws -> PostgresResult {
        roundTrips?.add()
        var outcome: Result<PostgresResult, PostgresError>?
        while let result = nextResult(resendingCancel: resendingCancel) {
            defer { PQclear(result) }
            let converted = convert(result)
            if case .failure = outcome { continue }
            outcome = converted
        }
        guard let outcome else { throw failure(.connection(handle)) }
        return try outcome.get()
    }

    /// Waits for the next result without blocking inside libpq, so a cancelled query can
    /// re-send its cancel request while it waits.
    private func nextResult(resendingCancel: Bool) -> OpaquePointer? {
        var waitedMilliseconds: Int32 = 0
        while PQisBusy(handle) == 1 {
            waitForInput(milliseconds: Self.pollIntervalMilliseconds)
            // On failure the connection is bad, and PQgetResult reports why without blocking.
            if PQconsumeInput(handle) == 0 { break }
            waitedMilliseconds += Self.pollIntervalMilliseconds
            if resendingCancel, waitedMilliseconds % Self.cancelResendIntervalMilliseconds == 0 {
                resendCancelRequestIfCancelled()
            }
        }
        return PQgetResult(handle)
    }

    /// Returns true when the socket became readable within the time limit.
    @discardableResult
    func waitForInput(milliseconds: Int32) -> Bool {
        let socket = PQsocket(handle)
        guard socket >= 0 else { return true }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    private func convert(_ result: OpaquePointer) -> Result<PostgresResult, PostgresError> {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return .success(PostgresResult(copying: result))
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            return .failure(refuseCopy(result))
        default:
            return .failure(failure(PostgresError(kind: .server, result: result)))
        }
    }

    /// COPY needs a streaming API this client does not offer; end it so the connection stays usable.
    private func refuseCopy(_ result: OpaquePointer) -> PostgresError {
        switch PQresultStatus(result) {
        case PGRES_COPY_IN:
            _ = PQputCopyEnd(handle, "COPY FROM STDIN is not supported by this client")
        case PGRES_COPY_OUT:
            var buffer: UnsafeMutablePointer<CChar>?
            while PQgetCopyData(handle, &buffer, 0) > 0 { PQfreemem(buffer) }
        default:
            // COPY BOTH is replication; there is no way back to normal queries.
            lastErrorWasConnectionFailure = true
        }
        return PostgresError(kind: .server, message: "COPY is not supported by this client", sqlState: "0A000")
    }

    /// Classifies an error against the connection's state and remembers a connection failure.
    func failure(_ error: PostgresError) -> PostgresError {
        var error = error
        if !isHealthy {
            error.kind = .connection
        } else if error.isQueryCanceled, isCancelled {
            error.kind = .cancelled
        }
        // A connection that is already known to be lost fails every later statement: report it once.
        let alreadyLost = lastErrorWasConnectionFailure
        if error.isConnectionFailure { lastErrorWasConnectionFailure = true }
        if !(alreadyLost && error.isConnectionFailure) { errorObserver?(error) }
        return error
    }

    /// Checks an idle connection without a round trip: a terminated backend leaves a FATAL
    /// message and then end-of-file on the socket, which PQconsumeInput turns into CONNECTION_BAD.
    /// The message and the end-of-file may need separate reads, hence the bounded loop.
    func looksBroken() -> Bool {
        if lastErrorWasConnectionFailure || !isHealthy { return true }
        for _ in 0..<Self.maximumIdleReads where waitForInput(milliseconds: 0) {
            if PQconsumeInput(handle) == 0 { return true }
        }
        let status = transactionStatus
        return !isHealthy || status == .active || status == .unknown
    }
}

// MARK: - Pipelines

/// Where a queued statement's result arrives once it has been sent (see `queue`). Used by the
/// thread that uses the connection, like the connection itself.
public final class PostgresPending: @unchecked Sendable {
    /// Set once the statement went out: its result, or its own error (or "skipped" when an
    /// earlier statement of the flush failed).
    fileprivate(set) var outcome: Result<PostgresResult, PostgresError>?
}

/// One statement of a pipeline: SQL text and its parameters, bound as `query` binds them.
public struct PostgresStatement: Sendable {
    public var sql: String
    public var parameters: [any PostgresEncodable]

    public init(_ sql: String, _ parameters: [any PostgresEncodable] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}

extension PostgresConnection {
    /// Sends the statements in one flush and reads their results in order: one network round
    /// trip for all of them (libpq pipeline mode, one Sync). They run one after the other as
    /// `query` would run them; the server skips the statements after a failing one, and the
    /// first error is thrown once every result has been read.
    public func pipeline(_ statements: [PostgresStatement]) throws -> [PostgresResult] {
        let outcomes = try pipelineOutcomes(statements)
        return try outcomes.map { try $0.get() }
    }

    /// `pipeline`, with each statement's own outcome: a failing statement's error, and the
    /// statements after it "skipped" (25P02). Throws only when nothing could be sent.
    func pipelineOutcomes(_ statements: [PostgresStatement]) throws -> [Result<PostgresResult, PostgresError>] {
        try throwIfCancelled()
        let texts = statements.map { $0.parameters.map(\.postgresText) }
        for values in texts { try validate(parameters: values) }
        guard PQenterPipelineMode(handle) == 1 else { throw failure(.connection(handle)) }
        defer { PQexitPipelineMode(handle) }
        // A statement not prepared yet in this session is prepared inside the pipeline, just
        // before it runs, so it may name what an earlier statement of the pipeline creates.
        var preparing: [String?] = []
        for (statement, values) in zip(statements, texts) {
            var name = prepared[statement.sql]
            var newName: String?
            if name == nil, prepared.count < Self.maximumPreparedStatements {
                preparedCount += 1
                newName = "treasury_\(preparedCount)"
                guard PQsendPrepare(handle, newName, statement.sql, 0, nil) == 1 else { throw failure(.connection(handle)) }
                name = newName
            }
            preparing.append(newName)
            let sent = withCStrings(values) { values in
                if let name {
                    PQsendQueryPrepared(handle, name, Int32(values.count), values, nil, nil, 0)
                } else {
                    PQsendQueryParams(handle, statement.sql, Int32(values.count), nil, values, nil, nil, 0)
                }
            }
            guard sent == 1 else { throw failure(.connection(handle)) }
        }
        guard PQpipelineSync(handle) == 1 else { throw failure(.connection(handle)) }
        roundTrips?.add()
        var outcomes: [Result<PostgresResult, PostgresError>] = []
        for (statement, newName) in zip(statements, preparing) {
            // A statement whose PREPARE failed reports that error as its own.
            var prepareError: PostgresError?
            if let newName {
                switch readPipelinedStatement() {
                case .success?: prepared[statement.sql] = newName
                case .failure(let error)?: prepareError = error
                case nil: prepareError = failure(.connection(handle))
                }
            }
            let outcome = readPipelinedStatement() ?? .failure(failure(.connection(handle)))
            if let prepareError, case .failure(let error) = outcome, error.sqlState == "25P02" {
                outcomes.append(.failure(prepareError))
            } else {
                outcomes.append(outcome)
            }
        }
        // The Sync's own result ends the pipeline.
        if let sync = nextResult(resendingCancel: true) { PQclear(sync) }
        return outcomes
    }

    /// Queues a statement to go out in the same flush as the next `query` (or a transaction's
    /// COMMIT), saving it a round trip of its own. Its error fails that query; its result is
    /// read with `result(of:)`.
    @discardableResult
    public func queue(_ statement: PostgresStatement) -> PostgresPending {
        let pending = PostgresPending()
        queued.append((statement, pending))
        return pending
    }

    /// A queued statement's result; sends what is queued now if it has not gone out yet.
    /// Its own error when that statement failed, even if the flush it went out in failed at a
    /// later statement (so a caller can tell which statement of a flush refused).
    public func result(of pending: PostgresPending) throws -> PostgresResult {
        if pending.outcome == nil {
            do { try sendQueued() } catch where pending.outcome != nil {}
        }
        guard let outcome = pending.outcome else {
            throw PostgresError(kind: .server, message: "the queued statement was discarded before it was sent", sqlState: "25P02")
        }
        return try outcome.get()
    }

    /// Sends the queued statements, and `last` after them, in one flush; returns `last`'s result.
    /// Throws the first error of the flush, after every queued statement got its own outcome.
    @discardableResult
    private func sendQueued(with last: PostgresStatement? = nil) throws -> PostgresResult? {
        guard !queued.isEmpty else { return try last.map { try query($0.sql, $0.parameters) } }
        let sending = queued
        queued.removeAll()
        let outcomes = try pipelineOutcomes(sending.map(\.statement) + (last.map { [$0] } ?? []))
        for (entry, outcome) in zip(sending, outcomes) { entry.pending.outcome = outcome }
        let results = try outcomes.map { try $0.get() }
        return last == nil ? nil : results.last
    }

    /// Takes a queued statement back if it was not sent yet (with `andAfter`, every statement
    /// queued after it too); true if it was still queued.
    @discardableResult
    public func withdraw(_ pending: PostgresPending, andAfter: Bool = false) -> Bool {
        guard let index = queued.firstIndex(where: { $0.pending === pending }) else { return false }
        if andAfter { queued.removeSubrange(index...) } else { queued.remove(at: index) }
        return true
    }

    /// Drops the queued statements that were not sent yet; true if there were any.
    @discardableResult
    public func discardQueued() -> Bool {
        defer { queued.removeAll() }
        return !queued.isEmpty
    }

    /// One statement's results in pipeline mode: they end with a NULL result. nil when the
    /// statement was skipped after an earlier error or the connection failed.
    private func readPipelinedStatement() -> Result<PostgresResult, PostgresError>? {
        var outcome: Result<PostgresResult, PostgresError>?
        while let result = nextResult(resendingCancel: true) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_ABORTED {
                outcome = outcome ?? .failure(PostgresError(kind: .server, message: "skipped after an earlier error in the pipeline", sqlState: "25P02"))
                continue
            }
            if status == PGRES_PIPELINE_SYNC { break }
            if case .failure = outcome { continue }
            outcome = convert(result)
        }
        return outcome
    }
}

private func withCStrings<Result>(
    _ texts: [String?], _ body: ([UnsafePointer<CChar>?]) -> Result
) -> Result {
    let copies = texts.map { text in text.map { strdup($0)! } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { copy in copy.map { UnsafePointer($0) } })
}
