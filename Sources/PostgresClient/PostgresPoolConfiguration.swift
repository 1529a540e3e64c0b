/// How a `PostgresPool` connects and how far it may grow.
public struct PostgresPoolConfiguration: Sendable {
    /// A libpq keyword/value string or postgresql:// URI; "" uses the PG* environment variables.
    public var conninfo: String
    /// The number of connections, and of dedicated threads that run their blocking calls.
    public var size: Int = 8
    /// Checkouts waiting beyond this many fail fast with `.poolExhausted` instead of queueing forever.
    public var maximumWaiters: Int = 4096
    /// Statements run right after each (re)connect, e.g. "SET ROLE treasury_app".
    public var connectionSetup: [String] = []
    /// How many times `PostgresPool.transaction` re-runs a body after 40001/40P01.
    public var transactionRetryLimit: Int = 5
    /// Told of every error PostgreSQL reports on the pool's connections and of every failed
    /// connection attempt or lost connection (`PostgresConnection.errorObserver`), e.g. for
    /// metrics. Runs on a pool thread: it must be quick. Default nil.
    public var errorObserver: (@Sendable (PostgresError) -> Void)? = nil

    public init(conninfo: String, size: Int = 8) {
        self.conninfo = conninfo
        self.size = size
    }
}
