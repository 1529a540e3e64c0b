/// Every reason the server answers with, and the one status code each goes with: the
/// vocabulary clients branch on (API.md, PROTOCOL.md). A method's declaration may list only
/// reasons registered here, and an answer whose reason is not registered, or comes with another
/// code, is caught by the service's reason check (docs/decisions.md "Reasons").
public enum Reasons {
    public static let codes: [String: StatusCode] = {
        var codes: [String: StatusCode] = [:]
        for (code, reasons) in byCode {
            for reason in reasons {
                precondition(codes[reason] == nil, "reason \(reason) is registered twice")
                codes[reason] = code
            }
        }
        return codes
    }()

    /// The registry, by status code.
    static let byCode: [(StatusCode, [String])] = [
        (.invalidArgument, [
            "FIELD_INVALID", "FIELD_REQUIRED", "UNKNOWN_FIELD", "MALFORMED_FRAME", "INVALID_CALL_ID", "DUPLICATE_CALL_ID",
            "IDEMPOTENCY_KEY_REQUIRED", "SHARES_NOT_100",
        ]),
        (.unauthenticated, ["TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED", "TOKEN_REVOKED"]),
        (.permissionDenied, ["ROLE_NOT_ALLOWED", "OUT_OF_SCOPE", "CERTIFICATE_MISMATCH"]),
        (.notFound, [
            "ACCOUNT_NOT_FOUND", "ALLOCATION_NOT_FOUND", "AREA_NOT_FOUND", "BANK_NOT_FOUND", "BUDGET_LEVEL_NOT_FOUND",
            "COLLECTION_NOT_FOUND", "COMMITMENT_NOT_FOUND", "DOSSIER_NOT_FOUND", "ENTRY_NOT_FOUND", "PARENT_NOT_FOUND",
            "PAYMENT_ORDER_NOT_FOUND", "TOKEN_NOT_FOUND", "TREASURY_NOT_FOUND", "UNIT_NOT_FOUND", "USER_NOT_FOUND",
            "PROJECT_NOT_FOUND", "CONTRACT_NOT_FOUND", "SPECIMEN_NOT_FOUND",
        ]),
        (.alreadyExists, ["IDEMPOTENCY_KEY_REUSED", "USERNAME_TAKEN", "DUPLICATE_BANK_REF", "DUPLICATE_DECISION", "DUPLICATE_CONTRACT"]),
        (.failedPrecondition, [
            "ACCOUNT_NOT_ACTIVE", "ACCOUNT_NOT_EMPTY", "ADVANCE_LIMIT_EXCEEDED", "ADVANCE_SETTLEMENT_EXCEEDS", "CODE_NOT_VALID",
            "COMMITMENT_EXCEEDED", "COMMITMENT_NOT_OPEN", "COMMITMENT_REQUIRED", "CURRENCY_MISMATCH", "INSUFFICIENT_ALLOCATION",
            "INSUFFICIENT_FUNDS", "INVALID_STATUS", "NOT_A_UNIT_ALLOCATION", "NO_SHARING_RULE", "PARENT_CYCLE",
            "PERIOD_ALREADY_CLOSED", "PERIOD_CLOSED", "PERIOD_NOT_STARTED", "PREVIOUS_PERIOD_OPEN", "REFUND_EXCEEDS_COLLECTION",
            "SAME_PERSON", "SEGMENT_MISMATCH", "UNIT_OUTSIDE_TREASURY",
            "ADVANCE_RATE_TOO_HIGH", "CONTRACT_NOT_EFFECTIVE", "CONTRACT_VALUE_EXCEEDED", "GUARANTEE_REQUIRED", "PLAN_EXCEEDED",
            "RECOVERY_EXCEEDS_ADVANCE", "RECOVERY_TOO_LOW", "TOTAL_INVESTMENT_EXCEEDED",
            "ADJUSTMENT_PERIOD_OPEN", "ADJUSTMENT_PERIOD_RESTRICTED", "CARRY_OVER_EXCEEDS_AVAILABLE", "PREVIOUS_YEAR_OPEN",
            "YEAR_ALREADY_CLOSED", "YEAR_CLOSED",
            "SIGNATURE_MISSING", "SIGNATURE_INVALID", "SPECIMEN_NOT_VALID",
            "SUPPLEMENT_ALREADY_REQUESTED", "AWAITING_SUPPLEMENT",
            // A clear-text client on a TLS port (connection level, "id": null).
            "TLS_REQUIRED",
        ]),
        (.outOfRange, ["AMOUNT_OUT_OF_RANGE", "BATCH_TOO_LARGE"]),
        (.aborted, ["IN_PROGRESS", "CONCURRENCY_CONFLICT"]),
        (.resourceExhausted, ["LINE_TOO_LONG", "TOO_MANY_CONNECTIONS"]),
        (.deadlineExceeded, ["DEADLINE_EXCEEDED"]),
        (.cancelled, ["CANCELLED"]),
        (.unimplemented, ["UNKNOWN_METHOD"]),
        (.unavailable, ["DATABASE_UNAVAILABLE", "OVERLOADED", "SHUTTING_DOWN"]),
        (.internal, ["INTERNAL"]),
    ]
}
