import CoreMetrics
import Synchronization

/// The treasury's metrics, every name prefixed `treasury_` (docs/operations.md "Metrics"; the
/// names and labels are part of the contract, /work/shared/API.md "Production settings").
///
/// They are made through swift-metrics from the factory given here: `treasuryd` bootstraps
/// `MetricsSystem` once with the Prometheus factory (`prometheusFactory(registry:)`) and makes
/// one `TreasuryMetrics` with the default factory; tests and embedders pass their own factory
/// (and registry) instead, so nothing depends on a global bootstrap order.
///
/// Label values are bounded: methods are the service's fixed set (anything else counts as
/// `unknown`), codes the protocol's status codes, reasons the server's own refusal reasons,
/// SQLSTATE classes the standard ones (anything else is `other`). Handles are made once per
/// label set and kept, so a call costs a lookup under a per-method lock and a few atomic
/// increments; nothing is allocated on the hot path after a method's first call.
///
/// Gauges that mirror state owned elsewhere (the database pool) are sampled when the metrics
/// are scraped (`onScrape`, `sample()`), not kept up to date on every checkout.
public final class TreasuryMetrics: Sendable {
    /// The metric names.
    public enum Name {
        public static let calls = "treasury_calls_total"
        public static let callDuration = "treasury_call_duration_seconds"
        public static let callsInFlight = "treasury_calls_in_flight"
        public static let idempotencyReplays = "treasury_idempotency_replays_total"
        public static let batchItems = "treasury_batch_items"
        public static let groupCommitSize = "treasury_group_commit_size"
        public static let connectionsOpen = "treasury_connections_open"
        public static let connectionsRejected = "treasury_connections_rejected_total"
        public static let requestsRejected = "treasury_requests_rejected_total"
        public static let poolConnections = "treasury_pool_connections"
        public static let poolConnectionsBusy = "treasury_pool_connections_busy"
        public static let poolWaiters = "treasury_pool_waiters"
        public static let databaseErrors = "treasury_database_errors_total"
        public static let replicaLag = "treasury_replica_lag_seconds"
    }

    /// The `method` label of calls naming a method the service does not offer.
    public static let unknownMethod = "unknown"

