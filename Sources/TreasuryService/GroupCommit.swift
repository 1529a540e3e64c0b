import Foundation
import Logging
import PostgresClient
import Synchronization
import TreasuryMetrics
import TreasuryProtocol

/// Group commit, for any mutating method whose declaration has a `Grouping` (today
/// `Revenue/RecordCollection` forwarded by banks): concurrent calls are recorded together, in
/// one transaction and one set-based call of the method's effects, while each call keeps its own
/// outcome, idempotency record and audit row (calls_begin / calls_finish, as for a call alone;
/// docs/decisions.md "Group commit").
///
/// Batching is natural, without timers: a call that arrives while fewer than `concurrency`
/// groups are in flight starts a group at once (alone, if nothing else waits); calls arriving
/// meanwhile queue and form the next group. One group at a time takes its locks, looks up and
/// records (the record turn); the others store their outcomes and commit meanwhile, and a
/// runner takes its group from the queue only when it gets the turn. So a lone call pays no
/// wait, and under load each transaction carries every call that arrived while the previous
/// one recorded.
///
/// A call leaves the group and runs on its own (the ordinary one-call transaction) whenever
/// the group cannot give it exactly what that would: the group's transaction failed for any
/// reason (the database, a deadline, a conflict), another call of the group was cancelled or
/// passed its deadline before COMMIT, or it repeats the idempotency key of an earlier call in
/// the same group. A call cancelled while it waits in the queue simply ends, having done nothing.
final class GroupCommit: Sendable {
    struct Settings: Sendable {
        /// Groups in flight at once (each holds one database connection).
        var concurrency: Int
        /// Most calls in one group.
        var maximumGroup: Int
        /// A call with less time than this before its deadline runs on its own.
        var minimumRemaining: Duration
    }

    /// What a waiting call is told when its group ends.
    enum Decision: Sendable {
        case outcome(CallOutcome)
        /// Run the ordinary one-call path instead (nothing of this call was committed).
        case runAlone
        /// Cancelled (or out of time) before anything of it was committed.
        case cancelled
    }

    /// One waiting call. Its values are fixed when it is submitted.
    struct Member: Sendable {
        let id: Int
        let userID: Int64
        let key: String
        /// The idempotency request text (method, params) of the one-call path.
        let request: String
        /// The input of the method's grouped effects.
        let input: JSON
        let auditDetails: String
        /// The audit row's client certificate subject (mutual TLS); nil without one.
        let auditCertificate: String?
        let accountingDate: String
        let deadline: ContinuousClock.Instant
    }

    private struct Waiting {
        let member: Member
        let continuation: CheckedContinuation<Decision, Never>
    }

    private struct State {
        var queue: [Waiting] = []
        var running = 0
        var nextID = 0
        /// Members taken into a group that is still in flight, and whether each was cancelled.
        var inFlight: [Int: Bool] = [:]

        /// Removes a member from the in-flight set; true if it was cancelled meanwhile.
        mutating func removeValue(inFlight id: Int) -> Bool {
            inFlight.removeValue(forKey: id) ?? false
        }
    }

    private let state = Mutex(State())
    /// Held by the one runner whose group is taking its locks, looking up and recording; the
    /// other runners store outcomes and commit meanwhile. A runner takes its group only once
    /// it holds the turn, so the group holds every call that arrived while the previous
    /// group recorded (docs/decisions.md "Group commit").
    private let recordTurn = AdmissionGate(permits: 1)
    let settings: Settings
    let method: String
    private let grouping: Grouping
    private let pool: PostgresPool
    private let logger: Logger
    /// Where group sizes (`treasury_group_commit_size`) and the method's replays are counted.
    private let metrics: (service: TreasuryMetrics, method: MethodMetrics)?

    init(pool: PostgresPool, method: String, grouping: Grouping, settings: Settings, logger: Logger,
         metrics: (service: TreasuryMetrics, method: MethodMetrics)? = nil) {
        self.pool = pool
        self.logger = logger
        self.metrics = metrics
        self.method = method
        self.grouping = grouping
        self.settings = settings
    }

