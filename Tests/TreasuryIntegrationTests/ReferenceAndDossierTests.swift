import Foundation
import Testing
import TreasuryClient
import TreasuryProtocol

/// Reference data upserts and lists, the remaining Accounts reasons, and dossier listing.
@Suite struct ReferenceAndDossierTests {
    @Test func putMethodsUpsertAndReturnTheStoredObject() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let code = String(format: "T%05d", TestEnvironment.next())
        let first = try await world.admin.must("treasury.v1.Reference/PutCode", [
            "kind": .string("PROGRAM"), "code": .string(code), "name": .string("Rural schools"), "valid_from": .string("2026-01-01")])
        #expect(first["valid_to"] == .null)
        let second = try await world.admin.must("treasury.v1.Reference/PutCode", [
            "kind": .string("PROGRAM"), "code": .string(code), "name": .string("Rural schools II"), "valid_from": .string("2026-01-01"),
            "valid_to": .string("2026-12-31")])
        #expect(second["name"] == .string("Rural schools II"))
        #expect(second["valid_to"] == .string("2026-12-31"))
        let backwards = try await world.admin.mutate("treasury.v1.Reference/PutCode", [
            "kind": .string("PROGRAM"), "code": .string(code), "name": .string("x"), "valid_from": .string("2026-05-01"), "valid_to": .string("2026-01-01")])
        #expect(backwards.code == "INVALID_ARGUMENT")
        let impossible = try await world.admin.mutate("treasury.v1.Reference/PutHoliday", ["date": .string("2026-02-30"), "name": .string("x")])
        #expect(impossible.error?.details?["field"] == .string("params.date"))
        let listed = try await world.auditor.read("treasury.v1.Reference/List", ["kind": .string("PROGRAM")])
        #expect(listed.items.contains { $0.objectValue?["code"] == .string(code) && $0.objectValue?["name"] == .string("Rural schools II") })
        let levels = try await world.auditor.read("treasury.v1.Reference/List", ["kind": .string("BUDGET_LEVEL")])
        let district = levels.items.compactMap(\.objectValue).first { $0["code"] == .string("DISTRICT") }
        #expect(district?["valid_to"] == .string("2025-06-30"), "budget levels are rows with validity dates")
        let badParent = try await world.admin.mutate("treasury.v1.Reference/PutTreasury", [
            "code": .string("5999"), "name": .string("x"), "budget_level": .string("PROVINCE"), "parent_code": .string("0001")])
        #expect(badParent.reason == "PARENT_NOT_FOUND")
        let cycle = try await world.admin.mutate("treasury.v1.Reference/PutTreasury", [
            "code": .string("0360"), "name": .string("x"), "budget_level": .string("PROVINCE"), "parent_code": .string(world.treasury)])
        #expect(cycle.reason == "PARENT_CYCLE")
    }

    @Test func openingForAnUnknownUnitAndDepositingThroughAnUnknownBankAreNotFound() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let unit = try await world.officer.mutate("treasury.v1.Accounts/Open", ["unit_code": .string("9999999")])
        #expect(unit.code == "NOT_FOUND")
        #expect(unit.reason == "UNIT_NOT_FOUND")
        let account = try await world.account()
        let bank = try await world.officer.mutate("treasury.v1.Accounts/Deposit", [
            "account_no": .string(account), "amount": .string("10"), "bank_code": .string("NOSUCHBANK"), "bank_ref": .string("X-\(UUID())")])
        #expect(bank.reason == "BANK_NOT_FOUND")
        #expect(try await world.balance(account) == 0)
    }

    @Test func dossiersAreListedWithinTheCallersScopeAndFilter() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment), other = try await World.make(environment)
        let account = try await world.account()
        try await world.officer.must("treasury.v1.Accounts/Freeze", ["account_no": .string(account), "reason": .string("audit"), "channel": .string("COUNTER")])
        _ = try await other.account()
        let mine = try await world.accountant.read("treasury.v1.Dossiers/List", [:])
        let procedures = mine.items.compactMap { $0.objectValue?["procedure"]?.stringValue }
        // The unit's two signature specimens (World.make), its account, the freeze.
        #expect(procedures == ["ACCOUNT_OPEN", "ACCOUNT_OPEN", "ACCOUNT_OPEN", "ACCOUNT_CHANGE"])
        #expect(mine.items.allSatisfy { $0.objectValue?["unit_code"] == .string(world.unit) })
        let changes = try await world.officer.read("treasury.v1.Dossiers/List", ["procedure": .string("ACCOUNT_CHANGE")])
        #expect(changes.items.count == 1)
        #expect(changes.items.first?.objectValue?["channel"] == .string("COUNTER"))
        #expect(changes.items.first?.objectValue?["status"] == .string("COMPLETED"))
        let dossier = changes.items.first?.objectValue ?? [:]
        #expect((dossier["due_at"]?.stringValue ?? "") > (dossier["received_at"]?.stringValue ?? "~"))
    }
}
