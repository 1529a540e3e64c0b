import Foundation
import PostgresClient
import TreasuryProtocol

/// Runs a method's database work: one transaction, its deadline as statement_timeout, the
/// scope check, and for mutating methods the idempotency record stored with the effects.
enum Execution {
    static func mutating(_ context: CallContext, stage: @escaping @Sendable (CallContext, PostgresConnection) throws -> Staged) async throws -> CallOutcome {
        let key = context.call.metadata["idempotency-key"] ?? ""
        let request = requestText(context)
        let (outcome, replayed) = try await context.core.pool.transaction(deadline: context.call.deadline) { connection in
            // Goes out with BEGIN and the stage's first query, in one round trip; the stored
            // outcome is answered only once the caller is known to be allowed (PROTOCOL.md:
            // scope before replay).
            let lookup = Idempotency.begin(connection, method: context.declaration.name, calls: [(context.caller.userID, key, request)])
            let staged = try stage(context, connection)
            try context.authorize(staged.target)
            if let replay = try lookup.stored()[0] { return (try replay.get(), true) }
            let outcome = try runEffects(context, connection, staged)
            // Goes out with COMMIT: the outcome is stored in the same transaction as the effects.
            Idempotency.finish(connection, method: context.declaration.name, calls: [Idempotency.Finished(
                userID: context.caller.userID, key: key, request: request,
                outcome: StoredOutcome.encode(outcome, redacting: context.declaration.redactedInStoredOutcome),
                auditDetails: outcome.isResult ? JSON.object(context.params.object).serialized() : nil,
                auditCertificate: context.call.clientCertificate?.subject)])
            return (outcome, false)
        }
        if replayed { context.core.instruments?.method(context.declaration.name).replayed() }
        return outcome
    }

    /// Runs the call in its method's group commit when it may join one (a grouping, enough time
    /// left, its grants covering what it acts on); nil when it must run alone.
    static func grouped(_ context: CallContext, _ groups: GroupCommit?) async throws -> CallOutcome? {
        guard let groups, let grouping = context.declaration.grouping,
              context.call.deadline - ContinuousClock.now >= groups.settings.minimumRemaining,
              let member = grouping.member(context), (try? context.authorize(member.target)) != nil else { return nil }
        let decision = try await groups.submit(
            userID: context.caller.userID, key: context.call.metadata["idempotency-key"] ?? "",
            request: requestText(context), input: member.input,
            auditDetails: JSON.object(context.params.object).serialized(),
            auditCertificate: context.call.clientCertificate?.subject, accountingDate: context.today.description,
            deadline: context.call.deadline)
        if case .outcome(let outcome) = decision { return outcome }
        return nil
    }

    /// What the idempotency record's request hash covers: the method and its params.
    static func requestText(_ context: CallContext) -> String {
        context.declaration.name + "\n" + JSON.object(context.params.object).serialized(sortedKeys: true)
    }

    /// The method's own effects behind a savepoint, so that a business refusal is stored
    /// as the outcome while its partial effects are undone.
    static func runEffects(_ context: CallContext, _ connection: PostgresConnection, _ staged: Staged) throws -> CallOutcome {
        // Goes out with the effects' first statement; if none was sent, nothing needs undoing.
        let savepoint = connection.queue(PostgresStatement("SAVEPOINT effects"))
        do {
            let result = try staged.run()
            connection.withdraw(savepoint)
            return .result(result)
        } catch let error as CallError where error.code.isStoredForReplay {
            try rollBackEffects(connection, savepoint)
            return .failure(error)
        } catch let error as PostgresError {
            guard let business = SchemaRule.businessError(for: error) else { throw error }
            try rollBackEffects(connection, savepoint)
            return .failure(business)
        }
    }

    /// Undoes the effects of a refused call: what it queued is never sent, and what it sent is
    /// rolled back to the savepoint.
    private static func rollBackEffects(_ connection: PostgresConnection, _ savepoint: PostgresPending) throws {
        if !connection.withdraw(savepoint, andAfter: true) {
            connection.discardQueued()
            try connection.query("ROLLBACK TO SAVEPOINT effects")
        }
    }

    static func read(_ context: CallContext, stage: @escaping @Sendable (CallContext, PostgresConnection) throws -> Staged) async throws -> CallOutcome {
        try await context.core.pool.transaction(isolation: .repeatableRead, deadline: context.call.deadline) { connection in
            let staged = try stage(context, connection)
            try context.authorize(staged.target)
            do {
                return .result(try staged.run())
            } catch let error as CallError where error.code.isStoredForReplay {
                return .failure(error)
            }
        }
    }
}

