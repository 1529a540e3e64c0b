import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

// Public investment (API.md "Public investment"; docs/investment.md): projects, capital plans,
// contracts, advances and acceptance-based payments. The schema holds rule 8 for every writer
// (0012_investment.sql, under the project's row lock); these methods take the same locks first
// (the plan's allocation, then the project) and check the rules themselves, so a refusal
// carries its figures. Advances and payments are payment orders: approval, authorization,
// rejection and cancellation are the Spending methods'.
//
// Decisions where API.md is silent (also in docs/investment.md):
// - A contract order's economic code is 9301 (construction works); API.md's requests name none.
// - PutCapitalPlan takes the parent's chapter and sector, or the investor's chapter and an
//   optional `sector` when the parent fixes none (an allocation needs both).
// - The least recovery counts the advances paid (money not yet advanced cannot be deducted)
//   and stops one dong short of the gross, since a payment moves money (the schema keeps
//   amount > 0); the next payment recovers the rest.
// - Retention is floor(gross × retention_bp ÷ 10000), at most what the recovery leaves.
enum InvestmentMethods {
    static let all = [putProject, putCapitalPlan, registerContract, requestAdvance, requestPayment, getProject]

    /// Construction works (9301), the economic code of every contract order.
    static let economicCode = "9301"
    static let projectCode = ParamType.string(StringFormat(pattern: "^[0-9A-Z][0-9A-Z._-]{0,31}$") { value in
        let bytes = Array(value.utf8)
        guard let first = bytes.first, bytes.count <= 32, (48...57).contains(first) || (65...90).contains(first) else { return false }
        return bytes.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || $0 == 46 || $0 == 95 || $0 == 45 }
    }, maximumLength: 32)
    static let year = ParamType.integer(1900...9999)
    static let readers: [Role] = [.unitAccountant, .treasuryOfficer, .chiefAccountant, .budgetAuthority, .auditor]

    // MARK: Projects

    static let putProject = MethodDeclaration(
        "treasury.v1.Investment/PutProject", "Registers a project's legal file, or updates it (the investor never changes).",
        roles: [.unitAccountant, .treasuryOfficer],
        params: [Field("project_code", projectCode), Field("name", .string(.nonEmptyText, maximumLength: 500)),
                 Field("investor_unit_code", .string(.digits(7), maximumLength: 7)), Field("total_investment", .money),
                 Field("decision_no", .string(.nonEmptyText, maximumLength: 64)), Field("decision_date", .date),
                 Field("group", .enumeration(["NATIONAL", "A", "B", "C"])), Field("source", Spending.code)],
        reasons: ["UNIT_NOT_FOUND", "TOTAL_INVESTMENT_EXCEEDED"],
        handler: .mutating { context, connection in
            let p = context.params, unit = p.string("investor_unit_code")
            guard let target = try BudgetUnit.scope(connection, unit)?.target else {
                return Staged(target: nil) { throw CallError(.notFound, "UNIT_NOT_FOUND", "budget unit \(unit) does not exist") }
            }
            let existing = try ProjectRecord.load(connection, p.string("project_code"), lock: true)
            return Staged(target: existing?.target ?? target) {
                if let existing, existing.investor != unit {
                    throw CallError.field("params.investor_unit_code", "FIELD_INVALID",
                                          "project \(existing.code) belongs to investor \(existing.investor); the investor never changes")
                }
                try connection.query(
                    """
                    INSERT INTO projects (project_code, name, investor_unit_code, total_investment, decision_no, decision_date,
                                          project_group, source, created_by, updated_by)
                    VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9, $9)
                    ON CONFLICT (project_code) DO UPDATE SET name = EXCLUDED.name, total_investment = EXCLUDED.total_investment,
                        decision_no = EXCLUDED.decision_no, decision_date = EXCLUDED.decision_date,
                        project_group = EXCLUDED.project_group, source = EXCLUDED.source, updated_by = EXCLUDED.updated_by
                    """, [p.string("project_code"), p.string("name"), unit, p.money("total_investment"), p.string("decision_no"),
                          p.string("decision_date"), p.string("group"), p.string("source"), context.caller.userID])
                return try projectJSON(connection, p.string("project_code"))
            }
        })

    static let getProject = MethodDeclaration(
        "treasury.v1.Investment/GetProject", "A project with its plans, contracts and what has been disbursed.",
        roles: readers,
        params: [Field("project_code", projectCode)],
        reasons: ["PROJECT_NOT_FOUND"],
        handler: .read { context, connection in
            let code = context.params.string("project_code")
            guard let project = try ProjectRecord.load(connection, code, lock: false) else {
                return Staged(target: nil) { throw ProjectRecord.notFound(code) }
            }
            return Staged(target: project.target) { try projectJSON(connection, code) }
        })

    // MARK: Capital plans

    static let putCapitalPlan = MethodDeclaration(
        "treasury.v1.Investment/PutCapitalPlan",
        "Sets a project's capital plan for a year: an INVESTMENT allocation to the investor drawn from parent_id, adjusted when called again.",
        roles: [.budgetAuthority],
        params: [Field("project_code", projectCode), Field("fiscal_year", year), Field("parent_id", Spending.identifier),
                 Field("amount", .money), .optional("extended_from_year", year), .optional("sector", Spending.code)],
        reasons: ["PROJECT_NOT_FOUND", "ALLOCATION_NOT_FOUND", "INSUFFICIENT_ALLOCATION", "TOTAL_INVESTMENT_EXCEEDED", "UNIT_OUTSIDE_TREASURY", "YEAR_CLOSED", "CARRY_OVER_EXCEEDS_AVAILABLE"],
        handler: .mutating { context, connection in
            let p = context.params
            guard let parent = try Spending.lockAllocation(connection, p.string("parent_id")) else {
                return Staged(target: nil) { throw Spending.allocationNotFound(p.string("parent_id")) }
            }
            return Staged(target: parent.target) {
                guard let project = try ProjectRecord.load(connection, p.string("project_code"), lock: true) else {
                    throw ProjectRecord.notFound(p.string("project_code"))
                }
                return try putPlan(context, connection, project: project, parent: parent)
            }
        })

    static func putPlan(_ context: CallContext, _ connection: PostgresConnection, project: ProjectRecord, parent: SpendingAllocation) throws -> JSON {
        let p = context.params, year = p.integer("fiscal_year"), amount = p.money("amount")
        let fiscalYear = try connection.query("SELECT fiscal_year FROM allocations WHERE id = $1", [parent.id]).first?.decode(Int64.self, "fiscal_year")
        guard parent.purpose == "INVESTMENT", fiscalYear == year else {
            throw CallError.field("params.parent_id", "FIELD_INVALID", "allocation \(parent.id) is not an INVESTMENT allocation of \(year)")
        }
        let current = try connection.query(
            """
            SELECT a.id, a.amount FROM capital_plans c JOIN allocations a ON a.id = c.allocation_id
            WHERE c.project_code = $1 AND c.fiscal_year = $2 AND c.extended_from_year IS NOT DISTINCT FROM $3 FOR UPDATE OF a
            """, [project.code, year, p.optionalInteger("extended_from_year")]).first
        let planned = try project.planned(connection) - (try current?.decode(Int64.self, "amount") ?? 0)
        guard Decimal(planned) + Decimal(amount) <= Decimal(project.total) else {
            throw CallError(.failedPrecondition, "TOTAL_INVESTMENT_EXCEEDED",
                            "plans of project \(project.code) would reach \(Decimal(planned) + Decimal(amount)), over its total investment \(project.total)",
                            details: ["total_investment": .money(project.total), "planned": .money(planned), "requested": .money(amount)])
        }
        if let current {
            let id = try current.decode(Int64.self, "id"), delta = amount - (try current.decode(Int64.self, "amount"))
            if delta > 0 { try Spending.requireAvailable(parent, delta) }
            if delta != 0 {
                try connection.query("INSERT INTO allocation_adjustments (allocation_id, delta, reason, created_by) VALUES ($1, $2, $3, $4)",
                                     [id, delta, "capital plan of \(project.code) for \(year)", context.caller.userID])
            }
            return planJSON(project.code, year, amount, id)
        }
        try Spending.requireAvailable(parent, amount)
        guard let unit = try connection.query("SELECT chapter FROM budget_units WHERE code = $1", [project.investor]).first else {
            throw CallError(.notFound, "UNIT_NOT_FOUND", "budget unit \(project.investor) does not exist")
        }
        guard let sector = parent.sector ?? p.optionalString("sector") else {
            throw CallError.field("params.sector", "FIELD_REQUIRED", "allocation \(parent.id) fixes no sector: name the plan's sector")
        }
        guard let id = try connection.query(
            """
            INSERT INTO allocations (parent_id, unit_code, chapter, sector, amount, note, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """, [parent.id, project.investor, parent.chapter ?? unit["chapter"], sector, amount,
                  "capital plan of \(project.code) for \(year)", context.caller.userID]).first?.decode(Int64.self, "id") else {
            throw CallError(.internal, "INTERNAL", "the plan's allocation was not created")
        }
        try connection.query(
            "INSERT INTO capital_plans (allocation_id, project_code, fiscal_year, extended_from_year, created_by) VALUES ($1, $2, $3, $4, $5)",
            [id, project.code, year, p.optionalInteger("extended_from_year"), context.caller.userID])
        return planJSON(project.code, year, amount, id)
    }

    static func planJSON(_ project: String, _ year: Int64, _ amount: Int64, _ allocation: Int64) -> JSON {
        .object(["project_code": .string(project), "fiscal_year": .integer(year), "amount": .money(amount),
                 "allocation_id": .string(String(allocation))])
    }

    // MARK: Contracts

    static let registerContract = MethodDeclaration(
        "treasury.v1.Investment/RegisterContract", "Registers a contract of a project: the investment form of a commitment.",
        roles: [.unitAccountant],
        params: [Field("project_code", projectCode), Field("contract_no", .string(.nonEmptyText, maximumLength: 64)),
                 Field("contractor", .object([Field("name", Spending.name), Field("tax_id", Spending.taxID),
                                              Field("bank_code", Spending.bankCode), Field("account_no", Spending.bankAccount)])),
                 Field("value", .money), Field("advance_rate_bp", .integer(0...10_000)), Field("signed_on", .date),
                 Field("effective_on", .date), Field("ends_on", .date),
                 .optional("guarantee", .object([Field("amount", .money), Field("bank_code", Spending.bankCode), Field("expires_on", .date)])),
                 .optional("retention_bp", .integer(0...10_000)), CommonFields.channel],
        reasons: ["PROJECT_NOT_FOUND", "ADVANCE_RATE_TOO_HIGH", "BANK_NOT_FOUND", "DUPLICATE_CONTRACT"] + Signatures.reasons,
        handler: .mutating { context, connection in
            let code = context.params.string("project_code")
            guard let project = try ProjectRecord.load(connection, code, lock: true) else {
                return Staged(target: nil) { throw ProjectRecord.notFound(code) }
            }
            return Staged(target: project.target) { try performRegister(context, connection, project) }
        })

    static func performRegister(_ context: CallContext, _ connection: PostgresConnection, _ project: ProjectRecord) throws -> JSON {
        let p = context.params, contractor = p.nested("contractor") ?? Params([:]), guarantee = p.nested("guarantee")
        let rate = p.integer("advance_rate_bp")
        guard rate <= 3000 else {
            throw CallError(.failedPrecondition, "ADVANCE_RATE_TOO_HIGH", "an advance rate of \(rate) bp is over the 3000 bp (30%) the law allows",
                            details: ["advance_rate_bp": .integer(rate), "limit_bp": .integer(3000)])
        }
        guard p.string("signed_on") <= p.string("effective_on"), p.string("effective_on") <= p.string("ends_on") else {
            throw CallError.field("params.effective_on", "FIELD_INVALID", "a contract is signed, then effective, then ends: signed_on <= effective_on <= ends_on")
        }
        try Spending.requireBank(connection, contractor.string("bank_code"), field: contractor.fieldPath("bank_code"))
        if let guarantee { try Spending.requireBank(connection, guarantee.string("bank_code"), field: guarantee.fieldPath("bank_code")) }
        guard try connection.query("SELECT 1 FROM contracts WHERE project_code = $1 AND contract_no = $2", [project.code, p.string("contract_no")]).first == nil else {
            throw CallError(.alreadyExists, "DUPLICATE_CONTRACT", "project \(project.code) already has contract \(p.string("contract_no"))",
                            details: ["project_code": .string(project.code), "contract_no": .string(p.string("contract_no"))])
        }
        guard let id = try connection.query(
            """
            INSERT INTO contracts (project_code, contract_no, contractor_name, contractor_tax_id, contractor_bank_code, contractor_account_no,
                                   value, advance_rate_bp, signed_on, effective_on, ends_on, guarantee_amount, guarantee_bank_code,
                                   guarantee_expires_on, retention_bp, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10::date, $11::date, $12, $13, $14::date, $15, $16) RETURNING id
            """, [project.code, p.string("contract_no"), contractor.string("name"), contractor.string("tax_id"), contractor.string("bank_code"),
                  contractor.string("account_no"), p.money("value"), rate, p.string("signed_on"), p.string("effective_on"), p.string("ends_on"),
                  guarantee?.money("amount"), guarantee?.optionalString("bank_code"), guarantee?.optionalString("expires_on"),
                  p.optionalInteger("retention_bp") ?? 0, context.caller.userID]).first?.decode(Int64.self, "id") else {
            throw CallError(.internal, "INTERNAL", "the contract was not created")
        }
        let dossier = try Dossiers.open(connection, context, procedure: .paymentInvestment, unit: project.investor, treasury: project.treasury,
                                        subjectKind: "CONTRACT", subjectID: String(id), completed: true)
        try connection.query("UPDATE contracts SET dossier_id = $2 WHERE id = $1", [id, dossier])
        return .object(["contract_id": .string(String(id)), "dossier_id": .string(String(dossier))])
    }

    // MARK: Advances and payments

    static let requestAdvance = MethodDeclaration(
        "treasury.v1.Investment/RequestAdvance",
        "Requests an advance under a contract: a payment order of the year's plan that then goes through approval and authorization.",
        roles: [.unitAccountant],
        params: [Field("contract_id", Spending.identifier), Field("amount", .money), .optional("fiscal_year", year), CommonFields.channel],
        reasons: ["CONTRACT_NOT_FOUND", "CONTRACT_NOT_EFFECTIVE", "ADVANCE_LIMIT_EXCEEDED", "GUARANTEE_REQUIRED", "PLAN_EXCEEDED",
                  "TOTAL_INVESTMENT_EXCEEDED", "PERIOD_CLOSED", "YEAR_CLOSED", "ADJUSTMENT_PERIOD_RESTRICTED", "CARRY_OVER_EXCEEDS_AVAILABLE"]
            + Signatures.reasons,
        handler: .mutating { context, connection in
            try stageContractOrder(context, connection) { order in
                let contract = order.contract, amount = context.params.money("amount")
                guard contract.effectiveOn <= context.today.description, context.today.description <= contract.endsOn else {
                    throw CallError(.failedPrecondition, "CONTRACT_NOT_EFFECTIVE",
                                    "contract \(contract.id) is effective from \(contract.effectiveOn) to \(contract.endsOn), not on \(context.today)",
                                    details: ["effective_on": .string(contract.effectiveOn), "ends_on": .string(contract.endsOn)])
                }
                let outstanding = try contract.advanceOutstanding(connection), limit = contract.advanceLimit
                guard Decimal(outstanding) + Decimal(amount) <= Decimal(limit) else {
                    throw CallError(.failedPrecondition, "ADVANCE_LIMIT_EXCEEDED",
                                    "advances on contract \(contract.id) would reach \(Decimal(outstanding) + Decimal(amount)), over \(limit)",
                                    details: ["limit": .money(limit), "outstanding": .money(outstanding), "requested": .money(amount)])
                }
                try contract.requireGuarantee(outstanding + amount, on: context.today.description)
                return .object(try order.submit(context, connection, kind: "ADVANCE", amount: amount, acceptance: nil, acceptedOn: nil))
            }
        })

    static let requestPayment = MethodDeclaration(
        "treasury.v1.Investment/RequestPayment",
        "Requests payment of accepted work under a contract, deducting the advance recovery and the retention.",
        roles: [.unitAccountant],
        params: [Field("contract_id", Spending.identifier), Field("acceptance_no", .string(.nonEmptyText, maximumLength: 64)),
                 Field("accepted_on", .date), Field("accepted_value", .money), .optional("recovery", .money),
                 .optional("fiscal_year", year), CommonFields.channel],
        reasons: ["CONTRACT_NOT_FOUND", "CONTRACT_VALUE_EXCEEDED", "RECOVERY_TOO_LOW", "RECOVERY_EXCEEDS_ADVANCE", "PLAN_EXCEEDED",
                  "TOTAL_INVESTMENT_EXCEEDED", "PERIOD_CLOSED", "YEAR_CLOSED", "ADJUSTMENT_PERIOD_RESTRICTED", "CARRY_OVER_EXCEEDS_AVAILABLE"]
            + Signatures.reasons,
        handler: .mutating { context, connection in
            try stageContractOrder(context, connection) { order in try performPayment(context, connection, order) }
        })

    static func performPayment(_ context: CallContext, _ connection: PostgresConnection, _ order: ContractOrder) throws -> JSON {
        let p = context.params, contract = order.contract, gross = p.money("accepted_value")
        let accepted = try contract.acceptedInFlightOrPaid(connection)
        guard Decimal(accepted) + Decimal(gross) <= Decimal(contract.value) else {
            throw CallError(.failedPrecondition, "CONTRACT_VALUE_EXCEEDED",
                            "accepted value of contract \(contract.id) would reach \(Decimal(accepted) + Decimal(gross)), over its value \(contract.value)",
                            details: ["value": .money(contract.value), "accepted": .money(accepted), "requested": .money(gross)])
        }
        let advanced = try contract.paidAdvanceOutstanding(connection)
        let least = Recovery.least(outstanding: advanced, acceptedBefore: accepted, value: contract.value, accepted: gross)
        let recovery = p.optionalMoney("recovery") ?? least
        guard recovery <= advanced else {
            throw CallError(.failedPrecondition, "RECOVERY_EXCEEDS_ADVANCE", "a recovery of \(recovery) is more than the \(advanced) advanced and not yet recovered",
                            details: ["recovery": .money(recovery), "advance_outstanding": .money(advanced)])
        }
        guard recovery >= least else {
            throw CallError(.failedPrecondition, "RECOVERY_TOO_LOW", "this payment must recover at least \(least) of the advance",
                            details: ["recovery": .money(recovery), "least": .money(least)])
        }
        let retention = min(Recovery.share(of: gross, bp: contract.retentionBP), gross - recovery)
        guard let acceptance = try connection.query(
            """
            INSERT INTO acceptances (contract_id, acceptance_no, accepted_on, accepted_value, recovery, retention, created_by)
            VALUES ($1, $2, $3::date, $4, $5, $6, $7) RETURNING id
            """, [contract.id, p.string("acceptance_no"), p.string("accepted_on"), gross, recovery, retention, context.caller.userID])
            .first?.decode(Int64.self, "id") else {
            throw CallError(.internal, "INTERNAL", "the acceptance was not recorded")
        }
        var result = try order.submit(context, connection, kind: "PAYMENT", amount: gross - recovery, acceptance: acceptance,
                                      acceptedOn: p.string("accepted_on"))
        result["gross"] = .money(gross)
        result["recovery"] = .money(recovery)
        result["retention"] = .money(retention)
        result["net"] = .money(gross - recovery - retention)
        return .object(result)
    }

    /// Locks the year's plan (the allocation, as every order does first), then the project, and
    /// checks what every contract order must: the plan and the project's total.
    static func stageContractOrder(
        _ context: CallContext, _ connection: PostgresConnection, work: @escaping @Sendable (ContractOrder) throws -> JSON
    ) throws -> Staged {
        let text = context.params.string("contract_id")
        guard let id = Int64(text), let contract = try ContractRecord.load(connection, id) else {
            return Staged(target: nil) { throw ContractRecord.notFound(text) }
        }
        let year = context.params.optionalInteger("fiscal_year") ?? Int64(context.today.year)
        let planID = try connection.query(
            "SELECT allocation_id FROM capital_plans WHERE project_code = $1 AND fiscal_year = $2 ORDER BY extended_from_year NULLS FIRST LIMIT 1",
            [contract.projectCode, year]).first?.decode(Int64.self, "allocation_id")
        let plan = try planID.flatMap { try SpendingAllocation.load(connection, $0, lock: true) }
        guard let project = try ProjectRecord.load(connection, contract.projectCode, lock: true) else {
            return Staged(target: nil) { throw ContractRecord.notFound(text) }
        }
        return Staged(target: project.target) {
            try work(ContractOrder(contract: contract, project: project, plan: plan, year: year))
        }
    }

    // MARK: Reading

    static func projectJSON(_ connection: PostgresConnection, _ code: String) throws -> JSON {
        guard let row = try connection.query(
            """
            SELECT p.project_code, p.name, p.investor_unit_code, p.total_investment, p.decision_no, p.decision_date::text AS decision_date,
                   p.project_group, p.source,
                   (SELECT coalesce(sum(o.amount), 0) FROM contracts c JOIN payment_orders o ON o.contract_id = c.id
                    WHERE c.project_code = p.project_code AND o.status = 'PAID')::bigint AS disbursed
            FROM projects p WHERE p.project_code = $1
            """, [code]).first else { throw ProjectRecord.notFound(code) }
        let plans = try connection.query(
            """
            SELECT c.fiscal_year, c.extended_from_year, a.id, a.amount, (a.spent + a.advanced)::bigint AS disbursed
            FROM capital_plans c JOIN allocations a ON a.id = c.allocation_id
            WHERE c.project_code = $1 ORDER BY c.fiscal_year, c.extended_from_year NULLS FIRST
            """, [code]).rows.map { plan -> JSON in
            var object: JSONObject = [
                "fiscal_year": .integer(try plan.decode(Int64.self, "fiscal_year")), "allocation_id": .string(plan["id"] ?? ""),
                "amount": .money(try plan.decode(Int64.self, "amount")), "disbursed": .money(try plan.decode(Int64.self, "disbursed"))]
            if let extended = try plan.decodeIfPresent(Int64.self, "extended_from_year") { object["extended_from_year"] = .integer(extended) }
            return .object(object)
        }
        let contracts = try connection.query(
            """
            SELECT c.id, c.contract_no, c.value,
                   coalesce(sum(a.accepted_value) FILTER (WHERE o.status = 'PAID' AND o.kind = 'PAYMENT'), 0)::bigint AS accepted,
                   coalesce(sum(o.amount) FILTER (WHERE o.status = 'PAID'), 0)::bigint AS paid,
                   coalesce(sum(o.amount - o.settled) FILTER (WHERE o.kind = 'ADVANCE' AND o.status IN ('SUBMITTED', 'APPROVED', 'PAID')), 0)::bigint AS outstanding
            FROM contracts c LEFT JOIN payment_orders o ON o.contract_id = c.id LEFT JOIN acceptances a ON a.id = o.acceptance_id
            WHERE c.project_code = $1 GROUP BY c.id ORDER BY c.id
            """, [code]).rows.map { contract -> JSON in
            .object(["contract_id": .string(contract["id"] ?? ""), "contract_no": .string(contract["contract_no"] ?? ""),
                     "value": .money(try contract.decode(Int64.self, "value")), "accepted": .money(try contract.decode(Int64.self, "accepted")),
                     "paid": .money(try contract.decode(Int64.self, "paid")),
                     "advance_outstanding": .money(try contract.decode(Int64.self, "outstanding"))])
        }
        let outstanding = contracts.compactMap { $0.objectValue?["advance_outstanding"]?.stringValue.flatMap { Int64($0) } }.reduce(0, +)
        return .object([
            "project_code": .string(code), "name": .string(row["name"] ?? ""), "investor_unit_code": .string(row["investor_unit_code"] ?? ""),
            "total_investment": .money(try row.decode(Int64.self, "total_investment")), "decision_no": .string(row["decision_no"] ?? ""),
            "decision_date": .string(row["decision_date"] ?? ""), "group": .string(row["project_group"] ?? ""), "source": .string(row["source"] ?? ""),
            "plans": .array(plans), "disbursed_total": .money(try row.decode(Int64.self, "disbursed")),
            "advance_outstanding": .money(outstanding), "contracts": .array(contracts),
        ])
    }
}

