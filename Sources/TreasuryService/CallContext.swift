import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// Everything a method needs about one call, fixed when the call starts.
public struct CallContext: Sendable {
    public let call: IncomingCall
    public let declaration: MethodDeclaration
    public let caller: Caller
    public let params: Params
    /// The service clock's reading when the call started; every date of the call derives from it.
    public let now: Date
    let core: ServiceCore

    /// Today's accounting date in Asia/Ho_Chi_Minh.
    public var today: TreasuryTime.LocalDate { TreasuryTime.localDate(of: now) }
    public var nowText: String { TreasuryTime.rfc3339(now) }
}

/// Typed reads of params that have already been validated against the method's fields,
/// so a required field is known to be present and well formed here.
public struct Params: Sendable {
    public let object: JSONObject
    let path: String

    public init(_ object: JSONObject, path: String = "params") {
        self.object = object
        self.path = path
    }

    func value(_ name: String) -> JSON? {
        guard let value = object[name], value != .null else { return nil }
        return value
    }

    public func string(_ name: String) -> String { optionalString(name) ?? "" }

    public func optionalString(_ name: String) -> String? {
        value(name)?.stringValue
    }

    public func money(_ name: String) -> Int64 { optionalMoney(name) ?? 0 }

    public func optionalMoney(_ name: String) -> Int64? {
        let text: String
        switch value(name) {
        case .string(let string)?: text = string
        case .number(let literal)?: text = literal
        default: return nil
        }
        if case .value(let amount) = MoneyText.parse(text) { return amount }
        return nil
    }

    public func integer(_ name: String) -> Int64 { optionalInteger(name) ?? 0 }

    /// A server-made identifier: a string of digits on the wire (validated), an Int64 in SQL.
    public func identifier(_ name: String) -> Int64 { Int64(string(name)) ?? 0 }
    public func optionalInteger(_ name: String) -> Int64? { value(name)?.integerValue }

    public func optionalDate(_ name: String) -> TreasuryTime.LocalDate? {
        optionalString(name).flatMap(TreasuryTime.LocalDate.init)
    }

    public func strings(_ name: String) -> [String] {
        value(name)?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    public func nested(_ name: String) -> Params? {
        value(name)?.objectValue.map { Params($0, path: "\(path).\(name)") }
    }

    public func fieldPath(_ name: String) -> String { "\(path).\(name)" }
}

/// Shared, immutable service state.
final class ServiceCore: Sendable {
    let pool: PostgresPool
    /// The standby's pool for streaming reads and reports, when one is configured.
    let readPool: PostgresPool?
    let clock: any TreasuryClock
    let configuration: ServiceConfiguration
    let logger: Logger
    /// Group commit, per method whose declaration has a grouping; empty when turned off.
    let groups: [String: GroupCommit]
    /// Recently authenticated tokens (see TokenCache).
    let tokens: TokenCache
    /// RecordCollections batches in the database at once; nil when unlimited.
    let collectionBatches: AdmissionGate?
    /// The service's metrics; nil when none are collected (`ServiceConfiguration.metrics`).
    let instruments: ServiceInstruments?

    /// Where streaming reads and reports run: the standby when one is configured, else the
    /// primary. Reads a caller makes right after its own writes (Accounts/Get, GetPaymentOrder,
    /// Dossiers/Get...) use `pool`.
    var reportPool: PostgresPool { readPool ?? pool }

    init(pool: PostgresPool, readPool: PostgresPool? = nil, clock: any TreasuryClock, configuration: ServiceConfiguration, logger: Logger,
         declarations: [MethodDeclaration]) {
        self.pool = pool
        self.readPool = readPool
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
        self.tokens = TokenCache(lifetime: configuration.tokenCacheLifetime)
        self.collectionBatches = configuration.batchConcurrency > 0 ? AdmissionGate(permits: configuration.batchConcurrency) : nil
        let instruments = configuration.metrics.map { ServiceInstruments(metrics: $0, declarations: declarations, pool: pool) }
        self.instruments = instruments
        let group = configuration.groupCommit
        var groups: [String: GroupCommit] = [:]
        if group.enabled {
            let settings = GroupCommit.Settings(concurrency: max(1, group.concurrency), maximumGroup: max(1, group.maximumGroup),
                                                minimumRemaining: group.minimumRemaining)
            for declaration in declarations {
                guard let grouping = declaration.grouping else { continue }
                groups[declaration.name] = GroupCommit(
                    pool: pool, method: declaration.name, grouping: grouping, settings: settings, logger: logger,
                    metrics: instruments.map { ($0.metrics, $0.method(declaration.name)) })
            }
        }
        self.groups = groups
        if let readPool, let instruments {
            replicaLagSampler = Self.sampleReplicaLag(readPool, instruments.metrics, logger: logger)
        } else {
            replicaLagSampler = nil
        }
    }

