import PostgresClient
import TreasuryProtocol

/// The roles a grant can carry (API.md "Users, roles, scopes").
public enum Role: String, Sendable, CaseIterable, Hashable {
    case admin = "ADMIN"
    case budgetAuthority = "BUDGET_AUTHORITY"
    case unitAccountant = "UNIT_ACCOUNTANT"
    case treasuryOfficer = "TREASURY_OFFICER"
    case chiefAccountant = "CHIEF_ACCOUNTANT"
    case bank = "BANK"
    case taxAuthority = "TAX_AUTHORITY"
    case auditor = "AUDITOR"
}

/// A mutating or reading step split in two: first find the object the call acts on (so its
/// scope can be checked before idempotency replay), then do the work.
public struct Staged: Sendable {
    public var target: AccessTarget?
    public var run: @Sendable () throws -> JSON

    public init(target: AccessTarget?, run: @escaping @Sendable () throws -> JSON) {
        self.target = target
        self.run = run
    }
}

/// How concurrent calls of a mutating method may share one transaction (docs/decisions.md
/// "Group commit"). The execution layer queues the calls that may join, and runs a group's
/// effects together; the scope check, the idempotency lock, lookup and record and the audit row
/// stay the execution layer's, per call, exactly as for a call alone.
public struct Grouping: Sendable {
    /// A call's part of a group: what it acts on (checked against its grants before it joins)
    /// and the input of its effects; nil when the call must run alone.
    public var member: @Sendable (CallContext) -> (target: AccessTarget, input: JSON)?
    /// The members' effects, in one transaction: one outcome per member, in order. A refusal
    /// undoes only that member's effects.
    public var effects: @Sendable (PostgresConnection, [GroupMember]) throws -> [Result<JSON, CallError>]

    public init(member: @escaping @Sendable (CallContext) -> (target: AccessTarget, input: JSON)?,
                effects: @escaping @Sendable (PostgresConnection, [GroupMember]) throws -> [Result<JSON, CallError>]) {
        self.member = member
        self.effects = effects
    }
}

/// One call in a group, as its effects see it.
public struct GroupMember: Sendable {
    public var userID: Int64
    /// The call's accounting date (today in Asia/Ho_Chi_Minh when it started).
    public var accountingDate: String
    public var input: JSON
}

/// A SQL expression and its parameters (`$1`... numbered within the expression).
public struct SQLExpression: Sendable {
    public var sql: String
    public var parameters: [any PostgresEncodable]

    public init(_ sql: String, _ parameters: [any PostgresEncodable]) {
        self.sql = sql
        self.parameters = parameters
    }
}

/// A mutating call whose whole database work is decided in SQL, so that it goes out in one
/// flush with BEGIN, the idempotency lookup, the outcome record and COMMIT
/// (`Execution.inOneFlush`, docs/decisions.md "One round trip").
public struct OneFlush: Sendable {
    /// text[]: the grant scopes that cover what the call acts on (e.g. `account_scopes($1)`);
    /// it raises the schema's not-found rule for an object that does not exist.
    public var scopes: SQLExpression
    /// jsonb: the effects; its value is the call's result. A refusal is a schema rule
    /// (`SchemaRule.meanings`), which is stored for replay like any business refusal.
    public var effects: SQLExpression
    /// The caller's grant scopes that `scopes` must meet; nil: every grant of a role that may
    /// call the method. A method whose rule for some role is decided by the params alone (a
    /// bank reaches a deposit only through its own bank code) passes `["*"]` when that decides it.
    public var grants: [String]?

    public init(scopes: SQLExpression, effects: SQLExpression, grants: [String]? = nil) {
        self.scopes = scopes
        self.effects = effects
        self.grants = grants
    }
}

/// How a method runs.
public enum MethodHandler: Sendable {
    /// Changes state: one transaction holding the scope check, the idempotency record and the effects.
    case mutating(@Sendable (CallContext, PostgresConnection) throws -> Staged)
    /// Changes state like `mutating`, with the scope check and the effects in SQL: one round trip.
    case inOneFlush(@Sendable (CallContext) throws -> OneFlush)
    /// Reads in one transaction (one snapshot).
    case read(@Sendable (CallContext, PostgresConnection) throws -> Staged)
    /// Streams items; the handler authorizes and pages through the database itself.
    case streaming(@Sendable (CallContext, any CallStream) async throws -> JSON)
    /// Needs no database transaction of its own (health, reflection).
    case custom(@Sendable (CallContext) async throws -> JSON)
}

