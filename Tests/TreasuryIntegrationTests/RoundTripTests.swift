import Foundation
import PostgresClient
@testable import TreasuryService
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol

/// Issue #10 item 5: a transfer and a deposit each send their whole database work (BEGIN,
/// idempotency lookup, scope check, effects, outcome record, COMMIT) in one flush.
@Suite struct RoundTripTests {
    @Test func aTransferAndADepositEachTakeOneRoundTripToTheDatabase() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let from = try await world.account(balance: 1_000), to = try await world.account()

        // A server and pool of their own, so that only these calls are counted.
        let setup = try environment.database()
        var configuration = PostgresPoolConfiguration(conninfo: environment.databaseConninfo, size: 1)
        configuration.connectionSetup = try Operations.connectionSetup(setup)
        let pool = PostgresPool(configuration: configuration, logger: environment.logger)
        // Tokens stay cached for the whole test: a cache that expires between the calls (a slow,
        // loaded machine) would add the token lookup's round trip.
        var service = TestEnvironment.serviceConfiguration()
        service.tokenCacheLifetime = .seconds(600)
        let port = try await TestEnvironment.startServer(
            TreasuryService(pool: pool, configuration: service, logger: environment.logger), logger: environment.logger)
        let connection = try await environment.client(port: port)
        let accountant = Session(connection: connection, token: world.accountant.token, signers: world.accountant.signers)
        let bank = Session(connection: connection, token: world.bank.token)
        let transfer: JSONObject = ["from_account": .string(from), "to_account": .string(to), "amount": .string("10")]

        // The first calls open the connection, prepare its statements and cache the tokens.
        try await accountant.must("treasury.v1.Accounts/Transfer", transfer)
        try await bank.must("treasury.v1.Accounts/Deposit", deposit(to))

        let beforeTransfer = pool.roundTrips.total
        try await accountant.must("treasury.v1.Accounts/Transfer", transfer)
        #expect(pool.roundTrips.total - beforeTransfer == 1)

        let beforeDeposit = pool.roundTrips.total
        try await bank.must("treasury.v1.Accounts/Deposit", deposit(to))
        #expect(pool.roundTrips.total - beforeDeposit == 1)

        // The counter counts every exchange: a read goes out with BEGIN, then COMMIT alone.
        let beforeRead = pool.roundTrips.total
        _ = try await accountant.mustRead("treasury.v1.Accounts/Get", ["account_no": .string(from)])
        #expect(pool.roundTrips.total - beforeRead == 2)

        #expect(try await world.balance(from) == 980)
        #expect(try await world.balance(to) == 30)
    }

    /// A deposit of 5 through VCB with a bank reference of its own.
    func deposit(_ account: String) -> JSONObject {
        ["account_no": .string(account), "amount": .string("5"), "bank_code": .string("VCB"), "bank_ref": .string("RT-\(UUID())")]
    }
}
