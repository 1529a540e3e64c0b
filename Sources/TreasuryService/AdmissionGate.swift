import Synchronization

/// At most `permits` bodies at once; the others wait in arrival order. A waiter that is
/// cancelled (its call's deadline passed or its client went away) leaves the queue having
/// done nothing.
///
/// Used for `Revenue/RecordCollections`: a batch is CPU-bound set-based SQL, and running more
/// of them at once than the database has cores only makes each slower (16 concurrent
/// 1000-item batches on 2 cores ran at 4.3-5.1 batches/s with 3-4 s latency; 2 at once ran at
/// 5.5/s with 0.36 s), so the rest queue here instead of in the database (docs/decisions.md
/// "Batch admission").
final class AdmissionGate: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var available: Int
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let state: Mutex<State>

    init(permits: Int) {
        precondition(permits >= 1, "an admission gate needs at least one permit")
        state = Mutex(State(available: permits))
    }

    /// Runs `body` holding a permit. Throws CancellationError if cancelled while waiting.
    func withPermit<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard await acquire() else { throw CancellationError() }
        defer { release() }
        return try await body()
    }

    /// Calls waiting for a permit now (for tests and diagnostics).
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Waits for a permit: true once it is held, false if the task was cancelled first
    /// (nothing held). Whoever gets true calls `release()` exactly once, from any thread.
    func acquire() async -> Bool {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        let admitted = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                // Under the lock, so a cancel either finds the waiter queued or is seen here.
                let decided = state.withLock { state -> Bool? in
                    if Task.isCancelled { return false }
                    if state.available > 0 {
                        state.available -= 1
                        return true
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let decided { continuation.resume(returning: decided) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: false)
        }
        return admitted
    }

    /// Hands the permit to the longest waiter, or returns it.
    func release() {
        let next = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume(returning: true)
    }
}