    /// Histogram buckets, in seconds: from sub-millisecond reads to the longest deadline.
    public static let callDurationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]
    /// Calls per group commit transaction (at most `--group-commit-max`, default 500).
    public static let groupCommitSizeBuckets: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
    /// Items per batch call (RecordCollections: 1 to 10000).
    public static let batchItemsBuckets: [Double] = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    /// The SQLSTATE classes of PostgreSQL (its documentation's appendix A); any other class
    /// counts as `other`, so the label stays bounded whatever a server sends.
    static let sqlStateClasses: Set<String> = [
        "00", "01", "02", "03", "08", "09", "0A", "0B", "0F", "0L", "0P", "0Z", "20", "21", "22", "23", "24",
        "25", "26", "27", "28", "2B", "2D", "2F", "34", "38", "39", "3B", "3D", "3F", "40", "42", "44", "53",
        "54", "55", "57", "58", "72", "F0", "HV", "P0", "XX",
    ]

    let factory: any MetricsFactory
    let callsInFlight: Meter
    let connectionsOpen: Meter
    let poolConnections: Meter
    let poolConnectionsBusy: Meter
    let poolWaiters: Meter
    let replicaLag: Meter
    let groupCommitSize: Recorder
    /// Counters of rare events, one per label value, made on first use.
    private let rare: Mutex<[String: CoreMetrics.Counter]>
    private let samplers: Mutex<[@Sendable () -> Void]>
    /// Calls of methods the service does not offer.
    public let unknown: MethodMetrics

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        callsInFlight = Meter(label: Name.callsInFlight, dimensions: [], factory: factory)
        connectionsOpen = Meter(label: Name.connectionsOpen, dimensions: [], factory: factory)
        poolConnections = Meter(label: Name.poolConnections, dimensions: [], factory: factory)
        poolConnectionsBusy = Meter(label: Name.poolConnectionsBusy, dimensions: [], factory: factory)
        poolWaiters = Meter(label: Name.poolWaiters, dimensions: [], factory: factory)
        replicaLag = Meter(label: Name.replicaLag, dimensions: [], factory: factory)
        groupCommitSize = Recorder(label: Name.groupCommitSize, dimensions: [], aggregate: true, factory: factory)
        rare = Mutex([:])
        samplers = Mutex([])
        unknown = MethodMetrics(method: Self.unknownMethod, factory: factory)
        // Written as 0 from the start, so that rates and alerts see every reason before it happens.
        for reason in ConnectionRejection.allCases { _ = rareCounter(Name.connectionsRejected, "reason", reason.rawValue) }
    }

    /// The metrics of one method; the service makes one per method it offers, once.
    public func method(_ name: String) -> MethodMetrics {
        MethodMetrics(method: name, factory: factory)
    }

    // MARK: - Calls

    /// A call was handed to the service.
    public func callStarted() { callsInFlight.increment() }

    /// A call the service ran has its outcome.
    public func callEnded() { callsInFlight.decrement() }

    /// One transaction of a group commit, with this many calls.
    public func groupCommitted(calls: Int) { groupCommitSize.record(calls) }

    // MARK: - Connections and request lines

    public func connectionOpened() { connectionsOpen.increment() }
    public func connectionClosed() { connectionsOpen.decrement() }

    /// Why the server turned a connection away before any call could run on it.
    public enum ConnectionRejection: String, Sendable, CaseIterable {
        /// Past `maximumConnections` (`TOO_MANY_CONNECTIONS`).
        case tooManyConnections = "too_many_connections"
        /// A clear-text client on a TLS port (`TLS_REQUIRED`).
        case tlsRequired = "tls_required"
        /// The TLS handshake failed (bad or missing client certificate, protocol version, …).
        case tlsHandshakeFailed = "tls_handshake_failed"
    }

    public func connectionRejected(_ reason: ConnectionRejection) {
        rareCounter(Name.connectionsRejected, "reason", reason.rawValue).increment()
    }

    /// A request line answered with an error before any method ran (malformed line, bad
    /// envelope, unknown method, duplicate id, shutting down, line too long). `reason` is the
    /// server's own reason code; calls of unknown methods also count in `treasury_calls_total`
    /// as method `unknown`.
    public func requestRejected(code: String, reason: String) {
        rareCounter(Name.requestsRejected, "reason", Self.boundedReason(reason)).increment()
        if reason == "UNKNOWN_METHOD" { unknown.count(code: code) }
    }

    // MARK: - Database

    /// An error PostgreSQL reported (or a lost connection, counted as class 08).
    public func databaseError(sqlState: String?) {
        rareCounter(Name.databaseErrors, "sqlstate_class", Self.sqlStateClass(sqlState)).increment()
    }

    /// The pool's state now (sampled at scrape time).
    public func setPool(size: Int, busy: Int, waiters: Int) {
        poolConnections.set(size)
        poolConnectionsBusy.set(busy)
        poolWaiters.set(waiters)
    }

    /// How far the read replica's replay is behind (seconds since the last transaction it
    /// replayed; sampled every few seconds by the service when a read replica is configured).
    public func setReplicaLag(seconds: Double) {
        replicaLag.set(seconds)
    }

    static func sqlStateClass(_ sqlState: String?) -> String {
        guard let sqlState else { return "08" }
        let prefix = String(sqlState.prefix(2))
        return sqlStateClasses.contains(prefix) ? prefix : "other"
    }

    /// Reasons are the server's own constants; anything unexpected still cannot grow the label set.
    static func boundedReason(_ reason: String) -> String {
        guard (1...40).contains(reason.utf8.count), reason.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x5F }) else {
            return "OTHER"
        }
        return reason
    }

    private func rareCounter(_ name: String, _ label: String, _ value: String) -> CoreMetrics.Counter {
        let factory = self.factory
        return rare.withLock { counters in
            let key = name + "\u{0}" + value
            if let counter = counters[key] { return counter }
            let counter = CoreMetrics.Counter(label: name, dimensions: [(label, value)], factory: factory)
            counters[key] = counter
            return counter
        }
    }

    // MARK: - Scrapes

    /// Runs `body` before every scrape (`sample()`), e.g. to copy a pool's state into gauges.
    public func onScrape(_ body: @escaping @Sendable () -> Void) {
        samplers.withLock { $0.append(body) }
    }

    /// Brings the sampled gauges up to date; the metrics endpoint calls it before rendering.
    public func sample() {
        for sampler in samplers.withLock({ $0 }) { sampler() }
    }
}

