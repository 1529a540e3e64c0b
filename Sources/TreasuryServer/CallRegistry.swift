import TreasuryProtocol

/// The calls in flight on one connection: duplicate ids, cancel lines, the concurrency limit
/// and the end of a graceful shutdown all go through it.
final class CallRegistry: Sendable {
    private struct Entry {
        var task: Task<CallOutcome, Never>?
        var cancelRequested = false
    }

    private struct State {
        var calls: [CallID: Entry] = [:]
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

    var count: Int { state.withLock { $0.calls.count } }
    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }
    var isClosing: Bool { state.withLock { $0.closing } }

    func contains(_ id: CallID) -> Bool { state.withLock { $0.calls[id] != nil } }

    /// Reserves `id` for a new call; false when it is already in flight.
    func reserve(_ id: CallID) -> Bool {
        state.withLock { state in
            guard state.calls[id] == nil else { return false }
            state.calls[id] = Entry()
            state.highestInFlight = max(state.highestInFlight, state.calls.count)
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

    /// Removes a finished call. Returns true when it was the last call of a connection that
    /// is shutting down, so the connection can now close.
    func finish(_ id: CallID) -> Bool {
        let (waiter, drained) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
            state.calls[id] = nil
            let waiter = state.slotWaiters.isEmpty ? nil : state.slotWaiters.removeFirst()
            return (waiter, state.shuttingDown && state.calls.isEmpty)
        }
        waiter?.resume()
        return drained
    }

    /// Waits until another call may start (or the connection is ending).
    func waitForSlot() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.closing || state.calls.count < maximumConcurrentCalls { return true }
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
            return state.calls.isEmpty
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
