extension PostgresConnection {
    /// BEGIN [ISOLATION LEVEL ...]; body; COMMIT.
    ///
    /// On any error: ROLLBACK (if the connection is alive) and rethrow the body's error unchanged.
    /// A COMMIT failure (e.g. a deferred constraint) throws the PostgresError from COMMIT.
    ///
    /// With a `deadline`, the time left until it becomes the transaction's statement_timeout,
    /// sent with BEGIN in one round trip; a deadline already past throws CancellationError
    /// before anything is sent.
    public func transaction<T>(
        isolation: IsolationLevel = .readCommitted, deadline: ContinuousClock.Instant? = nil, _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        let status = transactionStatus
        precondition(
            status != .inTransaction && status != .inError,
            "PostgresConnection.transaction called inside an open transaction; nesting is not supported")
        // BEGIN (and the deadline) go out with the body's first query or with COMMIT: no round
        // trip of their own.
        queue(PostgresStatement("BEGIN ISOLATION LEVEL \(isolation.rawValue)"))
        if let deadline {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                discardQueued()
                throw CancellationError()
            }
            let milliseconds = max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
            queue(PostgresStatement("SELECT set_config('statement_timeout', $1, true)", [String(milliseconds)]))
        }
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackIfOpen()
            throw error
        }
        try commit()
        return value
    }

    private func commit() throws {
        // A body that caught a SQL error leaves the transaction aborted; COMMIT would then
        // report success while rolling back, so say what happened instead.
        if transactionStatus == .inError {
            rollbackIfOpen()
            throw PostgresError(
                kind: .server, message: "the transaction was aborted by an earlier error and rolled back",
                sqlState: "25P02")
        }
        do {
            // With whatever the body queued to go out with it (e.g. the call's idempotency record);
            // a success is one a synchronous standby has (commitConfirmingReplication).
            try commitConfirmingReplication()
        } catch {
            rollbackIfOpen()
            throw error
        }
    }

    /// Best effort: a failure here is already recorded on the connection, and the caller's
    /// original error matters more.
    func rollbackIfOpen() {
        discardQueued()
        guard isHealthy, transactionStatus != .idle else { return }
        try? executeIgnoringCancellation("ROLLBACK")
    }
}
