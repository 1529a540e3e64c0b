/// The server's own account of its connections (`TreasuryServer.statistics`), for tests and
/// metrics. "Unsent" output is what the server holds for a client that has not taken it:
/// lines waiting for the socket to accept them, wherever they wait.
public struct ServerStatistics: Sendable, Equatable {
    /// Connections open now.
    public var openConnections = 0
    /// Output held for the open connections now, in bytes.
    public var unsentBytes = 0
    /// The most output one connection has held at once since the server started, in bytes.
    /// It stays within `maximumOutboundBufferBytes` (a single longer line excepted).
    public var highestUnsentBytes = 0
    /// The most calls one connection has had in flight at once since the server started. It
    /// stays within `maximumConcurrentCallsPerConnection`.
    public var highestCallsInFlight = 0
    /// Connections refused with `TOO_MANY_CONNECTIONS`.
    public var refusedConnections = 0
    /// Connections closed because their output would have passed the limit.
    public var closedForUnreadOutput = 0
    /// Connections closed because their client took none of their output for
    /// `outboundStallTimeout`.
    public var closedStalled = 0

    public init() {}
}
