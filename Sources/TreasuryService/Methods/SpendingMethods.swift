import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

// Expenditure control (API.md "Spending"). The service inserts rows and changes statuses; the
// SECURITY DEFINER triggers of 0009_spending.sql move the allocation figures. Every method
// takes the schema's lock order (allocation, then commitment, then order, then accounts via
// post_entry) and checks the business rules itself after the locks, so refusals carry
// details; the triggers refuse the same things for every other writer.
//
// Decisions where API.md is silent (also in docs/spending.md):
// - Commitments, payment orders and advance settlements are dossiers of PAYMENT_RECURRENT
//   (PAYMENT_INVESTMENT on an INVESTMENT allocation), told apart by subject_kind (COMMITMENT,
//   PAYMENT_ORDER, ADVANCE_SETTLEMENT); Decree 11's COMMITMENT and ADVANCE_SETTLEMENT codes
//   stay only on dossiers filed before.
// - A commitment the treasury registers is accepted at once: its dossier is COMPLETED when
//   created.
// - A payment order's dossier is RECEIVED on submit, PROCESSING on approval, COMPLETED when
//   paid, REJECTED or CANCELLED with the order. While the treasury waits for a supplement the
//   order can be rejected or cancelled, not approved or paid (AWAITING_SUPPLEMENT).
// - An ADVANCE on an INVESTMENT allocation needs a commitment (the 30% limit is of a
//   contract): COMMITMENT_REQUIRED. A RECURRENT advance may be without one.
// - Segregation of duties: the officer who approves must not be the one who submitted, and
//   the authorizer must not be the approver (SAME_PERSON).
// - Commitments and orders need an allocation of a unit (a child): NOT_A_UNIT_ALLOCATION.
// - SettleAdvance checks its economic_code (CODE_NOT_VALID) and the period (PERIOD_CLOSED)
//   like every posting, and opens a dossier (subject ADVANCE_SETTLEMENT) completed at once.
// - paid_at is the database's commit-time clock (the schema's trigger forces it).

/// An allocation with its figures and the treasuries covering it.
struct SpendingAllocation: Sendable {
    var id: Int64
    var fiscalYear: Int
    var purpose: String
    var budgetLevel: String
    var treasuryCode: String
    var unitCode: String?
    var chapter: String?
    var sector: String?
    var source: String?
    var program: String?
    var amount: Int64
    var subAllocated: Int64
    var committed: Int64
    var pending: Int64
    var spent: Int64
    var advanced: Int64
    var carriedOver: Int64
    var lapsed: Int64
    var treasuryChain: [String]

    /// What a new order may take (AllocationRecord.available: rule 4 less the carry-over marks
    /// that committed money does not cover).
    var available: Int64 { amount - subAllocated - committed - pending - spent - advanced - lapsed - max(carriedOver - committed, 0) }
    var target: AccessTarget { .treasury(treasuryChain, unit: unitCode) }

    /// Reads one allocation, locking it first when `lock` is set (the lock order's first step).
    static func load(_ connection: PostgresConnection, _ id: Int64, lock: Bool) throws -> SpendingAllocation? {
        guard let row = try connection.query(
            """
            SELECT a.id, a.fiscal_year, a.purpose, a.budget_level, a.treasury_code, a.unit_code, a.chapter, a.sector, a.source, a.program,
                   a.amount, a.sub_allocated, a.committed, a.pending, a.spent, a.advanced, a.carried_over, a.lapsed,
                   treasury_ancestors(a.treasury_code) AS chain
            FROM allocations a WHERE a.id = $1\(lock ? " FOR UPDATE OF a" : "")
            """, [id]).first else { return nil }
        return SpendingAllocation(
            id: try row.decode(Int64.self, "id"), fiscalYear: Int(try row.decode(Int64.self, "fiscal_year")), purpose: try row.decode(String.self, "purpose"),
            budgetLevel: try row.decode(String.self, "budget_level"), treasuryCode: try row.decode(String.self, "treasury_code"),
            unitCode: row["unit_code"], chapter: row["chapter"], sector: row["sector"], source: row["source"], program: row["program"],
            amount: try row.decode(Int64.self, "amount"), subAllocated: try row.decode(Int64.self, "sub_allocated"),
            committed: try row.decode(Int64.self, "committed"), pending: try row.decode(Int64.self, "pending"),
            spent: try row.decode(Int64.self, "spent"), advanced: try row.decode(Int64.self, "advanced"),
            carriedOver: try row.decode(Int64.self, "carried_over"), lapsed: try row.decode(Int64.self, "lapsed"), treasuryChain: SQL.codes(row["chain"]))
    }

    /// The budget segments of a posting charged to this allocation (8111 and 1310 lines).
    var segments: [String: String] {
        var segments = ["budget_level": budgetLevel, "treasury_code": treasuryCode]
        for (key, value) in [("unit_code", unitCode), ("chapter", chapter), ("sector", sector), ("source", source), ("program", program)] {
            if let value { segments[key] = value }
        }
        return segments
    }

    /// The segments of the advance account 1310: who owes the advance, not what it buys.
    var advanceSegments: [String: String] {
        segments.filter { ["budget_level", "treasury_code", "unit_code", "chapter", "sector"].contains($0.key) }
    }

    var figures: JSONObject {
        ["allocation_id": .string(String(id)), "amount": .money(amount), "available": .money(available)]
    }
}

/// A payment order as stored.
struct PaymentOrderRecord: Sendable {
    var id: Int64
    var allocationID: Int64
    var commitmentID: Int64?
    var kind: String
    var economicCode: String
    var amount: Int64
    var beneficiaryBank: String
    var status: String
    var submittedBy: Int64
    var approvedBy: Int64?
    var dossierID: Int64?
    var settled: Int64
    /// The acceptance a contract payment pays (public investment), else nil.
    var acceptanceID: Int64?

