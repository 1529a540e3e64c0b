import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryProtocol

/// The seven figures of an allocation as Budget/Get reports them.
struct Figures: Equatable, CustomStringConvertible {
    var amount: Int64 = 0
    var subAllocated: Int64 = 0
    var committed: Int64 = 0
    var pending: Int64 = 0
    var spent: Int64 = 0
    var advanced: Int64 = 0
    var available: Int64 = 0

    var description: String {
        "amount \(amount) sub \(subAllocated) committed \(committed) pending \(pending) spent \(spent) advanced \(advanced) available \(available)"
    }
}

/// Everything a refused spending call must leave as it was: the allocation's figures, its
/// commitments and orders, the dossiers of its unit and the ledger of its treasury.
struct SpendingSnapshot: Equatable {
    var figures: Figures
    var commitments: [String]
    var orders: [String]
    var dossiers: Int64
    var ledger: [String]
}

/// Budget and spending helpers over one World: a budget authority of the world's treasury
/// appropriates and allocates through Budget/Appropriate and Budget/Allocate.
struct SpendingWorld: Sendable {
    let world: World
    let budget: Session

    static func make(_ environment: TestEnvironment, port: Int? = nil) async throws -> SpendingWorld {
        let world = try await World.make(environment, port: port)
        return SpendingWorld(world: world, budget: world.budget)
    }

    var accountant: Session { world.accountant }
    var officer: Session { world.officer }
    var chief: Session { world.chief }

    /// A root estimate of the world's treasury and a child of `amount` for its unit; returns the child.
    func allocation(_ amount: Int64, purpose: String = "RECURRENT", year: Int = 2030) async throws -> String {
        let root = try await budget.must("treasury.v1.Budget/Appropriate", [
            "fiscal_year": .integer(year), "budget_level": .string("PROVINCE"), "treasury_code": .string(world.treasury),
            "amount": .money(amount * 2), "purpose": .string(purpose)])["allocation_id"]?.stringValue ?? ""
        return try await allocate(parent: root, amount)
    }

    func allocate(parent: String, _ amount: Int64) async throws -> String {
        try await budget.must("treasury.v1.Budget/Allocate", [
            "parent_id": .string(parent), "unit_code": .string(world.unit), "chapter": .string("422"), "sector": .string("341"),
            "amount": .money(amount)])["allocation_id"]?.stringValue ?? ""
    }

    func figures(_ allocation: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Figures {
        let result = try await budget.mustRead("treasury.v1.Budget/Get", ["allocation_id": .string(allocation)], sourceLocation: sourceLocation)
        func money(_ key: String) -> Int64 {
            let value = Int64(result[key]?.stringValue ?? "")
            #expect(value != nil, "Budget/Get lacks \(key): \(result)", sourceLocation: sourceLocation)
            return value ?? -1
        }
        return Figures(amount: money("amount"), subAllocated: money("sub_allocated"), committed: money("committed"), pending: money("pending"),
                       spent: money("spent"), advanced: money("advanced"), available: money("available"))
    }

    func snapshot(_ allocation: String) async throws -> SpendingSnapshot {
        let figures = try await figures(allocation)
        let database = try world.environment.database()
        let id = Int64(allocation) ?? 0
        let commitments = try database.query(
            "SELECT id || ':' || status || ':' || remaining AS line FROM commitments WHERE allocation_id = $1 ORDER BY id", [id]).rows.compactMap { $0["line"] }
        let orders = try database.query(
            "SELECT id || ':' || status || ':' || settled AS line FROM payment_orders WHERE allocation_id = $1 ORDER BY id", [id]).rows.compactMap { $0["line"] }
        let dossiers = try database.query("SELECT count(*)::bigint AS n FROM dossiers WHERE unit_code = $1", [world.unit]).first?.decode(Int64.self, "n") ?? -1
        let ledger = try database.query(
            """
            SELECT l.gl_account || ':' || sum(l.debit) || ':' || sum(l.credit) || ':' || count(DISTINCT e.id) AS line
            FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id WHERE e.treasury_code = $1 GROUP BY l.gl_account ORDER BY l.gl_account
            """, [world.treasury]).rows.compactMap { $0["line"] }
        return SpendingSnapshot(figures: figures, commitments: commitments, orders: orders, dossiers: dossiers, ledger: ledger)
    }

    func commit(_ allocation: String, _ amount: Int64, contract: String = "HD-\(UUID().uuidString.prefix(8))", code: String = "6501") -> JSONObject {
        ["allocation_id": .string(allocation), "contract_no": .string(contract), "economic_code": .string(code), "amount": .money(amount),
         "supplier": .object(["name": .string("Cong ty Dien luc"), "tax_id": .string("0800123456"), "bank_code": .string("VCB"),
                              "account_no": .string("0011000123456")]),
         "signed_on": .string("2030-01-15")]
    }

    func order(_ allocation: String, _ amount: Int64, kind: String = "PAYMENT", commitment: String? = nil, code: String = "6501") -> JSONObject {
        var params: JSONObject = [
            "allocation_id": .string(allocation), "kind": .string(kind), "economic_code": .string(code), "amount": .money(amount),
            "beneficiary": .object(["name": .string("Cong ty Dien luc"), "bank_code": .string("VCB"), "account_no": .string("0011000123456")]),
            "description": .string("electricity \(kind.lowercased())")]
        if let commitment { params["commitment_id"] = .string(commitment) }
        return params
    }

    /// Submits an order and returns its id.
    func submit(_ allocation: String, _ amount: Int64, kind: String = "PAYMENT", commitment: String? = nil,
                sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        try await accountant.must("treasury.v1.Spending/SubmitPaymentOrder", order(allocation, amount, kind: kind, commitment: commitment),
                                  sourceLocation: sourceLocation)["order_id"]?.stringValue ?? ""
    }

    /// Submits, approves and authorizes an order; returns its id.
    func pay(_ allocation: String, _ amount: Int64, kind: String = "PAYMENT", commitment: String? = nil,
             sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let order = try await submit(allocation, amount, kind: kind, commitment: commitment, sourceLocation: sourceLocation)
        try await officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order)], sourceLocation: sourceLocation)
        try await chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order)], sourceLocation: sourceLocation)
        return order
    }
}

extension World {
    /// A new user of this world with one grant, and a session for it.
    func user(_ role: String, scope: String, also: [(String, String)] = []) async throws -> Session {
        let name = "\(role.lowercased())-\(TestEnvironment.next())-\(UUID().uuidString.prefix(6).lowercased())"
        try await admin.must("treasury.v1.Admin/CreateUser", ["username": .string(name)])
        for (grantRole, grantScope) in [(role, scope)] + also {
            try await admin.must("treasury.v1.Admin/Grant", ["username": .string(name), "role": .string(grantRole), "scope": .string(grantScope)])
        }
        let token = try await admin.must("treasury.v1.Admin/IssueToken", ["username": .string(name), "ttl_days": .integer(3650)])["token"]?.stringValue
        // A unit accountant of this world's unit signs with the unit's signers.
        return Session(connection: admin.connection, token: token, signers: role == "UNIT_ACCOUNTANT" && scope == "U:\(unit)" ? accountant.signers : [])
    }
}