/// The least advance recovery and the retention of a payment (API.md RequestPayment).
enum Recovery {
    /// With A outstanding, P accepted before, V the value and W this accepted value: A when
    /// P + W ≥ 0.8 V, else min(A, ceil(A × W ÷ (0.8 V − P))); never the whole of W.
    static func least(outstanding a: Int64, acceptedBefore p: Int64, value v: Int64, accepted w: Int64) -> Int64 {
        guard a > 0 else { return 0 }
        let eighty = Decimal(v) * 4 / 5
        var least: Decimal
        if Decimal(p) + Decimal(w) >= eighty {
            least = Decimal(a)
        } else {
            var quotient = Decimal(a) * Decimal(w) / (eighty - Decimal(p)), rounded = Decimal()
            NSDecimalRound(&rounded, &quotient, 0, .up)
            least = min(Decimal(a), rounded)
        }
        return min(NSDecimalNumber(decimal: least).int64Value, w - 1)
    }

    /// floor(amount × bp ÷ 10000), without overflow: a retention, an advance limit.
    static func share(of amount: Int64, bp: Int64) -> Int64 {
        var value = Decimal(amount) * Decimal(bp) / 10_000, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .down)
        return NSDecimalNumber(decimal: rounded).int64Value
    }
}

struct ProjectRecord: Sendable {
    var code: String
    var investor: String
    var total: Int64
    var treasury: String
    var chain: [String]