    var outstanding: Int64 { amount - settled }

    static func load(_ connection: PostgresConnection, _ id: Int64, lock: Bool) throws -> PaymentOrderRecord? {
        guard let row = try connection.query(
            """
            SELECT id, allocation_id, commitment_id, kind, economic_code, amount, beneficiary_bank_code, status, submitted_by,
                   approved_by, dossier_id, settled, acceptance_id
            FROM payment_orders WHERE id = $1\(lock ? " FOR UPDATE" : "")
            """, [id]).first else { return nil }
        return PaymentOrderRecord(
            id: try row.decode(Int64.self, "id"), allocationID: try row.decode(Int64.self, "allocation_id"),
            commitmentID: try row.decodeIfPresent(Int64.self, "commitment_id"), kind: try row.decode(String.self, "kind"),
            economicCode: try row.decode(String.self, "economic_code"), amount: try row.decode(Int64.self, "amount"),
            beneficiaryBank: try row.decode(String.self, "beneficiary_bank_code"), status: try row.decode(String.self, "status"),
            submittedBy: try row.decode(Int64.self, "submitted_by"), approvedBy: try row.decodeIfPresent(Int64.self, "approved_by"),
            dossierID: try row.decodeIfPresent(Int64.self, "dossier_id"), settled: try row.decode(Int64.self, "settled"),
            acceptanceID: try row.decodeIfPresent(Int64.self, "acceptance_id"))
    }

    /// Refuses a status change the state machine does not allow from the current status.
    func require(_ allowed: Set<String>, toBecome next: String) throws {
        guard allowed.contains(status) else {
            throw CallError(.failedPrecondition, "INVALID_STATUS", "payment order \(id) is \(status); it cannot become \(next)",
                            details: ["order_id": .string(String(id)), "status": .string(status)])
        }
    }
}

/// Checks and helpers shared by the spending methods.
enum Spending {
    static let identifier = ParamType.string(.digits(1...19), maximumLength: 19)
    static let code = ParamType.string(.upperAlphanumeric(1...10), maximumLength: 10)
    static let bankCode = ParamType.string(.upperAlphanumeric(2...11), maximumLength: 11)
    static let bankAccount = ParamType.string(StringFormat(pattern: "^[0-9A-Za-z]{1,34}$") { value in
        (1...34).contains(value.utf8.count) && value.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
    }, maximumLength: 34)
    static let taxID = ParamType.string(StringFormat(pattern: "^[0-9A-Z-]{1,20}$") { value in
        (1...20).contains(value.utf8.count) && value.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || $0 == 45 }
    }, maximumLength: 20)
    static let name = ParamType.string(.text, maximumLength: 300)

    /// Finds and locks the allocation a new commitment or order is charged to.
    static func lockAllocation(_ connection: PostgresConnection, _ text: String) throws -> SpendingAllocation? {
        guard let id = Int64(text) else { return nil }
        return try SpendingAllocation.load(connection, id, lock: true)
    }

    static func allocationNotFound(_ id: String) -> CallError {
        CallError(.notFound, "ALLOCATION_NOT_FOUND", "allocation \(id) does not exist", details: ["allocation_id": .string(id)])
    }

    static func orderNotFound(_ id: String) -> CallError {
        CallError(.notFound, "PAYMENT_ORDER_NOT_FOUND", "payment order \(id) does not exist", details: ["order_id": .string(id)])
    }

    /// Commitments and orders are charged to a unit's allocation, whose segments a payment needs.
    static func requireUnit(_ allocation: SpendingAllocation) throws -> String {
        guard let unit = allocation.unitCode else {
            throw CallError(.failedPrecondition, "NOT_A_UNIT_ALLOCATION",
                            "allocation \(allocation.id) is an appropriation; commitments and payments are charged to a unit's allocation",
                            details: ["allocation_id": .string(String(allocation.id))])
        }
        return unit
    }

    static func requireAvailable(_ allocation: SpendingAllocation, _ amount: Int64) throws {
        guard allocation.available >= amount else {
            var details = allocation.figures
            details["requested"] = .money(amount)
            throw CallError(.failedPrecondition, "INSUFFICIENT_ALLOCATION",
                            "allocation \(allocation.id) has \(allocation.available) available, \(amount) is needed", details: details)
        }
    }

    /// A posting uses economic codes valid on its accounting date (today).
    static func requireValidCode(_ connection: PostgresConnection, _ context: CallContext, _ code: String, field: String) throws {
        let valid = try connection.query("SELECT code_valid('ECONOMIC', $1, $2::date) AS valid", [code, context.today.description]).first
        guard try valid?.decode(Bool.self, "valid") == true else {
            throw CallError(.failedPrecondition, "CODE_NOT_VALID", "economic code \(code) is not valid on \(context.today)",
                            details: ["field": .string(context.params.fieldPath(field)), "code": .string(code), "date": .string(context.today.description)])
        }
    }

    static func requireBank(_ connection: PostgresConnection, _ code: String, field: String) throws {
        guard try connection.query("SELECT 1 FROM banks WHERE code = $1", [code]).first != nil else {
            throw CallError(.notFound, "BANK_NOT_FOUND", "bank \(code) does not exist", details: ["bank_code": .string(code), "field": .string(field)])
        }
    }

    /// A new id drawn before the insert, so the dossier can name its subject and the row its
    /// dossier in one insert each (advance_settlements are append-only).
    static func nextID(_ connection: PostgresConnection, _ sequence: String) throws -> Int64 {
        try connection.query("SELECT nextval($1::regclass) AS id", [sequence]).first?.decode(Int64.self, "id") ?? 0
    }

    static func dueAt(_ connection: PostgresConnection, dossier: Int64) throws -> String {
        try connection.query("SELECT \(SQL.timestamp("due_at", as: "due_at")) FROM dossiers WHERE id = $1", [dossier]).first?.decode(String.self, "due_at") ?? ""
    }

    /// Moves an order's dossier along with the order; a terminal status completes it now. A
    /// dossier awaiting a supplement may be rejected or cancelled, not approved or paid
    /// (AWAITING_SUPPLEMENT).
    static func moveDossier(_ connection: PostgresConnection, _ context: CallContext, _ order: PaymentOrderRecord, to status: String) throws {
        guard let dossier = order.dossierID else { return }
        if status == "PROCESSING" || status == "COMPLETED",
           let current = try connection.query("SELECT status FROM dossiers WHERE id = $1 FOR UPDATE", [dossier]).first?["status"] {
            try Dossiers.requireNotAwaitingSupplement(dossier, status: current)
        }
        try connection.query(
            """
            UPDATE dossiers SET status = $2, completed_at = CASE WHEN $2 = 'PROCESSING' THEN NULL ELSE to_timestamp($3) END
            WHERE id = $1 AND status IN ('RECEIVED', 'PROCESSING', 'SUPPLEMENT_REQUESTED') AND status <> $2
            """, [dossier, status, SQL.epochSeconds(context.now)])
    }

    /// The procedure of regular spending's dossiers (commitments, orders, settlements): the
    /// investment one on investment capital, as the allocation's purpose says.
    static func procedure(_ allocation: SpendingAllocation) -> Procedure {
        allocation.purpose == "INVESTMENT" ? .paymentInvestment : .paymentRecurrent
    }

    static func sourceIsSamePerson(_ message: String, _ details: JSONObject) -> CallError {
        CallError(.failedPrecondition, "SAME_PERSON", message, details: details)
    }
}