/// A mutating call's idempotency record and audit row, through the schema's calls_begin and
/// calls_finish (sql/migrations/0003_identity.sql): one place for a call alone and for a group.
enum Idempotency {
    struct Finished {
        var userID: Int64
        var key: String
        var request: String
        /// The stored outcome (StoredOutcome.encode).
        var outcome: String
        /// The audit row's details; nil when the call changed nothing (a refusal).
        var auditDetails: String?
        /// The audit row's client certificate subject (mutual TLS); nil without one.
        var auditCertificate: String?
    }

    /// The calls' idempotency lookup, queued to go out with the transaction's next statement.
    struct Lookup {
        let connection: PostgresConnection
        let pending: PostgresPending
        let count: Int

        /// Per call, its stored outcome to replay (or IDEMPOTENCY_KEY_REUSED), nil when the call is new.
        func stored() throws -> [Result<CallOutcome, CallError>?] {
            var stored = [Result<CallOutcome, CallError>?](repeating: nil, count: count)
            for row in try connection.result(of: pending).rows {
                let position = Int(try row.decode(Int64.self, "ord")) - 1
                if try row.decode(Bool.self, "same_request") {
                    stored[position] = .success(try StoredOutcome.decode(row.decode(String.self, "outcome")))
                } else {
                    stored[position] = .failure(CallError(.alreadyExists, "IDEMPOTENCY_KEY_REUSED", "this idempotency key was used with other params"))
                }
            }
            return stored
        }
    }

    /// Takes the calls' idempotency locks and looks up their stored outcomes (see `Lookup`).
    static func begin(_ connection: PostgresConnection, method: String, calls: [(userID: Int64, key: String, request: String)]) -> Lookup {
        let pending = connection.queue(PostgresStatement(
            "SELECT ord, outcome, same_request FROM calls_begin($1, $2, $3, $4)",
            [method, calls.map(\.userID), calls.map(\.key), calls.map(\.request)]))
        return Lookup(connection: connection, pending: pending, count: calls.count)
    }

    /// Queues the calls' outcomes and audit rows to go out with COMMIT.
    static func finish(_ connection: PostgresConnection, method: String, calls: [Finished]) {
        guard !calls.isEmpty else { return }
        let audited = calls.filter { $0.auditDetails != nil }
        connection.queue(PostgresStatement(
            "SELECT calls_finish($1, $2, $3, $4, $5, $6, $7, $8)",
            [method, calls.map(\.userID), calls.map(\.key), calls.map(\.request), calls.map(\.outcome),
             audited.map(\.userID), audited.map { $0.auditDetails ?? "" }, audited.map(\.auditCertificate)]))
    }
}

/// The stored form of an outcome: `{"result":...}` or `{"error":...}`, replayed byte for byte.
enum StoredOutcome {
    static func encode(_ outcome: CallOutcome, redacting fields: [String]) -> String {
        switch outcome {
        case .result(let raw):
            guard !fields.isEmpty, case .object(var object)? = try? JSON.parse(raw) else { return "{\"result\":" + raw + "}" }
            for field in fields where object[field] != nil { object[field] = .string("(shown once; not stored)") }
            return "{\"result\":" + JSON.object(object).serialized() + "}"
        case .error(let raw):
            return "{\"error\":" + raw + "}"
        }
    }

    static func decode(_ stored: String) throws -> CallOutcome {
        let resultPrefix = "{\"result\":", errorPrefix = "{\"error\":"
        if stored.hasPrefix(resultPrefix), stored.hasSuffix("}") {
            return .result(String(stored.dropFirst(resultPrefix.count).dropLast()))
        }
        if stored.hasPrefix(errorPrefix), stored.hasSuffix("}") {
            return .error(String(stored.dropFirst(errorPrefix.count).dropLast()))
        }
        throw CallError(.internal, "INTERNAL", "a stored outcome is unreadable")
    }
}