    var target: AccessTarget { .treasury(chain, unit: investor) }

    static func load(_ connection: PostgresConnection, _ code: String, lock: Bool) throws -> ProjectRecord? {
        guard let row = try connection.query(
            """
            SELECT p.project_code, p.investor_unit_code, p.total_investment, u.treasury_code, treasury_ancestors(u.treasury_code) AS chain
            FROM projects p JOIN budget_units u ON u.code = p.investor_unit_code WHERE p.project_code = $1\(lock ? " FOR UPDATE OF p" : "")
            """, [code]).first else { return nil }
        return ProjectRecord(code: try row.decode(String.self, "project_code"), investor: try row.decode(String.self, "investor_unit_code"),
                             total: try row.decode(Int64.self, "total_investment"), treasury: try row.decode(String.self, "treasury_code"),
                             chain: SQL.codes(row["chain"]))
    }

    static func notFound(_ code: String) -> CallError {
        CallError(.notFound, "PROJECT_NOT_FOUND", "project \(code) does not exist", details: ["project_code": .string(code)])
    }

    func planned(_ connection: PostgresConnection) throws -> Int64 {
        try connection.query("SELECT project_planned($1)::bigint AS planned", [code]).first?.decode(Int64.self, "planned") ?? 0
    }

    func reserved(_ connection: PostgresConnection) throws -> Int64 {
        try connection.query("SELECT project_reserved($1)::bigint AS reserved", [code]).first?.decode(Int64.self, "reserved") ?? 0
    }
}

