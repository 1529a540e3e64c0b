import Foundation
import Testing
import TreasuryClient
import TreasuryProtocol
import TreasuryService

/// Appropriations and allocations over TCP: figures and every Budget reason.
@Suite struct BudgetTests {
    func figures(amount: Int64, sub: Int64 = 0, available: Int64) -> [String: Int64] {
        ["amount": amount, "sub_allocated": sub, "committed": 0, "pending": 0, "spent": 0, "advanced": 0, "available": available]
    }

    @Test func allocatingAChildMovesItsAmountIntoTheParentsSubAllocated() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let (root, child) = try await world.allocation(root: 1_000_000, child: 600_000)
        #expect(try await world.figures(root) == figures(amount: 1_000_000, sub: 600_000, available: 400_000))
        #expect(try await world.figures(child) == figures(amount: 600_000, available: 600_000))
        let got = try await world.accountant.mustRead("treasury.v1.Budget/Get", ["allocation_id": .string(child)])
        #expect(got["unit_code"] == .string(world.unit))
        #expect(got["purpose"] == .string("RECURRENT"))
        #expect(got["parent_id"] == .string(root))
    }

    @Test func allocatingBeyondTheParentsAvailableIsRefusedAndChangesNothing() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let (root, _) = try await world.allocation(root: 1_000_000, child: 600_000)
        let response = try await world.budget.mutate("treasury.v1.Budget/Allocate", [
            "parent_id": .string(root), "unit_code": .string(world.unit), "chapter": .string("422"), "sector": .string("070"),
            "amount": .string("400001")])
        #expect(response.code == "FAILED_PRECONDITION")
        #expect(response.reason == "INSUFFICIENT_ALLOCATION")
        #expect(try await world.figures(root) == figures(amount: 1_000_000, sub: 600_000, available: 400_000))
    }

    @Test func aUnitOutsideTheParentsTreasuryIsRefused() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment), elsewhere = try await World.make(environment)
        let (root, _) = try await world.allocation()
        let response = try await world.budget.mutate("treasury.v1.Budget/Allocate", [
            "parent_id": .string(root), "unit_code": .string(elsewhere.unit), "chapter": .string("422"), "sector": .string("070"),
            "amount": .string("1")])
        #expect(response.reason == "UNIT_OUTSIDE_TREASURY")
        #expect(try await world.figures(root)["sub_allocated"] == 600_000)
    }

    @Test func adjustingRaisesAndCutsWithinWhatTheParentAndTheUseAllow() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let (root, child) = try await world.allocation(root: 1_000_000, child: 600_000)
        let raised = try await world.budget.must("treasury.v1.Budget/Adjust", ["allocation_id": .string(child), "delta": .string("300000"), "reason": .string("mid-year")])
        #expect(raised["amount"] == .string("900000"))
        #expect(try await world.figures(root) == figures(amount: 1_000_000, sub: 900_000, available: 100_000))
        let tooMuch = try await world.budget.mutate("treasury.v1.Budget/Adjust", ["allocation_id": .string(child), "delta": .string("100001"), "reason": .string("x")])
        #expect(tooMuch.reason == "INSUFFICIENT_ALLOCATION")
        let everything = try await world.budget.mutate("treasury.v1.Budget/Adjust", ["allocation_id": .string(child), "delta": .string("-900000"), "reason": .string("all")])
        #expect(everything.reason == "INSUFFICIENT_ALLOCATION", "an allocation keeps a positive amount")
        let cut = try await world.budget.must("treasury.v1.Budget/Adjust", ["allocation_id": .string(child), "delta": .string("-899999"), "reason": .string("most back")])
        #expect(cut["available"] == .string("1"))
        #expect(try await world.figures(root) == figures(amount: 1_000_000, sub: 1, available: 999_999))
        let below = try await world.budget.mutate("treasury.v1.Budget/Adjust", ["allocation_id": .string(child), "delta": .string("-2"), "reason": .string("x")])
        #expect(below.reason == "INSUFFICIENT_ALLOCATION")
        let rootCut = try await world.budget.mutate("treasury.v1.Budget/Adjust", ["allocation_id": .string(root), "delta": .string("-1000000"), "reason": .string("x")])
        #expect(rootCut.reason == "INSUFFICIENT_ALLOCATION")
        let zero = try await world.budget.mutate("treasury.v1.Budget/Adjust", ["allocation_id": .string(root), "delta": .string("0"), "reason": .string("x")])
        #expect(zero.code == "INVALID_ARGUMENT")
        #expect(try await world.figures(root) == figures(amount: 1_000_000, sub: 1, available: 999_999))
    }

    @Test func unknownAllocationsTreasuriesAndScopesAreRefused() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment), other = try await World.make(environment)
        let missing = try await world.budget.read("treasury.v1.Budget/Get", ["allocation_id": .string("999999999")])
        #expect(missing.reason == "ALLOCATION_NOT_FOUND")
        let noTreasury = try await world.admin.mutate("treasury.v1.Budget/Appropriate", [
            "fiscal_year": .integer(2026), "budget_level": .string("PROVINCE"), "treasury_code": .string("0360"), "amount": .string("1"), "purpose": .string("RECURRENT")])
        #expect(noTreasury.reason == "ROLE_NOT_ALLOWED")
        let foreign = try await world.budget.mutate("treasury.v1.Budget/Appropriate", [
            "fiscal_year": .integer(2026), "budget_level": .string("PROVINCE"), "treasury_code": .string(other.treasury), "amount": .string("1"), "purpose": .string("RECURRENT")])
        #expect(foreign.reason == "OUT_OF_SCOPE")
        let (root, _) = try await other.allocation()
        let peek = try await world.accountant.read("treasury.v1.Budget/Get", ["allocation_id": .string(root)])
        #expect(peek.reason == "OUT_OF_SCOPE")
    }

    @Test func listStreamsOnlyTheAllocationsInScope() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment), other = try await World.make(environment)
        let (root, child) = try await world.allocation(year: 2027)
        _ = try await other.allocation(year: 2027)
        let listed = try await world.auditor.read("treasury.v1.Budget/List", ["fiscal_year": .integer(2027)])
        let ids = Set(listed.items.compactMap { $0.objectValue?["allocation_id"]?.stringValue })
        #expect(ids == [root, child])
        #expect(listed.object["count"] == .integer(2))
    }

    @Test func theSchemaRefusesOverSpendingByDirectUpdateEvenForTheOwner() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let (_, child) = try await world.allocation()
        let database = try environment.database()
        for role in ["treasury_app", "treasury_owner"] {
            #expect(throws: (any Error).self) {
                try database.transaction { connection in
                    try connection.query("SET LOCAL ROLE \(role)")
                    try connection.query("UPDATE allocations SET spent = amount + 1 WHERE id = $1", [Int64(child)!])
                }
            }
        }
        #expect(try await world.figures(child)["spent"] == 0)
        #expect(try Operations.verify(database).isEmpty)
    }
}
