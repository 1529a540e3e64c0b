/// Why the embedded cluster could not be started or stopped, with the end of its log.
public struct EmbeddedPostgresError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and, where there is one, what to do about it.
    public var message: String
    /// The last lines of `<directory>/postgresql.log` (empty when there is no log yet).
    public var logTail: String

    public init(_ message: String, logTail: String = "") {
        self.message = message
        self.logTail = logTail
    }

    public var description: String {
        if logTail.isEmpty { return "embedded PostgreSQL: \(message)" }
        return "embedded PostgreSQL: \(message)\n--- end of postgresql.log ---\n\(logTail)"
    }
}