struct ContractRecord: Sendable {
    var id: Int64
    var projectCode: String
    var contractorName: String
    var contractorBank: String
    var contractorAccount: String
    var value: Int64
    var advanceRateBP: Int64
    var retentionBP: Int64
    var effectiveOn: String
    var endsOn: String
    var guaranteeAmount: Int64?
    var guaranteeExpiresOn: String?

    /// floor(value × rate ÷ 10000), as the schema computes it.
    var advanceLimit: Int64 { Recovery.share(of: value, bp: advanceRateBP) }

    static func load(_ connection: PostgresConnection, _ id: Int64) throws -> ContractRecord? {
        guard let row = try connection.query(
            """
            SELECT id, project_code, contractor_name, contractor_bank_code, contractor_account_no, value, advance_rate_bp, retention_bp,
                   effective_on::text AS effective_on, ends_on::text AS ends_on, guarantee_amount, guarantee_expires_on::text AS guarantee_expires_on
            FROM contracts WHERE id = $1
            """, [id]).first else { return nil }
        return ContractRecord(
            id: id, projectCode: try row.decode(String.self, "project_code"), contractorName: try row.decode(String.self, "contractor_name"),
            contractorBank: try row.decode(String.self, "contractor_bank_code"), contractorAccount: try row.decode(String.self, "contractor_account_no"),
            value: try row.decode(Int64.self, "value"), advanceRateBP: try row.decode(Int64.self, "advance_rate_bp"),
            retentionBP: try row.decode(Int64.self, "retention_bp"), effectiveOn: try row.decode(String.self, "effective_on"),
            endsOn: try row.decode(String.self, "ends_on"), guaranteeAmount: try row.decodeIfPresent(Int64.self, "guarantee_amount"),
            guaranteeExpiresOn: row["guarantee_expires_on"])
    }