enum SpendingMethods {
    static let readers: [Role] = [.unitAccountant, .treasuryOfficer, .chiefAccountant, .auditor]

    static var all: [MethodDeclaration] {
        [registerCommitment, submitPaymentOrder, approvePaymentOrder, authorizePaymentOrder, rejectPaymentOrder,
         cancelPaymentOrder, settleAdvance, getPaymentOrder]
    }

    // MARK: Commitments

    static let registerCommitment = MethodDeclaration(
        "treasury.v1.Spending/RegisterCommitment",
        "Registers a contract against a unit's allocation: its amount moves from available to committed. Accepted at once (a PAYMENT_RECURRENT dossier, PAYMENT_INVESTMENT on investment capital, subject COMMITMENT, COMPLETED).",
        roles: [.unitAccountant],
        params: [Field("allocation_id", Spending.identifier), Field("contract_no", .string(.text, maximumLength: 64)),
                 Field("economic_code", Spending.code), Field("amount", .money),
                 Field("supplier", .object([Field("name", Spending.name), .optional("tax_id", Spending.taxID),
                                            Field("bank_code", Spending.bankCode), Field("account_no", Spending.bankAccount)])),
                 Field("signed_on", .date), CommonFields.channel],
        reasons: ["ALLOCATION_NOT_FOUND", "NOT_A_UNIT_ALLOCATION", "INSUFFICIENT_ALLOCATION", "CODE_NOT_VALID", "DUPLICATE_CONTRACT", "BANK_NOT_FOUND", "YEAR_CLOSED", "CARRY_OVER_EXCEEDS_AVAILABLE"]
            + Signatures.reasons,
        handler: .mutating { context, connection in
            let id = context.params.string("allocation_id")
            guard context.params.string("contract_no").trimmingCharacters(in: .whitespaces).isEmpty == false else {
                throw CallError.field(context.params.fieldPath("contract_no"), "FIELD_INVALID", "contract_no must not be blank")
            }
            guard let allocation = try Spending.lockAllocation(connection, id) else {
                return Staged(target: nil) { throw Spending.allocationNotFound(id) }
            }
            return Staged(target: allocation.target) { try performRegisterCommitment(context, connection, allocation) }
        })

