import TreasuryProtocol

/// The calls in flight on one connection: duplicate ids, cancel lines, the concurrency limit
/// and the end of a graceful shutdown all go through it.
///
/// A call's id is released just before its terminal line is written (PROTOCOL.md: a call stops
/// being in flight when its terminal line is sent, so a client that read it may reuse the id at
/// once); the call still holds its concurrency slot, and counts for a graceful shutdown, until
/// the line is written.
final class CallRegistry: Sendable {
    private struct Entry {
        var task: Task<CallOutcome, Never>?
        var cancelRequested = false
    }

    private struct State {
        /// Ids of calls whose terminal line is not yet being written.
        var calls: [CallID: Entry] = [:]
        /// Calls whose terminal line is not yet written (ids released or not).
        var unanswered = 0
        var slotWaiters: [CheckedContinuation<Void, Never>] = []
        /// Set when the connection is ending: every call is cancelled and nothing waits.
        var closing = false
        var shuttingDown = false
        var highestInFlight = 0
    }

    let maximumConcurrentCalls: Int
    private let state = LockedState(State())

    init(maximumConcurrentCalls: Int) {
        precondition(maximumConcurrentCalls > 0)
        self.maximumConcurrentCalls = maximumConcurrentCalls
    }

    var count: Int { state.withLock { $0.unanswered } }
    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }
    var isClosing: Bool { state.withLock { $0.closing } }

    func contains(_ id: CallID) -> Bool { state.withLock { $0.calls[id] != nil } }

    /// Reserves `id` for a new call; false when it is already in flight.
    func reserve(_ id: CallID) -> Bool {
        state.withLock { state in
            guard state.calls[id] == nil else { return false }
            state.calls[id] = Entry()
            state.unanswered += 1
            state.highestInFlight = max(state.highestInFlight, state.unanswered)
            return true
        }
    }

    /// Gives a reserved call its task, cancelling it at once if the connection is ending.
    func attach(_ id: CallID, task: Task<CallOutcome, Never>) {
        let cancel = state.withLock { state -> Bool in
            guard state.calls[id] != nil else { return false }
            state.calls[id]!.task = task
            return state.closing || state.calls[id]!.cancelRequested
        }
        if cancel { task.cancel() }
    }

    /// Cancels call `id` if it is in flight; an unknown id is ignored.
    func cancel(_ id: CallID) {
        let task = state.withLock { state -> Task<CallOutcome, Never>? in
            guard state.calls[id] != nil else { return nil }
            state.calls[id]!.cancelRequested = true
            return state.calls[id]!.task
        }
        task?.cancel()
    }

    /// Frees a finished call's id, just before its terminal line is written.
    func release(_ id: CallID) {
        state.withLock { state in _ = state.calls.removeValue(forKey: id) }
    }

    /// Counts a call's terminal line as written, freeing its slot. Returns true when it was the
    /// last call of a connection that is shutting down, so the connection can now close.
    func finish() -> Bool {
        let (waiter, drained) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
            state.unanswered -= 1
            let waiter = state.slotWaiters.isEmpty ? nil : state.slotWaiters.removeFirst()
            return (waiter, state.shuttingDown && state.unanswered == 0)
        }
        waiter?.resume()
        return drained
    }

    /// Waits until another call may start (or the connection is ending).
    func waitForSlot() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.closing || state.unanswered < maximumConcurrentCalls { return true }
                state.slotWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Marks the start of a graceful shutdown; true when no call is in flight.
    func beginShutdown() -> Bool {
        state.withLock { state in
            state.shuttingDown = true
            return state.unanswered == 0
        }
    }

    /// The connection is ending: cancels every call and releases the reader.
    func cancelAll() {
        let (tasks, waiters) = state.withLock { state in
            state.closing = true
            let waiters = state.slotWaiters
            state.slotWaiters = []
            for id in state.calls.keys { state.calls[id]!.cancelRequested = true }
            return (state.calls.values.compactMap(\.task), waiters)
        }
        for task in tasks { task.cancel() }
        for waiter in waiters { waiter.resume() }
    }

    /// Cancels the calls still running at the end of the grace period, without closing.
    func cancelRunningCalls() {
        let tasks = state.withLock { state in
            for id in state.calls.keys { state.calls[id]!.cancelRequested = true }
            return state.calls.values.compactMap(\.task)
        }
        for task in tasks { task.cancel() }
    }

    /// The most calls that were in flight at once, for logs and tests.
    var highestInFlight: Int { state.withLock { $0.highestInFlight } }
}
