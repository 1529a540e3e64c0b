import TreasuryMetrics

/// Everything the line-protocol server can be tuned with. Every limit has a default that is
/// safe for production; tests shrink them to exercise the edges quickly.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Default `"127.0.0.1"`.
    public var host = "127.0.0.1"
    /// The TCP port to listen on; `0` picks a free port (see `TreasuryServer.listeningPort()`).
    /// Default `7400`.
    public var port = 7400
    /// The longest line (without its `\n`) the server accepts; a longer one is answered with
    /// `RESOURCE_EXHAUSTED`/`LINE_TOO_LONG` and ends the connection. Default 4 MiB.
    public var maximumLineBytes = 4 * 1024 * 1024
    /// Calls running at once on one connection; past it the server stops reading that
    /// connection until a call finishes. Default 64.
    public var maximumConcurrentCallsPerConnection = 64
    /// Output one connection may hold: lines its calls have produced that its socket has not
    /// taken yet, counted by the memory they occupy, including lines waiting for the channel
    /// to become writable. The server stops reading the connection's requests while half of
    /// it is held (or while the lines its running calls are expected to add would pass it),
    /// so that no call starts for a client that does not read; streaming calls wait while the
    /// channel is not writable (half of it pending in the channel); a line that would take it
    /// past the limit closes the connection instead (a single line longer than the limit is
    /// still sent when nothing else is held). Default 8 MiB.
    public var maximumOutboundBufferBytes = 8 * 1024 * 1024
    /// A connection with output waiting of which the client takes nothing for this long is
    /// closed: the client is not reading. Default 30 s.
    public var outboundStallTimeout: Duration = .seconds(30)
    /// A connection with no traffic either way and no call in flight for this long is closed.
    /// Default 5 minutes.
    public var idleTimeout: Duration = .seconds(300)
    /// The deadline of a call that sends no `deadline_ms`. Default 30 s.
    public var defaultDeadline: Duration = .seconds(30)
    /// The longest deadline a call may have, whatever its `deadline_ms`. Default 300 s.
    public var maximumDeadline: Duration = .seconds(300)
    /// On graceful shutdown, how long calls in flight may run before they are cancelled.
    /// Default 10 s.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// After a fatal line (`LINE_TOO_LONG`), how long the server keeps discarding the client's
    /// input after half-closing, so the client reads the error line instead of a reset.
    /// Default 1 s.
    public var drainAfterFatalLine: Duration = .seconds(1)
    /// Open connections at once; a connection beyond it gets one
    /// `RESOURCE_EXHAUSTED`/`TOO_MANY_CONNECTIONS` line and is closed. Default 4096.
    public var maximumConnections = 4096
    /// TLS for every connection (TLS 1.2 or newer; mutual TLS when its files name a client CA);
    /// nil serves clear text. Its certificate can be reloaded while the server runs
    /// (`ServerTLS.reload()`). Default nil.
    public var tls: ServerTLS? = nil
    /// Where the server counts open connections, connections turned away and request lines
    /// refused before dispatch (docs/operations.md "Metrics"); nil collects nothing. The same
    /// object as the service's `ServiceConfiguration.metrics`. Default nil.
    public var metrics: TreasuryMetrics? = nil

    public init() {}
}
