/// Where and how `EmbeddedPostgres` runs its local cluster.
public struct EmbeddedPostgresConfiguration: Sendable {
    /// The directory holding the cluster: `data/` (the data directory), `run/` (the unix
    /// socket directory) and `postgresql.log`. Relative paths are resolved against the
    /// current working directory when `EmbeddedPostgres` is created. `treasuryd serve` uses `./.treasury`.
    public var directory: String

    /// The port number of the unix socket (`run/.s.PGSQL.<port>`). The cluster never
    /// listens on TCP, so this only has to be unique within `run/`. Default 5433.
    public var port: Int = 5433

    /// The database created (when missing) and named in the returned conninfo. Default "treasury".
    public var databaseName = "treasury"

    /// How long `start()` waits for the server to accept connections. Default 60 seconds.
    public var startTimeoutSeconds: Int = 60

    /// How many trailing lines of `postgresql.log` an error carries. Default 30.
    public var logTailLineCount: Int = 30

    public init(directory: String) {
        self.directory = directory
    }
}