/// One method's handles: `treasury_calls_total{method,code}`,
/// `treasury_call_duration_seconds{method}`, `treasury_idempotency_replays_total{method}` and
/// `treasury_batch_items{method}`, each made on first use and kept.
public final class MethodMetrics: Sendable {
    public let method: String
    private let factory: any MetricsFactory

    private struct Handles {
        var duration: CoreMetrics.Timer?
        /// By status code (`OK`, `FAILED_PRECONDITION`, …): at most the protocol's 17.
        var calls: [String: CoreMetrics.Counter] = [:]
        var replays: CoreMetrics.Counter?
        var batchItems: Recorder?
    }

    private let handles = Mutex(Handles())

    init(method: String, factory: any MetricsFactory) {
        self.method = method
        self.factory = factory
    }

    /// A call ended with `code` (`OK` or the error's status code) after `duration`.
    public func finished(code: String, duration: Duration) {
        let (counter, timer) = handles.withLock { handles -> (CoreMetrics.Counter, CoreMetrics.Timer) in
            let counter = calls(code, &handles)
            return (counter, durationTimer(&handles))
        }
        counter.increment()
        let (seconds, attoseconds) = duration.components
        timer.recordNanoseconds(max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000)
    }

    /// A call ended with `code` without a duration worth recording (refused before dispatch).
    public func count(code: String) {
        handles.withLock { handles -> CoreMetrics.Counter in calls(code, &handles) }.increment()
    }

    /// Calls answered with the stored outcome of an earlier call with the same idempotency key.
    public func replayed(_ count: Int = 1) {
        guard count > 0 else { return }
        let factory = self.factory, method = self.method
        let counter = handles.withLock { handles in
            if let counter = handles.replays { return counter }
            let counter = CoreMetrics.Counter(label: TreasuryMetrics.Name.idempotencyReplays, dimensions: [("method", method)], factory: factory)
            handles.replays = counter
            return counter
        }
        counter.increment(by: count)
    }

    /// A batch call with this many items.
    public func batch(items: Int) {
        let factory = self.factory, method = self.method
        let recorder = handles.withLock { handles in
            if let recorder = handles.batchItems { return recorder }
            let recorder = Recorder(label: TreasuryMetrics.Name.batchItems, dimensions: [("method", method)], aggregate: true, factory: factory)
            handles.batchItems = recorder
            return recorder
        }
        recorder.record(items)
    }

    private func calls(_ code: String, _ handles: inout Handles) -> CoreMetrics.Counter {
        if let counter = handles.calls[code] { return counter }
        let counter = CoreMetrics.Counter(label: TreasuryMetrics.Name.calls, dimensions: [("method", method), ("code", code)], factory: factory)
        handles.calls[code] = counter
        return counter
    }

    private func durationTimer(_ handles: inout Handles) -> CoreMetrics.Timer {
        if let timer = handles.duration { return timer }
        let timer = CoreMetrics.Timer(label: TreasuryMetrics.Name.callDuration, dimensions: [("method", method)], factory: factory)
        handles.duration = timer
        return timer
    }
}
