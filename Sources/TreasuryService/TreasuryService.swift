import Foundation
import Logging
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// The treasury's methods behind the line protocol: it checks, in the order PROTOCOL.md
/// gives, the method, the token, params and metadata, roles and scope, idempotency replay,
/// and then runs the method.
public final class TreasuryService: CallDispatcher {
    let core: ServiceCore
    let methods: [String: MethodDeclaration]
    /// In declaration order, for reflection.
    let declarations: [MethodDeclaration]

    /// `readPool`, when given, serves the streaming reads and reports (a standby:
    /// `TREASURY_READ_DATABASE_URL`); everything else, and every read that must see the
    /// caller's own writes, stays on `pool`.
    public init(pool: PostgresPool, readPool: PostgresPool? = nil, clock: any TreasuryClock = SystemClock(),
                configuration: ServiceConfiguration = .init(), logger: Logger) {
        var declarations = BuiltinMethods.all + AdminMethods.all + ReferenceMethods.all + AccountMethods.all
        declarations += BudgetMethods.all + SpendingMethods.all + ReportMethods.all
        declarations += DossierMethods.all + LedgerMethods.all
        declarations += RevenueMethods.all + InvestmentMethods.all + YearEndMethods.all + SignatureMethods.all
        declarations.append(BuiltinMethods.reflection { [declarations] in declarations })
        self.declarations = declarations
        self.core = ServiceCore(pool: pool, readPool: readPool, clock: clock, configuration: configuration, logger: logger, declarations: declarations)
        self.methods = Dictionary(uniqueKeysWithValues: declarations.map { ($0.name, $0) })
    }

    public func hasMethod(_ method: String) -> Bool { methods[method] != nil }

    public func dispatch(_ call: IncomingCall, stream: any CallStream) async -> CallOutcome {
        let started = ContinuousClock.now
        let instruments = core.instruments
        instruments?.metrics.callStarted()
        var username = "-"
        var outcome: CallOutcome
        let declaration = methods[call.method]
        do {
            guard let declaration else {
                throw CallError(.unimplemented, "UNKNOWN_METHOD", "no method \(call.method)")
            }
            // Over mutual TLS, BANK grants of other banks than the certificate's are set aside.
            let (caller, setAside) = try await authenticate(call, declaration: declaration).restricted(to: call.clientCertificate)
            username = caller.username
            do {
                let context = try prepare(call, declaration: declaration, caller: caller)
                outcome = try await run(context, stream: stream)
            } catch let error as CallError where error.code == .permissionDenied && !setAside.isEmpty {
                // Refused for role or scope: would a grant set aside for the certificate have served?
                let eligible = setAside.filter { declaration.roles.isEmpty || declaration.roles.contains($0.role) }
                guard !eligible.isEmpty else { throw error }
                throw CallContext.certificateMismatch(eligible, certificate: call.clientCertificate, method: declaration.name)
            }
            // Tokens and grants may have changed: the next call of every token asks the database.
            if declaration.isMutating, declaration.name.hasPrefix("treasury.v1.Admin/") { core.tokens.clear() }
        } catch {
            outcome = .failure(SchemaRule.transportError(for: error, call: call, logger: core.logger))
        }
        if let declaration, let problem = declaration.reasonProblem(in: outcome) {
            outcome = wrongReason(problem, of: declaration, outcome: outcome)
        }
        let elapsed = ContinuousClock.now - started
        let code = Self.code(of: outcome)
        log(call, username: username, code: code, elapsed: elapsed)
        if let instruments {
            instruments.method(call.method).finished(code: code, duration: elapsed)
            instruments.metrics.callEnded()
        }
        return outcome
    }

    /// The outcome's status code: `OK`, or the error's code (one of the protocol's, else `UNKNOWN`).
    static func code(of outcome: CallOutcome) -> String {
        guard case .error(let raw) = outcome else { return "OK" }
        let code = (try? JSON.parse(raw))?.objectValue?["code"]?.stringValue ?? ""
        return StatusCode(rawValue: code)?.rawValue ?? StatusCode.unknown.rawValue
    }

    /// A method answered a reason its declaration (and so reflection) does not list, or with
    /// another code than the registered one: a bug.
    func wrongReason(_ problem: String, of declaration: MethodDeclaration, outcome: CallOutcome) -> CallOutcome {
        core.logger.error("a method answered a reason that is not declared or not registered so", metadata: [
            "method": "\(declaration.name)", "problem": "\(problem)",
        ])
        guard core.configuration.undeclaredReasons == .refuse else { return outcome }
        return .failure(CallError(.internal, "INTERNAL", "\(declaration.name) answered \(problem)"))
    }

    /// Params, metadata and the role check: everything decidable without the database.
    func prepare(_ call: IncomingCall, declaration: MethodDeclaration, caller: Caller) throws -> CallContext {
        try ParamType.validate(object: call.params, fields: declaration.params, path: "params")
        if declaration.isMutating { try Self.checkIdempotencyKey(call.metadata["idempotency-key"]) }
        let context = CallContext(
            call: call, declaration: declaration, caller: caller, params: Params(call.params),
            now: core.clock.now(), core: core)
        if declaration.requiresToken, context.eligibleGrants.isEmpty {
            throw CallError(.permissionDenied, "ROLE_NOT_ALLOWED", "your roles may not call \(declaration.name)")
        }
        return context
    }

    static func checkIdempotencyKey(_ key: String?) throws {
        guard let key else {
            throw CallError(.invalidArgument, "IDEMPOTENCY_KEY_REQUIRED", "this method changes state: send metadata idempotency-key",
                            details: ["field": .string("metadata.idempotency-key")])
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw CallError.field("metadata.idempotency-key", "FIELD_INVALID", "idempotency-key must be 1 to 255 printable ASCII characters")
        }
    }

    func run(_ context: CallContext, stream: any CallStream) async throws -> CallOutcome {
        core.instruments?.batch(context)
        switch context.declaration.handler {
        case .mutating(let stage):
            if let outcome = try await Execution.grouped(context, core.groups[context.declaration.name]) { return outcome }
            if let batches = core.collectionBatches, context.declaration.name == RevenueMethods.recordCollections.name {
                return try await batches.withPermit { try await Execution.mutating(context, stage: stage) }
            }
            return try await Execution.mutating(context, stage: stage)
        case .inOneFlush(let plan):
            return try await Execution.inOneFlush(context, try plan(context))
        case .read(let stage):
            return try await Execution.read(context, stage: stage)
        case .streaming(let body):
            try context.authorize(nil)
            return .result(try await body(context, stream))
        case .custom(let body):
            return .result(try await body(context))
        }
    }

    /// A non-negative number with one decimal, as "%.1f" (without Foundation's format parsing).
    static func tenths(_ value: Double) -> String {
        let scaled = Int((max(0, value) * 10).rounded())
        return "\(scaled / 10).\(scaled % 10)"
    }

    func log(_ call: IncomingCall, username: String, code: String, elapsed: Duration) {
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "request_id": "\(call.id)", "method": "\(call.method)", "user": "\(username)",
            "duration_ms": "\(Self.tenths(milliseconds))", "code": "\(code)", "peer": "\(call.peer)",
        ]
        if let certificate = call.clientCertificate { metadata["client_certificate"] = "\(certificate.subject)" }
        core.logger.info("call", metadata: metadata)
    }
}