    static func notFound(_ id: String) -> CallError {
        CallError(.notFound, "CONTRACT_NOT_FOUND", "contract \(id) does not exist", details: ["contract_id": .string(id)])
    }

    /// Advances submitted, approved or paid, less what was recovered (API.md "outstanding").
    func advanceOutstanding(_ connection: PostgresConnection) throws -> Int64 {
        try sum(connection, "sum(amount - settled) FILTER (WHERE kind = 'ADVANCE' AND status IN ('SUBMITTED', 'APPROVED', 'PAID'))")
    }

    /// Advances paid and not yet recovered: what a recovery can deduct.
    func paidAdvanceOutstanding(_ connection: PostgresConnection) throws -> Int64 {
        try sum(connection, "sum(amount - settled) FILTER (WHERE kind = 'ADVANCE' AND status = 'PAID')")
    }

    /// Accepted value of payments in flight or paid.
    func acceptedInFlightOrPaid(_ connection: PostgresConnection) throws -> Int64 {
        try connection.query(
            """
            SELECT coalesce(sum(a.accepted_value), 0)::bigint AS total FROM acceptances a JOIN payment_orders o ON o.acceptance_id = a.id
            WHERE a.contract_id = $1 AND o.status IN ('SUBMITTED', 'APPROVED', 'PAID')
            """, [id]).first?.decode(Int64.self, "total") ?? 0
    }