    /// Waits for the call's group; returns the call's outcome or asks it to run alone.
    /// Throws CancellationError if the call was cancelled before anything of it was committed.
    func submit(userID: Int64, key: String, request: String, input: JSON, auditDetails: String, auditCertificate: String?,
                accountingDate: String, deadline: ContinuousClock.Instant) async throws -> Decision {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        let member = Member(id: id, userID: userID, key: key, request: request, input: input, auditDetails: auditDetails,
                            auditCertificate: auditCertificate, accountingDate: accountingDate, deadline: deadline)
        let decision = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Decision, Never>) in
                // Under the lock, so a cancel either finds the call queued or is seen here.
                let (queued, startRunner) = state.withLock { state -> (Bool, Bool) in
                    guard !Task.isCancelled else { return (false, false) }
                    state.queue.append(Waiting(member: member, continuation: continuation))
                    guard state.running < settings.concurrency else { return (true, false) }
                    state.running += 1
                    return (true, true)
                }
                if !queued { continuation.resume(returning: .cancelled) }
                if startRunner { Task { await self.runGroups() } }
            }
        } onCancel: {
            cancel(id)
        }
        if case .cancelled = decision { throw CancellationError() }
        return decision
    }

    /// Calls waiting for a group now (for tests and diagnostics).
    var queued: Int { state.withLock { $0.queue.count } }

    /// A cancelled call leaves the queue at once; one already in a group is marked, and the
    /// group then rolls back before COMMIT and sends its other calls to run alone.
    private func cancel(_ id: Int) {
        let removed = state.withLock { state -> Waiting? in
            if state.inFlight[id] != nil {
                state.inFlight[id] = true
                return nil
            }
            guard let index = state.queue.firstIndex(where: { $0.member.id == id }) else { return nil }
            return state.queue.remove(at: index)
        }
        removed?.continuation.resume(returning: .cancelled)
    }

    /// One runner: takes what is queued, records it, and goes on while calls keep arriving.
    private func runGroups() async {
        while true {
            // A runner's task is never cancelled, so it gets the turn; if it ever did not, it
            // records without it (the turn shapes groups, correctness does not depend on it).
            let turn = Turn(recordTurn, held: await recordTurn.acquire())
            let group = state.withLock { state -> [Waiting] in
                let taken = Array(state.queue.prefix(settings.maximumGroup))
                state.queue.removeFirst(taken.count)
                if taken.isEmpty { state.running -= 1 }
                for waiting in taken { state.inFlight[waiting.member.id] = false }
                return taken
            }
            if group.isEmpty {
                turn.release()
                return
            }
            let decisions = await record(group.map(\.member), turn: turn)
            turn.release()
            let cancelled = state.withLock { state -> Set<Int> in
                var cancelled = Set<Int>()
                for waiting in group where state.removeValue(inFlight: waiting.member.id) { cancelled.insert(waiting.member.id) }
                return cancelled
            }
            for waiting in group {
                let id = waiting.member.id
                waiting.continuation.resume(returning: decisions[id] ?? (cancelled.contains(id) ? .cancelled : .runAlone))
            }
        }
    }

    private struct Abandoned: Error {}

    /// The record turn held by one runner, released once whichever path gets there first.
    private final class Turn: Sendable {
        private let gate: AdmissionGate
        private let held: Mutex<Bool>

        init(_ gate: AdmissionGate, held: Bool) {
            self.gate = gate
            self.held = Mutex(held)
        }

        func release() {
            let wasHeld = held.withLock { held -> Bool in
                defer { held = false }
                return held
            }
            if wasHeld { gate.release() }
        }
    }

    /// Records a group in one transaction; members not decided run alone. The turn is
    /// released as soon as the group has recorded, before its outcomes are stored and it commits.
    private func record(_ members: [Member], turn: Turn) async -> [Int: Decision] {
        // One call per idempotency key in a group; a repeat runs alone after it and replays.
        var seen = Set<String>()
        var admitted: [Member] = []
        for member in members where seen.insert("\(member.userID)\n\(member.key)").inserted {
            admitted.append(member)
        }
        let method = self.method, group = admitted
        metrics?.service.groupCommitted(calls: group.count)
        do {
            // The earliest deadline of the group bounds its transaction (statement_timeout).
            let (decisions, replays) = try await pool.transaction(deadline: group.map(\.deadline).min()) { connection in
                try self.record(group, method: method, on: connection, turn: turn)
            }
            metrics?.method.replayed(replays)
            return decisions
        } catch is Abandoned {
            logger.debug("group commit rolled back: a call was cancelled or out of time; the others run alone", metadata: ["calls": "\(group.count)"])
            return [:]
        } catch {
            logger.debug("group commit failed; its calls run alone", metadata: ["calls": "\(group.count)", "error": "\(String(reflecting: error))"])
            return [:]
        }
    }

    /// The group's decisions, and how many of them replay a stored outcome.
    private func record(_ members: [Member], method: String, on connection: PostgresConnection, turn: Turn) throws -> ([Int: Decision], Int) {
        // The idempotency locks and stored outcomes of the one-call path, for the whole group.
        var decisions: [Int: Decision] = [:]
        var replays = 0
        let stored = try Idempotency.begin(connection, method: method, calls: members.map { ($0.userID, $0.key, $0.request) }).stored()
        for (member, replay) in zip(members, stored) {
            switch replay {
            case .success(let outcome)?:
                decisions[member.id] = .outcome(outcome)
                replays += 1
            case .failure(let error)?: decisions[member.id] = .outcome(.failure(error))
            case nil: break
            }
        }

        // The method's effects for the calls not answered by a stored outcome, in one go.
        let fresh = members.filter { decisions[$0.id] == nil }
        var toStore: [(Member, CallOutcome)] = []
        let results = try grouping.effects(connection, fresh.map {
            GroupMember(userID: $0.userID, accountingDate: $0.accountingDate, input: $0.input)
        })
        for (member, result) in zip(fresh, results) {
            let outcome: CallOutcome
            switch result {
            case .success(let json):
                outcome = .result(json)
                toStore.append((member, outcome))
            case .failure(let error):
                outcome = .failure(error)
                if error.code.isStoredForReplay { toStore.append((member, outcome)) }
            }
            decisions[member.id] = .outcome(outcome)
        }

        turn.release()

        Idempotency.finish(connection, method: method, calls: toStore.map { member, outcome in
            Idempotency.Finished(userID: member.userID, key: member.key, request: member.request,
                                 outcome: StoredOutcome.encode(outcome, redacting: []),
                                 auditDetails: outcome.isResult ? member.auditDetails : nil,
                                 auditCertificate: member.auditCertificate)
        })

        // Past this point every member gets its real outcome; before it, a member cancelled or
        // out of time sends the whole group back (rolled back) so the others run alone.
        let abandoned = state.withLock { state in members.contains { state.inFlight[$0.id] == true } }
        if abandoned || members.contains(where: { $0.deadline <= ContinuousClock.now }) { throw Abandoned() }
        return (decisions, replays)
    }
}
