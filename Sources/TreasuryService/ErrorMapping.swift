import PostgresClient
import TreasuryProtocol

/// Rules the schema enforces by itself, named by the CONSTRAINT its triggers raise, and the
/// business outcome each means when the service's own checks were raced or bypassed.
enum SchemaRule {
    /// A refusal by a named schema rule: the code, reason and message it means to a caller.
    struct Meaning: Sendable {
        var code: StatusCode
        var reason: String
        var message: String

        init(_ reason: String, _ message: String, code: StatusCode = .failedPrecondition) {
            self.code = code
            self.reason = reason
            self.message = message
        }
    }

    /// Every area adds the rules its triggers raise (constraint name → meaning).
    static let meanings: [String: Meaning] = ledgerMeanings
        .merging(BudgetRules.meanings) { first, _ in first }
        .merging(SpendingRules.meanings) { first, _ in first }
        .merging(RevenueRules.meanings) { first, _ in first }
        .merging(InvestmentRules.meanings) { first, _ in first }
        .merging(YearEndRules.meanings) { first, _ in first }

    static let ledgerMeanings: [String: Meaning] = [
        "account_not_found": Meaning("ACCOUNT_NOT_FOUND", "the account does not exist", code: .notFound),
        "bank_not_found": Meaning("BANK_NOT_FOUND", "the bank does not exist", code: .notFound),
        "duplicate_bank_ref": Meaning("DUPLICATE_BANK_REF", "the bank reference was recorded with other content", code: .alreadyExists),
        "account_non_negative": Meaning("INSUFFICIENT_FUNDS", "the account does not hold enough for this posting"),
        "account_not_active": Meaning("ACCOUNT_NOT_ACTIVE", "the account is not active"),
        "account_currency_mismatch": Meaning("CURRENCY_MISMATCH", "the accounts' currencies differ"),
        "period_closed": Meaning("PERIOD_CLOSED", "the accounting period is closed"),
        "account_status_transition": Meaning("INVALID_STATUS", "that status change is not allowed now"),
        "dossier_status_transition": Meaning("INVALID_STATUS", "that status change is not allowed now"),
        "dossier_supplement_once": Meaning("SUPPLEMENT_ALREADY_REQUESTED", "a supplement was already requested for this dossier"),
        "account_close_not_empty": Meaning("ACCOUNT_NOT_EMPTY", "the account still holds money"),
        "period_order": Meaning("PREVIOUS_PERIOD_OPEN", "the previous month is still open"),
        "balance_reconciliation_confirmed_once": Meaning("INVALID_STATUS", "the balance reconciliation is already confirmed"),
    ]

    static func businessError(for error: PostgresError) -> CallError? {
        guard error.kind == .server, error.sqlState == "23514", let constraint = error.constraint,
              let meaning = meanings[constraint] else { return nil }
        // The rule's own message says what was refused (accounts, amounts, the period); it is
        // written for people and holds nothing secret. Its DETAIL, when set, is a JSON object of
        // the figures involved (raise_rule's p_details): the error's details.
        let details = error.detail.flatMap { try? JSON.parse($0).objectValue }
        return CallError(meaning.code, meaning.reason, error.message.isEmpty ? meaning.message : error.message, details: details)
    }

    /// The schema's scope refusal (require_scope), for calls whose scope is checked in SQL.
    static func isOutOfScope(_ error: PostgresError) -> Bool {
        error.kind == .server && error.sqlState == "42501" && error.constraint == "out_of_scope"
    }

    /// The terminal error for a failure that is not the method's own decision.
    static func transportError(for error: any Error, call: IncomingCall, logger: Logger) -> CallError {
        if let callError = error as? CallError { return callError }
        if error is CancellationError { return cancellation(call) }
        if let postgres = error as? PostgresError {
            switch postgres.kind {
            case .cancelled:
                return cancellation(call)
            case .connection:
                logger.warning("database unavailable", metadata: ["error": "\(postgres.debugDescription)"])
                return CallError(.unavailable, "DATABASE_UNAVAILABLE", "the database cannot be reached; retry with the same idempotency key")
            case .poolExhausted:
                return CallError(.unavailable, "OVERLOADED", "the server is overloaded; retry later with the same idempotency key")
            case .server where postgres.isRetryable:
                return CallError(.aborted, "CONCURRENCY_CONFLICT", "a concurrent change conflicted with this call; retry it")
            case .server where postgres.isQueryCanceled:
                return CallError(.deadlineExceeded, "DEADLINE_EXCEEDED", "the deadline passed before the call finished")
            case .server where postgres.isConnectionFailure:
                return CallError(.unavailable, "DATABASE_UNAVAILABLE", "the database connection was lost; retry with the same idempotency key")
            default:
                break
            }
        }
        logger.error("internal error", metadata: ["method": "\(call.method)", "error": "\(String(reflecting: error))"])
        return CallError(.internal, "INTERNAL", "an internal error occurred; it has been logged")
    }

    static func cancellation(_ call: IncomingCall) -> CallError {
        if ContinuousClock.now >= call.deadline {
            return CallError(.deadlineExceeded, "DEADLINE_EXCEEDED", "the deadline passed before the call finished")
        }
        return CallError(.cancelled, "CANCELLED", "the call was cancelled by the client")
    }
}

import Logging
