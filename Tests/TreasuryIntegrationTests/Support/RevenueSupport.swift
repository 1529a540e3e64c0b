import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol

/// A World with what revenue needs: a budget authority of scope `*` (sharing rules), a tax
/// authority of the world's treasury, a fresh bank of its own with its BANK user (so a day's
/// reconciliation sees only this test's records), and a sharing rule for the world's area.
struct RevenueWorld: Sendable {
    let world: World
    let rules: Session
    let tax: Session
    let ownBank: String
    let ownBankUser: Session
    let year: Int

    static let economic = "1003"

    static func make(_ environment: TestEnvironment, port: Int? = nil, today: TreasuryTime.LocalDate? = nil) async throws -> RevenueWorld {
        let world = try await World.make(environment, port: port)
        let n = TestEnvironment.next()
        let bank = "RB\(n)"
        try await world.admin.must("treasury.v1.Reference/PutBank", ["code": .string(bank), "name": .string("Revenue bank \(n)")])
        let year = (today ?? TreasuryTime.localDate(of: Date())).year
        let revenue = RevenueWorld(
            world: world, rules: try await user(world, "BUDGET_AUTHORITY", "*", n), tax: try await user(world, "TAX_AUTHORITY", "T:\(world.treasury)", n),
            ownBank: bank, ownBankUser: try await user(world, "BANK", "B:\(bank)", n), year: year)
        try await revenue.rules.must("treasury.v1.Revenue/PutSharingRule", revenue.ruleParams([("CENTRAL", 3000), ("PROVINCE", 3333), ("COMMUNE", 3667)]))
        return revenue
    }

    static func user(_ world: World, _ role: String, _ scope: String, _ n: Int) async throws -> Session {
        let name = "rev-\(role.lowercased())-\(n)"
        try await world.admin.must("treasury.v1.Admin/CreateUser", ["username": .string(name)])
        try await world.admin.must("treasury.v1.Admin/Grant", ["username": .string(name), "role": .string(role), "scope": .string(scope)])
        let token = try await world.admin.must("treasury.v1.Admin/IssueToken", ["username": .string(name), "ttl_days": .integer(3650)])["token"]?.stringValue
        return Session(connection: world.admin.connection, token: token)
    }

    func ruleParams(_ shares: [(String, Int)], economic: String = economic, area: String? = nil) -> JSONObject {
        ["fiscal_year": .integer(year), "economic_code": .string(economic), "area_code": .string(area ?? world.area),
         "shares": .array(shares.map { .object(["budget_level": .string($0.0), "basis_points": .integer($0.1)]) })]
    }

    /// A collection's params for the world's treasury and area; a fresh bank_ref unless given.
    func collection(_ amount: Int64, ref: String = "C-\(UUID().uuidString)", bank: String = "VCB", economic: String = economic,
                    chapter: String = "557", collectedOn: String? = nil) -> JSONObject {
        ["bank_code": .string(bank), "bank_ref": .string(ref),
         "collected_on": .string(collectedOn ?? TreasuryTime.localDate(of: Date()).description),
         "payer": .object(["tax_id": .string("0101234567"), "name": .string("Công ty TNHH Minh An")]),
         "chapter": .string(chapter), "economic_code": .string(economic), "area_code": .string(world.area),
         "treasury_code": .string(world.treasury), "amount": .money(amount)]
    }

    /// Counts behind the service's back: collections of the area, entries and dossiers of the treasury, refunds.
    func snapshot() throws -> [Int64] {
        let database = try world.environment.database()
        let row = try database.query(
            """
            SELECT (SELECT count(*) FROM collections WHERE area_code = $1) AS c,
                   (SELECT count(*) FROM journal_entries WHERE treasury_code = $2) AS e,
                   (SELECT count(*) FROM dossiers WHERE treasury_code = $2) AS d,
                   (SELECT count(*) FROM refunds r JOIN collections c ON c.id = r.collection_id WHERE c.area_code = $1) AS r,
                   (SELECT count(*) FROM sharing_rules WHERE area_code = $1) AS s,
                   (SELECT coalesce(sum(basis_points), 0) FROM sharing_rule_shares x JOIN sharing_rules y ON y.id = x.rule_id WHERE y.area_code = $1) AS bp
            """, [world.area, world.treasury]).first!
        return try ["c", "e", "d", "r", "s", "bp"].map { try row.decode(Int64.self, $0) }
    }

    static func shares(_ result: JSONObject) -> [String: Int64] {
        var shares: [String: Int64] = [:]
        for share in result["shares"]?.arrayValue ?? [] {
            if let object = share.objectValue, let level = object["budget_level"]?.stringValue {
                shares[level] = Int64(object["amount"]?.stringValue ?? "")
            }
        }
        return shares
    }
}