    private func sum(_ connection: PostgresConnection, _ aggregate: String) throws -> Int64 {
        try connection.query("SELECT coalesce(\(aggregate), 0)::bigint AS total FROM payment_orders WHERE contract_id = $1", [id])
            .first?.decode(Int64.self, "total") ?? 0
    }

    /// An outstanding advance over 1,000,000,000 needs a guarantee of at least it, valid on the day.
    func requireGuarantee(_ outstanding: Int64, on day: String) throws {
        guard outstanding > 1_000_000_000 else { return }
        guard let amount = guaranteeAmount, amount >= outstanding, let expires = guaranteeExpiresOn, expires >= day else {
            throw CallError(.failedPrecondition, "GUARANTEE_REQUIRED",
                            "an outstanding advance of \(outstanding) over 1,000,000,000 needs a bank guarantee of at least it, valid on \(day)",
                            details: ["outstanding": .money(outstanding), "guarantee": guaranteeAmount.map { .money($0) } ?? .null])
        }
    }
}

/// A contract order being requested: its contract, project and the plan it is charged to.
struct ContractOrder: Sendable {
    var contract: ContractRecord
    var project: ProjectRecord
    var plan: SpendingAllocation?
    var year: Int64

    /// Checks the plan and the project's total, then submits the order with its dossier.
    func submit(_ context: CallContext, _ connection: PostgresConnection, kind: String, amount: Int64, acceptance: Int64?,
                acceptedOn: String?) throws -> JSONObject {
        // Last year's plan, in its adjustment period, still pays work accepted by 31 December.
        let yearEnd = TreasuryTime.LocalDate(year: Int(year), month: 12, day: 31).description
        try YearEnd.requireChargeable(connection, context, year: Int(year), allowed: acceptedOn.map { $0 <= yearEnd } ?? false,
                                      what: kind == "ADVANCE" ? "an advance" : "work accepted after 31 December")
        guard let plan, plan.available >= amount else {
            throw CallError(.failedPrecondition, "PLAN_EXCEEDED", "the \(year) plan of project \(project.code) has \(plan?.available ?? 0) left, \(amount) is needed",
                            details: ["fiscal_year": .integer(year), "available": .money(plan?.available ?? 0), "requested": .money(amount)])
        }
        let reserved = try project.reserved(connection)
        guard Decimal(reserved) + Decimal(amount) <= Decimal(project.total) else {
            throw CallError(.failedPrecondition, "TOTAL_INVESTMENT_EXCEEDED",
                            "orders of project \(project.code) would reach \(Decimal(reserved) + Decimal(amount)), over its total investment \(project.total)",
                            details: ["total_investment": .money(project.total), "reserved": .money(reserved), "requested": .money(amount)])
        }
        try Ledger.requireOpenPeriod(connection, context)
        let order = try Spending.nextID(connection, "treasury.payment_orders_id_seq")
        let dossier = try Dossiers.open(connection, context, procedure: .paymentInvestment, unit: project.investor, treasury: plan.treasuryCode,
                                        subjectKind: "PAYMENT_ORDER", subjectID: String(order), completed: false, advance: kind == "ADVANCE")
        try connection.query(
            """
            INSERT INTO payment_orders (id, allocation_id, contract_id, acceptance_id, kind, economic_code, amount, beneficiary_name,
                                        beneficiary_bank_code, beneficiary_account_no, description, submitted_by, dossier_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """, [order, plan.id, contract.id, acceptance, kind, InvestmentMethods.economicCode, amount, contract.contractorName,
                  contract.contractorBank, contract.contractorAccount, "\(kind.lowercased()) under contract \(contract.id)",
                  context.caller.userID, dossier])
        return ["order_id": .string(String(order)), "status": .string("SUBMITTED"), "dossier_id": .string(String(dossier)),
                "due_at": .string(try Spending.dueAt(connection, dossier: dossier))]
    }
}

enum InvestmentRules {
    static let meanings: [String: SchemaRule.Meaning] = [
        "total_investment_exceeded": SchemaRule.Meaning("TOTAL_INVESTMENT_EXCEEDED", "the project's total investment would be exceeded"),
        "plans_exceed_total_investment": SchemaRule.Meaning("TOTAL_INVESTMENT_EXCEEDED", "the project's plans would exceed its total investment"),
        "plan_exceeded": SchemaRule.Meaning("PLAN_EXCEEDED", "the year's capital plan would be exceeded"),
        "contract_value_exceeded": SchemaRule.Meaning("CONTRACT_VALUE_EXCEEDED", "the contract's value would be exceeded"),
        "contract_advance_limit_exceeded": SchemaRule.Meaning("ADVANCE_LIMIT_EXCEEDED", "the contract's advance limit would be exceeded"),
        "recovery_exceeds_advance": SchemaRule.Meaning("RECOVERY_EXCEEDS_ADVANCE", "the recovery is more than what was advanced"),
    ]
}
