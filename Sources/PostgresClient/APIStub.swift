// TEMPORARY: the public API of the libpq wrapper, so dependants type-check while the
// implementation is built on its own branch. Replaced by the real module at merge.
import Logging

public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Kind: Sendable, Equatable { case connection, server, decoding, cancelled, poolExhausted }
    public var kind: Kind
    public var sqlState: String?
    public var severity: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    public var schema: String?
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isQueryCanceled: Bool { sqlState == "57014" }
    public var isConnectionFailure: Bool { kind == .connection }
    public var description: String { "PostgreSQL error" }
    public var debugDescription: String { message }
}
public protocol PostgresEncodable: Sendable { var postgresText: String? { get } }
extension String: PostgresEncodable { public var postgresText: String? { self } }
extension Int: PostgresEncodable { public var postgresText: String? { String(self) } }
extension Int64: PostgresEncodable { public var postgresText: String? { String(self) } }
extension Int32: PostgresEncodable { public var postgresText: String? { String(self) } }
extension Bool: PostgresEncodable { public var postgresText: String? { self ? "t" : "f" } }
extension Optional: PostgresEncodable where Wrapped: PostgresEncodable { public var postgresText: String? { self?.postgresText } }
extension Array: PostgresEncodable where Element == String { public var postgresText: String? { "" } }
public protocol PostgresDecodable: Sendable { init?(postgresText: String) }
extension String: PostgresDecodable { public init?(postgresText: String) { self = postgresText } }
extension Int: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Int64: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Int32: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Bool: PostgresDecodable { public init?(postgresText: String) { self = postgresText == "t" } }
public struct PostgresRow: Sendable {
    public let columnNames: [String]
    public subscript(_ index: Int) -> String? { nil }
    public subscript(_ name: String) -> String? { nil }
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ index: Int) throws -> T { fatalError() }
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ name: String) throws -> T { fatalError() }
    public func decodeIfPresent<T: PostgresDecodable>(_ type: T.Type, _ name: String) throws -> T? { nil }
}
public struct PostgresResult: Sendable {
    public let columnNames: [String]
    public let rows: [PostgresRow]
    public let affectedRows: Int
    public var first: PostgresRow? { rows.first }
}
public enum TransactionStatus: Sendable { case idle, active, inTransaction, inError, unknown }
public enum IsolationLevel: String, Sendable { case readCommitted = "READ COMMITTED", repeatableRead = "REPEATABLE READ", serializable = "SERIALIZABLE" }
public final class PostgresConnection: @unchecked Sendable {
    public init(conninfo: String) throws { fatalError() }
    @discardableResult public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> PostgresResult { fatalError() }
    public func execute(script: String) throws {}
    public func cancel() {}
    public func clearCancellation() {}
    public var isCancelled: Bool { false }
    public var transactionStatus: TransactionStatus { .idle }
    public var isHealthy: Bool { true }
    public func reset() throws {}
    public var backendPID: Int32 { 0 }
    public func transaction<T>(isolation: IsolationLevel = .readCommitted, _ body: (PostgresConnection) throws -> T) throws -> T { try body(self) }
}
public struct PostgresPoolConfiguration: Sendable {
    public var conninfo: String
    public var size: Int = 8
    public var maximumWaiters: Int = 4096
    public var connectionSetup: [String] = []
    public var transactionRetryLimit: Int = 5
    public init(conninfo: String, size: Int = 8) { self.conninfo = conninfo; self.size = size }
}
public final class PostgresPool: Sendable {
    public init(configuration: PostgresPoolConfiguration, logger: Logger) {}
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T { fatalError() }
    public func transaction<T: Sendable>(isolation: IsolationLevel = .readCommitted, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T { fatalError() }
    public func shutdown() async {}
}