extension Execution {
    /// A call whose scope check and effects are SQL (`OneFlush`): BEGIN and its deadline, the
    /// idempotency lock and lookup, the scope check, the effects with the outcome record and
    /// audit row, and COMMIT go out in one flush: one round trip and one commit.
    ///
    /// The server skips the statements after a failing one and the transaction rolls back, so
    /// the answer is read off which statement failed (`answer(after:)`). A refusal is then
    /// stored for replay by a transaction of its own through `mutating`, which takes the
    /// idempotency lock again, so a concurrent call with the same key still answers first.
    static func inOneFlush(_ context: CallContext, _ plan: OneFlush) async throws -> CallOutcome {
        let call = Idempotency.Finished(
            userID: context.caller.userID, key: context.call.metadata["idempotency-key"] ?? "", request: requestText(context),
            outcome: "", auditDetails: JSON.object(context.params.object).serialized(),
            auditCertificate: context.call.clientCertificate?.subject)
        let method = context.declaration.name, grants = plan.grants ?? context.eligibleGrants.map(\.scope)
        let answer: FlushAnswer = try await context.core.pool.withConnection { connection in
            var flush: Flush?
            do {
                try connection.transaction(deadline: context.call.deadline) { connection in
                    flush = Flush(
                        connection: connection,
                        lookup: Idempotency.begin(connection, method: method, calls: [(call.userID, call.key, call.request)]),
                        scope: connection.queue(PostgresStatement(
                            "SELECT require_scope(\(plan.scopes.sql), $\(plan.scopes.parameters.count + 1))",
                            plan.scopes.parameters + [grants])),
                        effects: connection.queue(Idempotency.finishing(method: method, call, effects: plan.effects)))
                }
                guard let result = try flush.map({ try connection.result(of: $0.effects) })?.first?["result"] else {
                    throw CallError(.internal, "INTERNAL", "the database did not return the call's result")
                }
                return .outcome(.result(result))
            } catch let error as PostgresError {
                guard let flush else { throw error }
                return try flush.answer(after: error, context)
            }
        }
        switch answer {
        case .outcome(let outcome):
            return outcome
        case .replayed(let outcome):
            context.core.instruments?.method(method).replayed()
            return outcome
        case .refused(let refusal):
            return try await mutating(context) { _, _ in Staged(target: nil) { throw refusal } }
        }
    }

    enum FlushAnswer: Sendable {
        case outcome(CallOutcome)
        /// The stored outcome of an earlier call with the same idempotency key.
        case replayed(CallOutcome)
        /// A business refusal, to be stored for replay.
        case refused(CallError)
    }

    /// The statements of a one-flush call, each with its own outcome once the flush went out.
    struct Flush {
        let connection: PostgresConnection
        let lookup: Idempotency.Lookup
        let scope: PostgresPending
        let effects: PostgresPending

        /// What a flush that failed with `error` answers, in the order a call alone decides:
        /// the scope before any replay, a stored outcome before the effects' own refusal (the
        /// effects ran again only to be rolled back), then the effects, then COMMIT.
        func answer(after error: PostgresError, _ context: CallContext) throws -> FlushAnswer {
            let stored = try lookup.stored()[0]
            do {
                _ = try connection.result(of: scope)
            } catch let refused as PostgresError {
                if SchemaRule.isOutOfScope(refused) { throw context.outOfScope }
                guard let notFound = SchemaRule.businessError(for: refused) else { throw refused }
                return try stored.map { .replayed(try $0.get()) } ?? .refused(notFound)
            }
            if let stored { return .replayed(try stored.get()) }
            do {
                _ = try connection.result(of: effects)
            } catch let refused as PostgresError {
                guard let refusal = SchemaRule.businessError(for: refused) else { throw refused }
                return .refused(refusal)
            }
            guard let refusal = SchemaRule.businessError(for: error) else { throw error }
            return .refused(refusal)
        }
    }
}

extension Idempotency {
    /// A one-flush call's effects with its outcome record and audit row, in one statement: the
    /// effects run once (a MATERIALIZED CTE), and calls_finish stores `{"result":<their value>}`,
    /// the form `StoredOutcome` replays. The effects' parameters come first.
    static func finishing(method: String, _ call: Finished, effects: SQLExpression) -> PostgresStatement {
        let n = effects.parameters.count
        return PostgresStatement("""
            WITH effects AS MATERIALIZED (SELECT (\(effects.sql))::text AS result)
            SELECT effects.result FROM effects
            CROSS JOIN LATERAL calls_finish($\(n + 1), ARRAY[$\(n + 2)::bigint], ARRAY[$\(n + 3)::text], ARRAY[$\(n + 4)::text],
                ARRAY['{"result":' || effects.result || '}'], ARRAY[$\(n + 2)::bigint], ARRAY[$\(n + 5)::jsonb],
                ARRAY[$\(n + 6)::text])
            """, effects.parameters + [method, call.userID, call.key, call.request, call.auditDetails ?? "{}", call.auditCertificate])
    }
}