/// One declaration per method drives dispatch, authorization, idempotency and reflection.
public struct MethodDeclaration: Sendable {
    public var name: String
    public var description: String
    /// Roles that may call it; empty means any authenticated user.
    public var roles: [Role]
    public var requiresToken: Bool
    public var params: [Field]
    public var result: ParamType
    /// Business reasons the method can answer with (beyond the generic ones).
    public var reasons: [String]
    /// Result fields never stored in the idempotency record (secrets shown once).
    public var redactedInStoredOutcome: [String]
    public var handler: MethodHandler
    /// Set when concurrent calls may share one transaction (mutating methods only).
    public var grouping: Grouping?

    public var isMutating: Bool {
        switch handler {
        case .mutating, .inOneFlush: return true
        default: return false
        }
    }

    public var isStreaming: Bool {
        if case .streaming = handler { return true }
        return false
    }

    public init(
        _ name: String, _ description: String, roles: [Role], requiresToken: Bool = true,
        params: [Field], result: ParamType = .any, reasons: [String] = [], redactedInStoredOutcome: [String] = [],
        handler: MethodHandler, grouping: Grouping? = nil
    ) {
        self.name = name
        self.description = description
        self.roles = roles
        self.requiresToken = requiresToken
        self.params = params
        self.result = result
        self.reasons = reasons
        self.redactedInStoredOutcome = redactedInStoredOutcome
        self.handler = handler
        self.grouping = grouping
        if case .inOneFlush = handler {
            precondition(redactedInStoredOutcome.isEmpty && grouping == nil, "\(name): a one-flush method stores its result as SQL returns it, alone")
        }
        for reason in reasons {
            precondition(Reasons.codes[reason] != nil, "\(name) declares \(reason), which TreasuryProtocol's Reasons does not register")
        }
    }

    /// Every reason the method can answer with, as reflection lists them: the protocol's and
    /// the execution layer's for a method of its kind, then its own. The service checks each
    /// answer against this list (`ServiceConfiguration.undeclaredReasons`).
    var allReasons: [String] {
        var all = ["FIELD_INVALID", "FIELD_REQUIRED", "UNKNOWN_FIELD"]
        if params.contains(where: { $0.type.holdsMoney }) { all.append("AMOUNT_OUT_OF_RANGE") }
        if requiresToken {
            all += ["TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED", "TOKEN_REVOKED", "ROLE_NOT_ALLOWED", "OUT_OF_SCOPE"]
            // Over mutual TLS, a BANK grant for another bank than the client certificate's.
            if roles.isEmpty || roles.contains(.bank) { all.append("CERTIFICATE_MISMATCH") }
        }
        if isMutating { all += ["IDEMPOTENCY_KEY_REQUIRED", "IDEMPOTENCY_KEY_REUSED", "IN_PROGRESS"] }
        // Outside the method's own logic: its deadline, a cancel, the database, a bug.
        all += ["DEADLINE_EXCEEDED", "CANCELLED", "DATABASE_UNAVAILABLE", "OVERLOADED", "CONCURRENCY_CONFLICT", "INTERNAL"]
        for reason in reasons where !all.contains(reason) { all.append(reason) }
        return all
    }

    /// What is wrong with an error outcome's reason: not listed by this declaration, or
    /// answered with another code than the one Reasons registers for it; nil when it is right.
    func reasonProblem(in outcome: CallOutcome) -> String? {
        guard case .error(let raw) = outcome, let error = (try? JSON.parse(raw))?.objectValue,
              let reason = error["reason"]?.stringValue else { return nil }
        guard allReasons.contains(reason) else { return "\(reason), which its declaration does not list" }
        let code = error["code"]?.stringValue ?? ""
        guard Reasons.codes[reason]?.rawValue == code else {
            return "\(reason) with code \(code), not the registered \(Reasons.codes[reason]?.rawValue ?? "(none)")"
        }
        return nil
    }
}
