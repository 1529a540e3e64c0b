import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryProtocol

/// Every UNAUTHENTICATED and PERMISSION_DENIED case, over TCP.
@Suite struct AuthenticationTests {
    func get(_ session: Session, _ account: String) async throws -> CallResponse {
        try await session.read("treasury.v1.Accounts/Get", ["account_no": .string(account)])
    }

    @Test func aMissingTokenIsUnauthenticated() async throws {
        let environment = try await TestEnvironment.get()
        let response = try await get(Session(connection: try await environment.client(), token: nil), "3711000001")
        #expect(response.code == "UNAUTHENTICATED")
        #expect(response.reason == "TOKEN_MISSING")
    }

    @Test func anUnknownOrMalformedTokenIsInvalid() async throws {
        let environment = try await TestEnvironment.get()
        let connection = try await environment.client()
        #expect(try await get(Session(connection: connection, token: "tk_not-a-real-token"), "3711000001").reason == "TOKEN_INVALID")
        let basic = try await connection.call("treasury.v1.Accounts/Get", params: ["account_no": .string("3711000001")],
                                              metadata: ["authorization": "Basic dXNlcjpwYXNz"])
        #expect(basic.reason == "TOKEN_INVALID")
    }

    @Test func anExpiredTokenIsRefused() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let account = try await world.account()
        let token = "tk_expired_\(UUID().uuidString)"
        let database = try environment.database()
        try database.query(
            """
            INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at)
            SELECT id, sha256(convert_to($1, 'UTF8')), now() - interval '2 days', now() - interval '1 day' FROM users WHERE username = 'test-admin'
            """, [token])
        let response = try await get(Session(connection: world.admin.connection, token: token), account)
        #expect(response.code == "UNAUTHENTICATED")
        #expect(response.reason == "TOKEN_EXPIRED")
    }

    @Test func aRevokedTokenIsRefused() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let account = try await world.account()
        let name = "revoked-\(TestEnvironment.next())"
        try await world.admin.must("treasury.v1.Admin/CreateUser", ["username": .string(name)])
        try await world.admin.must("treasury.v1.Admin/Grant", ["username": .string(name), "role": .string("AUDITOR"), "scope": .string("*")])
        let issued = try await world.admin.must("treasury.v1.Admin/IssueToken", ["username": .string(name), "ttl_days": .integer(1)])
        let session = Session(connection: world.admin.connection, token: issued["token"]?.stringValue)
        #expect(try await get(session, account).error == nil)
        try await world.admin.must("treasury.v1.Admin/RevokeToken", ["token_id": issued["token_id"] ?? .null])
        let response = try await get(session, account)
        #expect(response.code == "UNAUTHENTICATED")
        #expect(response.reason == "TOKEN_REVOKED")
    }

    @Test func aTokenRevokedInTheDatabaseDirectlyIsRefusedWithinTheCacheLifetime() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let account = try await world.account()
        let name = "dba-revoked-\(TestEnvironment.next())"
        try await world.admin.must("treasury.v1.Admin/CreateUser", ["username": .string(name)])
        try await world.admin.must("treasury.v1.Admin/Grant", ["username": .string(name), "role": .string("AUDITOR"), "scope": .string("*")])
        let issued = try await world.admin.must("treasury.v1.Admin/IssueToken", ["username": .string(name), "ttl_days": .integer(1)])
        let session = Session(connection: world.admin.connection, token: issued["token"]?.stringValue)
        #expect(try await get(session, account).error == nil)
        // A DBA revokes behind the service's back: no Admin call clears the cache, so the
        // token may work until the cached entry ages out (1 s), and never after.
        try environment.database().query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1", [issued["token_id"]?.stringValue ?? ""])
        // The sleep is the behaviour under test: the cache lifetime must pass.
        try await Task.sleep(for: .milliseconds(1_100))
        let response = try await get(session, account)
        #expect(response.code == "UNAUTHENTICATED")
        #expect(response.reason == "TOKEN_REVOKED")
    }

    @Test func aRoleThatMayNotCallTheMethodIsDenied() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let from = try await world.account(balance: 100), to = try await world.account()
        let response = try await world.auditor.mutate("treasury.v1.Accounts/Transfer", [
            "from_account": .string(from), "to_account": .string(to), "amount": .string("10")])
        #expect(response.code == "PERMISSION_DENIED")
        #expect(response.reason == "ROLE_NOT_ALLOWED")
        let admin = try await world.bank.mutate("treasury.v1.Admin/CreateUser", ["username": .string("intruder-\(TestEnvironment.next())")])
        #expect(admin.reason == "ROLE_NOT_ALLOWED")
        #expect(try await world.balance(from) == 100)
    }

    @Test func aGrantOutsideTheObjectsScopeIsDenied() async throws {
        let environment = try await TestEnvironment.get()
        let mine = try await World.make(environment), theirs = try await World.make(environment)
        let account = try await theirs.account(balance: 100), target = try await mine.account()
        let read = try await mine.officer.read("treasury.v1.Accounts/Get", ["account_no": .string(account)])
        #expect(read.code == "PERMISSION_DENIED")
        #expect(read.reason == "OUT_OF_SCOPE")
        let transfer = try await mine.accountant.mutate("treasury.v1.Accounts/Transfer", [
            "from_account": .string(account), "to_account": .string(target), "amount": .string("10")])
        #expect(transfer.reason == "OUT_OF_SCOPE")
        let freeze = try await mine.officer.mutate("treasury.v1.Accounts/Freeze", ["account_no": .string(account), "reason": .string("x")])
        #expect(freeze.reason == "OUT_OF_SCOPE")
        // A bank scope covers only calls naming its own bank.
        let otherBank = try await mine.bank.mutate("treasury.v1.Accounts/Deposit", [
            "account_no": .string(target), "amount": .string("10"), "bank_code": .string("BIDV"), "bank_ref": .string("X-\(UUID())")])
        #expect(otherBank.reason == "OUT_OF_SCOPE")
        #expect(try await theirs.balance(account) == 100)
        #expect(try await mine.balance(target) == 0)
    }

    @Test func aParentTreasuryScopeCoversTheTreasuriesUnderIt() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let account = try await world.account(balance: 10)
        let name = "province-auditor-\(TestEnvironment.next())"
        try await world.admin.must("treasury.v1.Admin/CreateUser", ["username": .string(name)])
        try await world.admin.must("treasury.v1.Admin/Grant", ["username": .string(name), "role": .string("AUDITOR"), "scope": .string("T:0360")])
        let token = try await world.admin.must("treasury.v1.Admin/IssueToken", ["username": .string(name)])["token"]?.stringValue
        let response = try await Session(connection: world.admin.connection, token: token).read("treasury.v1.Accounts/Get", ["account_no": .string(account)])
        #expect(response.error == nil, "\(response.terminalLine)")
    }
}