    /// Samples the read replica's lag every 5 s while the service lives.
    let replicaLagSampler: Task<Void, Never>?

    deinit { replicaLagSampler?.cancel() }

    static func sampleReplicaLag(_ pool: PostgresPool, _ metrics: TreasuryMetrics, logger: Logger) -> Task<Void, Never> {
        Task { [weak pool, weak metrics] in
            while !Task.isCancelled {
                guard let pool, let metrics else { return }
                // On a standby: now() - the last replayed commit's time (0 on a primary, or before any replay).
                if let lag = try? await pool.withConnection({ connection in
                    try connection.query(
                        """
                        SELECT CASE WHEN pg_is_in_recovery()
                                    THEN coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) ELSE 0 END::float8 AS lag
                        """).first?["lag"].flatMap(Double.init)
                }) {
                    metrics.setReplicaLag(seconds: max(0, lag))
                }
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }
}

import Logging
import TreasuryMetrics

/// Service settings, each with its default.
public struct ServiceConfiguration: Sendable {
    /// Local time of the payment cut-off, in seconds after midnight (15:30).
    public var paymentCutoffSecondsOfDay = 15 * 3600 + 30 * 60
    /// Longest lifetime of an issued token, in days.
    public var maximumTokenTTLDays: Int64 = 3650
    /// Default lifetime of an issued token, in days.
    public var defaultTokenTTLDays: Int64 = 90
    /// Rows fetched per page when streaming from the database.
    public var streamPageSize = 500
    /// How long a valid token is trusted without asking the database again (zero: always ask).
    /// A revocation or grant change made through this server's Admin methods applies at once.
    public var tokenCacheLifetime: Duration = .seconds(1)
    /// Group commit of concurrent calls of the methods that allow it (docs/decisions.md "Group commit").
    public var groupCommit = GroupCommitConfiguration()
    /// RecordCollections batches recorded at once; the others wait their turn (0: no limit).
    /// See docs/decisions.md "Batch admission".
    public var batchConcurrency = 2
    /// What to do when a method answers a reason its declaration does not list: log it (the
    /// answer goes out as it is) or, in tests, turn the answer into INTERNAL so it fails.
    public var undeclaredReasons = UndeclaredReasons.log
    /// Whether unsigned unit filings are refused (docs/procedures.md).
    public var signatures = SignaturePolicy.required
    /// Where the service counts its calls (`treasury_calls_total`, durations, calls in flight,
    /// idempotency replays, batch and group sizes) and samples its pool's gauges; nil collects
    /// nothing. treasuryd makes one from the bootstrapped MetricsSystem; tests pass their own
    /// (docs/operations.md "Metrics"). Default nil.
    public var metrics: TreasuryMetrics? = nil

    public enum UndeclaredReasons: Sendable { case log, refuse }

    public init() {}
}

/// How concurrent calls of a method with a grouping (RecordCollection forwarded by banks) share transactions.
public struct GroupCommitConfiguration: Sendable {
    /// Off: every call runs in its own transaction.
    public var enabled = true
    /// Groups in flight at once, each on its own database connection.
    public var concurrency = 2
    /// Most calls in one group.
    public var maximumGroup = 500
    /// A call with less time than this left before its deadline runs alone.
    public var minimumRemaining: Duration = .seconds(1)

    public init() {}

    /// The command-line form (`--group-commit N`): N groups in flight, 0 turns group commit off.
    public mutating func setInFlight(_ groups: Int) {
        enabled = groups > 0
        concurrency = max(1, groups)
    }
}
