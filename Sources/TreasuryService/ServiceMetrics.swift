import PostgresClient
import TreasuryMetrics
import TreasuryProtocol

/// The service's handles on its metrics (`ServiceConfiguration.metrics`): one `MethodMetrics`
/// per method it offers, made once, so a call only looks its method up.
struct ServiceInstruments: Sendable {
    struct Method: Sendable {
        let metrics: MethodMetrics
        /// The method's batch param (`ParamType.batch`), whose item count `treasury_batch_items` records.
        let batchField: String?
    }

    let metrics: TreasuryMetrics
    let methods: [String: Method]

    init(metrics: TreasuryMetrics, declarations: [MethodDeclaration], pool: PostgresPool) {
        self.metrics = metrics
        var methods: [String: Method] = [:]
        for declaration in declarations {
            let batchField = declaration.params.first { field in
                if case .batch = field.type { return true }
                return false
            }?.name
            methods[declaration.name] = Method(metrics: metrics.method(declaration.name), batchField: batchField)
        }
        self.methods = methods
        // The pool's gauges are read when the metrics are scraped, not kept on every checkout.
        metrics.onScrape { [weak metrics, weak pool] in
            guard let metrics, let pool else { return }
            let statistics = pool.statistics
            metrics.setPool(size: statistics.size, busy: statistics.busy, waiters: statistics.waiters)
        }
    }

    func method(_ name: String) -> MethodMetrics {
        methods[name]?.metrics ?? metrics.unknown
    }

    /// Records a batch call's item count, for methods that take a batch.
    func batch(_ context: CallContext) {
        guard let method = methods[context.declaration.name], let field = method.batchField,
              let items = context.params.object[field]?.arrayValue else { return }
        method.metrics.batch(items: items.count)
    }
}

extension TreasuryMetrics {
    /// Counts the errors of a pool's connections by SQLSTATE class: set it as
    /// `PostgresPoolConfiguration.errorObserver`.
    public var databaseErrorObserver: @Sendable (PostgresError) -> Void {
        { [weak self] error in self?.databaseError(sqlState: error.sqlState) }
    }
}