    static func performRegisterCommitment(_ context: CallContext, _ connection: PostgresConnection, _ allocation: SpendingAllocation) throws -> JSON {
        let p = context.params
        let supplier = p.nested("supplier") ?? Params([:])
        let unit = try Spending.requireUnit(allocation)
        let contract = p.string("contract_no"), amount = p.money("amount"), code = p.string("economic_code")
        if try connection.query("SELECT 1 FROM commitments WHERE allocation_id = $1 AND contract_no = $2", [allocation.id, contract]).first != nil {
            throw duplicateContract(allocation, contract)
        }
        try Spending.requireValidCode(connection, context, code, field: "economic_code")
        try Spending.requireBank(connection, supplier.string("bank_code"), field: supplier.fieldPath("bank_code"))
        try Spending.requireAvailable(allocation, amount)
        let commitment = try Spending.nextID(connection, "treasury.commitments_id_seq")
        let dossier = try Dossiers.open(connection, context, procedure: Spending.procedure(allocation), unit: unit, treasury: allocation.treasuryCode,
                                        subjectKind: "COMMITMENT", subjectID: String(commitment), completed: true)
        do {
            try connection.query(
                """
                INSERT INTO commitments (id, allocation_id, contract_no, economic_code, amount, supplier_name, supplier_tax_id,
                                         supplier_bank_code, supplier_account_no, signed_on, dossier_id, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::date, $11, $12)
                """, [commitment, allocation.id, contract, code, amount, supplier.string("name"), supplier.optionalString("tax_id"),
                      supplier.string("bank_code"), supplier.string("account_no"), p.string("signed_on"), dossier, context.caller.userID])
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "commitments_contract_unique" {
            // Only reachable if the allocation lock were bypassed; the schema's key still holds.
            throw duplicateContract(allocation, contract)
        }
        return .object(["commitment_id": .string(String(commitment)), "status": .string("OPEN"), "remaining": .money(amount),
                        "dossier_id": .string(String(dossier))])
    }

    static func duplicateContract(_ allocation: SpendingAllocation, _ contract: String) -> CallError {
        CallError(.alreadyExists, "DUPLICATE_CONTRACT", "contract \(contract) is already registered against allocation \(allocation.id)",
                  details: ["allocation_id": .string(String(allocation.id)), "contract_no": .string(contract)])
    }

    // MARK: Payment orders

    static let submitPaymentOrder = MethodDeclaration(
        "treasury.v1.Spending/SubmitPaymentOrder",
        "Submits a payment or an advance: the amount is reserved as pending at once, from the commitment's remaining when one is named, else from available.",
        roles: [.unitAccountant],
        params: [Field("allocation_id", Spending.identifier), .optional("commitment_id", Spending.identifier),
                 Field("kind", .enumeration(["PAYMENT", "ADVANCE"])), Field("economic_code", Spending.code), Field("amount", .money),
                 Field("beneficiary", .object([Field("name", Spending.name), Field("bank_code", Spending.bankCode),
                                               Field("account_no", Spending.bankAccount)])),
                 .optional("description", .string(.text, maximumLength: 1000)), CommonFields.channel],
        reasons: ["ALLOCATION_NOT_FOUND", "NOT_A_UNIT_ALLOCATION", "COMMITMENT_NOT_FOUND", "COMMITMENT_REQUIRED", "INSUFFICIENT_ALLOCATION",
                  "COMMITMENT_EXCEEDED", "COMMITMENT_NOT_OPEN", "CODE_NOT_VALID", "PERIOD_CLOSED", "ADVANCE_LIMIT_EXCEEDED", "BANK_NOT_FOUND",
                  "YEAR_CLOSED", "ADJUSTMENT_PERIOD_RESTRICTED", "CARRY_OVER_EXCEEDS_AVAILABLE"] + Signatures.reasons,
        handler: .mutating { context, connection in
            let id = context.params.string("allocation_id")
            guard let allocation = try Spending.lockAllocation(connection, id) else {
                return Staged(target: nil) { throw Spending.allocationNotFound(id) }
            }
            return Staged(target: allocation.target) { try performSubmit(context, connection, allocation) }
        })

    /// A commitment locked after its allocation (the lock order's second step).
    struct CommitmentRecord {
        var id: Int64
        var amount: Int64
        var remaining: Int64
        var status: String
    }

    static func lockCommitment(_ connection: PostgresConnection, _ text: String, allocation: SpendingAllocation) throws -> CommitmentRecord {
        guard let id = Int64(text), let row = try connection.query(
            "SELECT id, amount, remaining, status FROM commitments WHERE id = $1 AND allocation_id = $2 FOR UPDATE", [id, allocation.id]).first
        else {
            throw CallError(.notFound, "COMMITMENT_NOT_FOUND", "allocation \(allocation.id) has no commitment \(text)",
                            details: ["commitment_id": .string(text), "allocation_id": .string(String(allocation.id))])
        }
        return CommitmentRecord(id: try row.decode(Int64.self, "id"), amount: try row.decode(Int64.self, "amount"),
                                remaining: try row.decode(Int64.self, "remaining"), status: try row.decode(String.self, "status"))
    }

    static func performSubmit(_ context: CallContext, _ connection: PostgresConnection, _ allocation: SpendingAllocation) throws -> JSON {
        let p = context.params
        let unit = try Spending.requireUnit(allocation)
        let kind = p.string("kind"), amount = p.money("amount"), code = p.string("economic_code")
        let beneficiary = p.nested("beneficiary") ?? Params([:])
        let commitment = try p.optionalString("commitment_id").map { try lockCommitment(connection, $0, allocation: allocation) }
        if let commitment {
            try checkAgainstCommitment(connection, commitment, kind: kind, amount: amount, purpose: allocation.purpose)
        } else if kind == "ADVANCE" && allocation.purpose == "INVESTMENT" {
            throw CallError(.failedPrecondition, "COMMITMENT_REQUIRED", "an advance of investment capital is paid against a registered contract: name its commitment_id",
                            details: ["allocation_id": .string(String(allocation.id))])
        }
        try YearEnd.requireChargeable(connection, context, year: allocation.fiscalYear, what: "a new payment order")
        try Spending.requireValidCode(connection, context, code, field: "economic_code")
        try Ledger.requireOpenPeriod(connection, context)
        try Spending.requireBank(connection, beneficiary.string("bank_code"), field: beneficiary.fieldPath("bank_code"))
        if commitment == nil { try Spending.requireAvailable(allocation, amount) }
        let order = try Spending.nextID(connection, "treasury.payment_orders_id_seq")
        let dossier = try Dossiers.open(connection, context, procedure: Spending.procedure(allocation), unit: unit, treasury: allocation.treasuryCode,
                                        subjectKind: "PAYMENT_ORDER", subjectID: String(order), completed: false, advance: kind == "ADVANCE")
        try connection.query(
            """
            INSERT INTO payment_orders (id, allocation_id, commitment_id, kind, economic_code, amount, beneficiary_name,
                                        beneficiary_bank_code, beneficiary_account_no, description, submitted_by, dossier_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """, [order, allocation.id, commitment?.id, kind, code, amount, beneficiary.string("name"), beneficiary.string("bank_code"),
                  beneficiary.string("account_no"), p.optionalString("description"), context.caller.userID, dossier])
        return .object(["order_id": .string(String(order)), "status": .string("SUBMITTED"), "dossier_id": .string(String(dossier)),
                        "due_at": .string(try Spending.dueAt(connection, dossier: dossier))])
    }

    /// An order against a commitment: OPEN, within its remaining, and an investment advance
    /// within 30% of the contract counting earlier advances not rejected or cancelled.
    static func checkAgainstCommitment(_ connection: PostgresConnection, _ commitment: CommitmentRecord, kind: String, amount: Int64, purpose: String) throws {
        let idText = JSON.string(String(commitment.id))
        guard commitment.status == "OPEN" else {
            throw CallError(.failedPrecondition, "COMMITMENT_NOT_OPEN", "commitment \(commitment.id) is \(commitment.status)",
                            details: ["commitment_id": idText, "status": .string(commitment.status)])
        }
        guard amount <= commitment.remaining else {
            throw CallError(.failedPrecondition, "COMMITMENT_EXCEEDED", "commitment \(commitment.id) has \(commitment.remaining) left, the order needs \(amount)",
                            details: ["commitment_id": idText, "remaining": .money(commitment.remaining), "requested": .money(amount)])
        }
        guard kind == "ADVANCE", purpose == "INVESTMENT" else { return }
        let earlier = try connection.query(
            """
            SELECT coalesce(sum(amount), 0)::bigint AS total FROM payment_orders
            WHERE commitment_id = $1 AND kind = 'ADVANCE' AND status IN ('SUBMITTED', 'APPROVED', 'PAID')
            """, [commitment.id]).first?.decode(Int64.self, "total") ?? 0
        // The schema's own test, (earlier + amount) * 100 <= contract * 30, in Decimal since
        // amounts up to 10^18 would overflow Int64 when multiplied; limit = floor(30% of it).
        let limit = commitment.amount / 100 * 30 + commitment.amount % 100 * 30 / 100
        if (Decimal(earlier) + Decimal(amount)) * 100 > Decimal(commitment.amount) * 30 {
            throw CallError(.failedPrecondition, "ADVANCE_LIMIT_EXCEEDED",
                            "advances on investment commitment \(commitment.id) would reach \(earlier + amount), over 30% of \(commitment.amount)",
                            details: ["commitment_id": idText, "limit": .money(limit), "advanced": .money(earlier), "requested": .money(amount)])
        }
    }

    /// Finds an order, then takes the lock order (allocation, commitment, order) and re-reads
    /// the order under its lock, since its status may have changed meanwhile.
    static func stageOrder(
        _ context: CallContext, _ connection: PostgresConnection, lock: Bool = true,
        work: @escaping @Sendable (SpendingAllocation, PaymentOrderRecord) throws -> JSON
    ) throws -> Staged {
        let text = context.params.string("order_id")
        guard let id = Int64(text), let first = try PaymentOrderRecord.load(connection, id, lock: false),
              let allocation = try SpendingAllocation.load(connection, first.allocationID, lock: lock) else {
            return Staged(target: nil) { throw Spending.orderNotFound(text) }
        }
        if lock, let commitment = first.commitmentID {
            try connection.query("SELECT 1 FROM commitments WHERE id = $1 FOR UPDATE", [commitment])
        }
        let order = lock ? try PaymentOrderRecord.load(connection, id, lock: true) ?? first : first
        return Staged(target: allocation.target) { try work(allocation, order) }
    }

    static func statusResult(_ order: PaymentOrderRecord, _ status: String) -> JSONObject {
        ["order_id": .string(String(order.id)), "status": .string(status)]
    }

    static let approvePaymentOrder = MethodDeclaration(
        "treasury.v1.Spending/ApprovePaymentOrder",
        "Expenditure control by a treasury officer: the order passes to the chief accountant for the second signature.",
        roles: [.treasuryOfficer],
        params: [Field("order_id", Spending.identifier), .optional("note", .string(.text, maximumLength: 1000))],
        reasons: ["PAYMENT_ORDER_NOT_FOUND", "INVALID_STATUS", "SAME_PERSON", "AWAITING_SUPPLEMENT"],
        handler: .mutating { context, connection in
            try stageOrder(context, connection) { _, order in
                try order.require(["SUBMITTED"], toBecome: "APPROVED")
                guard order.submittedBy != context.caller.userID else {
                    throw Spending.sourceIsSamePerson("payment order \(order.id) was submitted by you; another person controls it",
                                                      ["order_id": .string(String(order.id))])
                }
                try connection.query("UPDATE payment_orders SET status = 'APPROVED', approved_by = $2, note = $3 WHERE id = $1",
                                     [order.id, context.caller.userID, context.params.optionalString("note")])
                try Spending.moveDossier(connection, context, order, to: "PROCESSING")
                return .object(statusResult(order, "APPROVED"))
            }
        })

    static let authorizePaymentOrder = MethodDeclaration(
        "treasury.v1.Spending/AuthorizePaymentOrder",
        "The chief accountant's second signature: posts the payment (Dr 8111 / Cr 1110) or advance (Dr 1310 / Cr 1110); pending becomes spent or advanced.",
        roles: [.chiefAccountant],
        params: [Field("order_id", Spending.identifier)],
        reasons: ["PAYMENT_ORDER_NOT_FOUND", "INVALID_STATUS", "SAME_PERSON", "PERIOD_CLOSED", "ACCOUNT_NOT_FOUND", "YEAR_CLOSED",
                  "ADJUSTMENT_PERIOD_RESTRICTED", "AWAITING_SUPPLEMENT"],
        handler: .mutating { context, connection in
            try stageOrder(context, connection) { allocation, order in
                // A closed year stopped its orders in flight: say so rather than their new status.
                if try YearEnd.isClosed(connection, allocation.fiscalYear) { throw YearEnd.yearClosed(allocation.fiscalYear) }
                try order.require(["APPROVED"], toBecome: "PAID")
                guard order.approvedBy != context.caller.userID else {
                    throw Spending.sourceIsSamePerson("payment order \(order.id) was approved by you; the second signature must be another person's",
                                                      ["order_id": .string(String(order.id))])
                }
                // An order on last year's budget was submitted by 31 December (or pays work accepted by
                // then): a payment is still dated into that year; an advance is not.
                let date = try YearEnd.postingDate(connection, context, year: allocation.fiscalYear, allowed: order.kind == "PAYMENT",
                                                   what: "an advance")
                try Ledger.requireOpenPeriod(connection, context, date: date)
                return try performAuthorize(context, connection, allocation, order, date: date)
            }
        })

    static func performAuthorize(_ context: CallContext, _ connection: PostgresConnection, _ allocation: SpendingAllocation, _ order: PaymentOrderRecord,
                                 date: TreasuryTime.LocalDate) throws -> JSON {
        let lines = try paymentLines(connection, allocation, order)
        let posted = try Ledger.post(connection, context, sourceKind: order.kind, sourceID: String(order.id), treasury: allocation.treasuryCode,
                                     memo: "payment order \(order.id)", accountingDate: date, lines: lines)
        let paidAt = try connection.query(
            """
            UPDATE payment_orders SET status = 'PAID', authorized_by = $2, entry_id = $3 WHERE id = $1
            RETURNING \(SQL.timestamp("paid_at", as: "paid_at"))
            """, [order.id, context.caller.userID, Int64(posted.entryID) ?? 0]).first?.decode(String.self, "paid_at") ?? ""
        try Spending.moveDossier(connection, context, order, to: "COMPLETED")
        var result = statusResult(order, "PAID")
        result["entry_id"] = .string(posted.entryID)
        result["paid_at"] = .string(paidAt)
        return .object(result)
    }

    /// An advance: Dr 1310 / Cr 1110. A payment: Dr 8111 / Cr 1110. A payment of accepted
    /// work under a contract (docs/investment.md): Dr 8111 the gross / Cr 1310 the advance it
    /// recovers / Cr 1110 the net to the contractor / Cr 3711 the retention, into the investor's
    /// account; lines of 0 are left out.
    static func paymentLines(_ connection: PostgresConnection, _ allocation: SpendingAllocation, _ order: PaymentOrderRecord) throws -> [Ledger.Line] {
        let cash = ["bank_code": order.beneficiaryBank, "treasury_code": allocation.treasuryCode]
        // An order under a contract carries its project in the accounting key (public investment).
        let project = try connection.query(
            "SELECT c.project_code FROM payment_orders o JOIN contracts c ON c.id = o.contract_id WHERE o.id = $1", [order.id]).first?["project_code"]
        var advanceSegments = allocation.advanceSegments, segments = allocation.segments
        if let project {
            advanceSegments["project_code"] = project
            segments["project_code"] = project
        }
        if order.kind == "ADVANCE" {
            return [Ledger.Line(glAccount: "1310", debit: order.amount, segments: advanceSegments),
                    Ledger.Line(glAccount: "1110", credit: order.amount, segments: cash)]
        }
        segments["economic_code"] = order.economicCode
        guard let acceptance = order.acceptanceID, let split = try connection.query(
            "SELECT accepted_value, recovery, retention FROM acceptances WHERE id = $1", [acceptance]).first else {
            return [Ledger.Line(glAccount: "8111", debit: order.amount, segments: segments),
                    Ledger.Line(glAccount: "1110", credit: order.amount, segments: cash)]
        }
        let gross = try split.decode(Int64.self, "accepted_value"), recovery = try split.decode(Int64.self, "recovery")
        let retention = try split.decode(Int64.self, "retention")
        var lines = [Ledger.Line(glAccount: "8111", debit: gross, segments: segments)]
        if recovery > 0 { lines.append(Ledger.Line(glAccount: "1310", credit: recovery, segments: advanceSegments)) }
        if gross - recovery - retention > 0 {
            lines.append(Ledger.Line(glAccount: "1110", credit: gross - recovery - retention, segments: cash))
        }
        if retention > 0 {
            guard let unit = allocation.unitCode, let account = try connection.query(
                "SELECT account_no, unit_code, treasury_code FROM accounts WHERE unit_code = $1 AND status = 'ACTIVE' ORDER BY account_no LIMIT 1",
                [unit]).first else {
                throw CallError(.notFound, "ACCOUNT_NOT_FOUND", "the investor \(allocation.unitCode ?? "") has no active account to keep the retention in",
                                details: ["unit_code": .string(allocation.unitCode ?? "")])
            }
            lines.append(Ledger.Line(glAccount: "3711", accountNo: account["account_no"], credit: retention,
                                     segments: ["unit_code": unit, "treasury_code": account["treasury_code"] ?? allocation.treasuryCode]))
        }
        return lines
    }

    /// One reason of a refusal: an UPPER_SNAKE code and what is wrong, for the unit.
    static let rejectReason = ParamType.object([Field("code", .string(.upperSnake, maximumLength: 64)),
                                                Field("note", .string(.text, maximumLength: 1000))])

    static let rejectPaymentOrder = MethodDeclaration(
        "treasury.v1.Spending/RejectPaymentOrder",
        "Refuses a submitted or approved order giving every reason at once (reasons, 1 to 20; or one as reason_code and note); the reservation is released (back to the commitment or to available).",
        roles: [.treasuryOfficer, .chiefAccountant],
        params: [Field("order_id", Spending.identifier),
                 .optional("reasons", .array(rejectReason, count: 1...20), "every reason of the refusal at once, each code once"),
                 .optional("reason_code", .string(.upperSnake, maximumLength: 64), "one reason (with note), instead of reasons"),
                 .optional("note", .string(.text, maximumLength: 1000), "the note of reason_code")],
        reasons: ["PAYMENT_ORDER_NOT_FOUND", "INVALID_STATUS"],
        handler: .mutating { context, connection in
            let reasons = try rejectReasons(context.params)
            return try stageOrder(context, connection) { _, order in
                try order.require(["SUBMITTED", "APPROVED"], toBecome: "REJECTED")
                try connection.query(
                    """
                    UPDATE payment_orders SET status = 'REJECTED', rejected_by = $2, reject_reason_code = $3, note = $4, reject_reasons = $5::jsonb
                    WHERE id = $1
                    """,
                    [order.id, context.caller.userID, reasons[0].code, reasons[0].note,
                     JSON.array(reasons.map { .object(["code": .string($0.code), "note": .string($0.note)]) }).serialized()])
                try Spending.moveDossier(connection, context, order, to: "REJECTED")
                var result = statusResult(order, "REJECTED")
                result["reasons"] = .array(reasons.map { .object(["code": .string($0.code), "note": .string($0.note)]) })
                return .object(result)
            }
        })

    /// The reasons of a refusal: `reasons`, or the one `reason_code` with its `note` (the first
    /// form of the method); never both, each code once.
    static func rejectReasons(_ params: Params) throws -> [(code: String, note: String)] {
        if let code = params.optionalString("reason_code") {
            guard params.value("reasons") == nil else {
                throw CallError.field("params.reasons", "FIELD_INVALID", "give reasons, or one reason_code with its note, not both")
            }
            guard let note = params.optionalString("note") else {
                throw CallError.field("params.note", "FIELD_REQUIRED", "params.note is required with params.reason_code")
            }
            return [(code, note)]
        }
        guard let items = params.value("reasons")?.arrayValue else {
            throw CallError.field("params.reasons", "FIELD_REQUIRED", "params.reasons is required (or reason_code and note)")
        }
        guard params.value("note") == nil else {
            throw CallError.field("params.note", "FIELD_INVALID", "note goes with reason_code; with reasons, each reason has its own note")
        }
        var reasons: [(code: String, note: String)] = []
        for (index, item) in items.enumerated() {
            let code = item.objectValue?["code"]?.stringValue ?? "", note = item.objectValue?["note"]?.stringValue ?? ""
            guard !reasons.contains(where: { $0.code == code }) else {
                throw CallError.field("params.reasons[\(index)].code", "FIELD_INVALID", "reason \(code) is given twice: each code once, with all it covers in its note")
            }
            reasons.append((code, note))
        }
        return reasons
    }

    static let cancelPaymentOrder = MethodDeclaration(
        "treasury.v1.Spending/CancelPaymentOrder",
        "The unit withdraws an order before it is approved; the reservation is released.",
        roles: [.unitAccountant],
        params: [Field("order_id", Spending.identifier)],
        reasons: ["PAYMENT_ORDER_NOT_FOUND", "INVALID_STATUS"] + Signatures.reasons,
        handler: .mutating { context, connection in
            try stageOrder(context, connection) { allocation, order in
                try order.require(["SUBMITTED"], toBecome: "CANCELLED")
                // Withdrawing changes the unit's dossier: signed like the filing (not stored again).
                if let unit = allocation.unitCode { _ = try Signatures.checkFiling(connection, context, unit: unit) }
                try connection.query("UPDATE payment_orders SET status = 'CANCELLED', cancelled_by = $2 WHERE id = $1", [order.id, context.caller.userID])
                try Spending.moveDossier(connection, context, order, to: "CANCELLED")
                return .object(statusResult(order, "CANCELLED"))
            }
        })

    // MARK: Advances

    static let settleAdvance = MethodDeclaration(
        "treasury.v1.Spending/SettleAdvance",
        "Justifies part of a paid advance as spending: posts Dr 8111 / Cr 1310 and moves it from advanced to spent (a PAYMENT_RECURRENT dossier, subject ADVANCE_SETTLEMENT, completed at once).",
        roles: [.unitAccountant],
        params: [Field("order_id", Spending.identifier), Field("amount", .money), Field("economic_code", Spending.code), CommonFields.channel],
        reasons: ["PAYMENT_ORDER_NOT_FOUND", "INVALID_STATUS", "ADVANCE_SETTLEMENT_EXCEEDS", "CODE_NOT_VALID", "PERIOD_CLOSED"] + Signatures.reasons,
        handler: .mutating { context, connection in
            try stageOrder(context, connection) { allocation, order in
                try performSettle(context, connection, allocation, order)
            }
        })

    static func performSettle(_ context: CallContext, _ connection: PostgresConnection, _ allocation: SpendingAllocation, _ order: PaymentOrderRecord) throws -> JSON {
        let amount = context.params.money("amount"), code = context.params.string("economic_code")
        guard order.kind == "ADVANCE", order.status == "PAID" else {
            throw CallError(.failedPrecondition, "INVALID_STATUS", "payment order \(order.id) is a \(order.status) \(order.kind); only a PAID ADVANCE is settled",
                            details: ["order_id": .string(String(order.id)), "status": .string(order.status), "kind": .string(order.kind)])
        }
        guard amount <= order.outstanding else {
            throw CallError(.failedPrecondition, "ADVANCE_SETTLEMENT_EXCEEDS", "advance \(order.id) has \(order.outstanding) outstanding, \(amount) cannot be settled",
                            details: ["order_id": .string(String(order.id)), "outstanding": .money(order.outstanding), "requested": .money(amount)])
        }
        try Spending.requireValidCode(connection, context, code, field: "economic_code")
        // Last year's advance is settled into that year until it closes; after, into today's.
        let date = try YearEnd.isClosed(connection, allocation.fiscalYear)
            ? context.today : YearEnd.postingDate(connection, context, year: allocation.fiscalYear, allowed: true, what: "a settlement")
        try Ledger.requireOpenPeriod(connection, context, date: date)
        var spending = allocation.segments
        spending["economic_code"] = code
        let posted = try Ledger.post(connection, context, sourceKind: "ADVANCE_SETTLEMENT", sourceID: String(order.id), treasury: allocation.treasuryCode,
                                     memo: "settlement of advance \(order.id)", accountingDate: date, lines: [
            Ledger.Line(glAccount: "8111", debit: amount, segments: spending),
            Ledger.Line(glAccount: "1310", credit: amount, segments: allocation.advanceSegments),
        ])
        let settlement = try Spending.nextID(connection, "treasury.advance_settlements_id_seq")
        let dossier = try Dossiers.open(connection, context, procedure: Spending.procedure(allocation), unit: allocation.unitCode, treasury: allocation.treasuryCode,
                                        subjectKind: "ADVANCE_SETTLEMENT", subjectID: String(settlement), completed: true)
        try connection.query(
            """
            INSERT INTO advance_settlements (id, order_id, amount, economic_code, entry_id, dossier_id, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [settlement, order.id, amount, code, Int64(posted.entryID) ?? 0, dossier, context.caller.userID])
        return .object(["entry_id": .string(posted.entryID), "outstanding": .money(order.outstanding - amount),
                        "settlement_id": .string(String(settlement)), "dossier_id": .string(String(dossier))])
    }

    // MARK: Reading

    static let getPaymentOrder = MethodDeclaration(
        "treasury.v1.Spending/GetPaymentOrder", "A payment order with its status history (who, when, what) and, when rejected, every reason given.",
        roles: readers,
        params: [Field("order_id", Spending.identifier)],
        reasons: ["PAYMENT_ORDER_NOT_FOUND"],
        handler: .read { context, connection in
            try stageOrder(context, connection, lock: false) { _, order in try orderJSON(connection, order.id) }
        })

    static func orderJSON(_ connection: PostgresConnection, _ id: Int64) throws -> JSON {
        func user(_ column: String) -> String { "(SELECT username FROM users WHERE id = o.\(column)) AS \(column)" }
        guard let row = try connection.query(
            """
            SELECT o.id, o.allocation_id, o.commitment_id, o.kind, o.economic_code, o.amount, o.beneficiary_name, o.beneficiary_bank_code,
                   o.beneficiary_account_no, o.description, o.status, o.reject_reason_code, o.reject_reasons::text AS reject_reasons,
                   o.note, o.entry_id, o.dossier_id, o.settled,
                   \(user("submitted_by")), \(user("approved_by")), \(user("authorized_by")), \(user("rejected_by")), \(user("cancelled_by")),
                   \(SQL.timestamp("o.created_at", as: "created_at")), \(SQL.timestamp("o.paid_at", as: "paid_at"))
            FROM payment_orders o WHERE o.id = $1
            """, [id]).first else { throw Spending.orderNotFound(String(id)) }
        var object: JSONObject = ["order_id": .optionalString(row["id"]), "beneficiary": .object([
            "name": .optionalString(row["beneficiary_name"]), "bank_code": .optionalString(row["beneficiary_bank_code"]),
            "account_no": .optionalString(row["beneficiary_account_no"])])]
        for column in ["allocation_id", "commitment_id", "kind", "economic_code", "amount", "description", "status", "reject_reason_code", "note",
                       "entry_id", "dossier_id", "submitted_by", "approved_by", "authorized_by", "rejected_by", "cancelled_by", "created_at", "paid_at"] {
            object[column] = .optionalString(row[column])
        }
        if row["kind"] == "ADVANCE" {
            let amount = try row.decode(Int64.self, "amount"), settled = try row.decode(Int64.self, "settled")
            object["settled"] = .money(settled)
            object["outstanding"] = .money(row["status"] == "PAID" ? amount - settled : 0)
        }
        object["reasons"] = rejectReasons(row["reject_reasons"])
        object["history"] = .array(try history(connection, id))
        return .object(object)
    }

    /// A rejection's reasons as stored (payment_orders.reject_reasons), [] when not rejected.
    static func rejectReasons(_ stored: String?) -> JSON {
        .array(stored.flatMap { try? JSON.parse($0).arrayValue } ?? [])
    }

    static func history(_ connection: PostgresConnection, _ id: Int64) throws -> [JSON] {
        try connection.query(
            """
            SELECT e.status, \(SQL.timestamp("e.at", as: "at")), u.username, e.note
            FROM payment_order_events e LEFT JOIN users u ON u.id = e.by WHERE e.order_id = $1 ORDER BY e.id
            """, [id]).rows.map { row in
            .object(["status": .optionalString(row["status"]), "when": .optionalString(row["at"]),
                     "who": .optionalString(row["username"]), "note": .optionalString(row["note"])])
        }
    }
}

/// The spending schema's rules (constraint name → meaning for callers), for refusals the
/// service's own checks did not catch first.
enum SpendingRules {
    static let meanings: [String: SchemaRule.Meaning] = [
        "allocation_within_amount": SchemaRule.Meaning("INSUFFICIENT_ALLOCATION", "the allocation's available amount does not cover this"),
        "commitment_exceeded": SchemaRule.Meaning("COMMITMENT_EXCEEDED", "the order exceeds what is left of the commitment"),
        "commitment_not_open": SchemaRule.Meaning("COMMITMENT_NOT_OPEN", "orders are submitted only against an open commitment"),
        "advance_limit_exceeded": SchemaRule.Meaning("ADVANCE_LIMIT_EXCEEDED", "advances on an investment contract are limited to 30% of its amount"),
        "payment_order_status_transition": SchemaRule.Meaning("INVALID_STATUS", "that status change of the payment order is not allowed now"),
        "commitment_status_transition": SchemaRule.Meaning("INVALID_STATUS", "that status change of the commitment is not allowed now"),
        "commitment_orders_in_flight": SchemaRule.Meaning("INVALID_STATUS", "the commitment has payment orders in flight"),
        "payment_order_four_eyes": SchemaRule.Meaning("SAME_PERSON", "the authorizer must not be the approver"),
        "advance_settlement_within_advance": SchemaRule.Meaning("ADVANCE_SETTLEMENT_EXCEEDS", "the settlement exceeds the outstanding advance"),
        "advance_settlement_requires_paid_advance": SchemaRule.Meaning("INVALID_STATUS", "only a paid advance is settled"),
        "payment_order_commitment_allocation": SchemaRule.Meaning("COMMITMENT_NOT_FOUND", "the commitment does not belong to this allocation", code: .notFound),
    ]
}
