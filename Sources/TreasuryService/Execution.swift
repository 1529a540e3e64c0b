import Foundation
import PostgresClient
import TreasuryProtocol

/// Runs a method's database work: one transaction, its deadline as statement_timeout, the
/// scope check, and for mutating methods the idempotency record stored with the effects.
enum Execution {
    static func mutating(_ context: CallContext, stage: @escaping @Sendable (CallContext, PostgresConnection) throws -> Staged) async throws -> CallOutcome {
        let key = context.call.metadata["idempotency-key"] ?? ""
        let method = context.declaration.name
        let request = requestText(context)
        let userID = context.caller.userID
        return try await context.core.pool.transaction(deadline: context.call.deadline) { connection in
            let staged = try stage(context, connection)
            try context.authorize(staged.target)
            try connection.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["\(userID)\n\(method)\n\(key)"])
            if let stored = try connection.query(
                """
                SELECT outcome, request_hash = sha256(convert_to($4, 'UTF8')) AS same_request
                FROM idempotency_outcomes WHERE user_id = $1 AND method = $2 AND key = $3
                """, [userID, method, key, request]).first {
                guard try stored.decode(Bool.self, "same_request") else {
                    throw CallError(.alreadyExists, "IDEMPOTENCY_KEY_REUSED", "this idempotency key was used with other params")
                }
                return try StoredOutcome.decode(stored.decode(String.self, "outcome"))
            }
            let outcome = try runEffects(context, connection, staged)
            try connection.query(
                """
                INSERT INTO idempotency_outcomes (user_id, method, key, request_hash, outcome)
                VALUES ($1, $2, $3, sha256(convert_to($4, 'UTF8')), $5)
                """, [userID, method, key, request, StoredOutcome.encode(outcome, redacting: context.declaration.redactedInStoredOutcome)])
            if case .result = outcome {
                try connection.query(
                    "INSERT INTO audit_log (user_id, action, details) VALUES ($1, $2, $3::jsonb)",
                    [userID, method, JSON.object(context.params.object).serialized()])
            }
            return outcome
        }
    }

    /// What the idempotency record's request hash covers: the method and its params.
    static func requestText(_ context: CallContext) -> String {
        context.declaration.name + "\n" + JSON.object(context.params.object).serialized(sortedKeys: true)
    }

    /// The method's own effects behind a savepoint, so that a business refusal is stored
    /// as the outcome while its partial effects are undone.
    static func runEffects(_ context: CallContext, _ connection: PostgresConnection, _ staged: Staged) throws -> CallOutcome {
        try connection.query("SAVEPOINT effects")
        do {
            return .result(try staged.run())
        } catch let error as CallError where error.code.isStoredForReplay {
            try connection.query("ROLLBACK TO SAVEPOINT effects")
            return .failure(error)
        } catch let error as PostgresError {
            guard let business = SchemaRule.businessError(for: error) else { throw error }
            try connection.query("ROLLBACK TO SAVEPOINT effects")
            return .failure(business)
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
