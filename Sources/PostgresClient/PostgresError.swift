import CLibPQ

/// An error from PostgreSQL or from this client.
///
/// `description` is safe to log and to show: it holds only the kind, the SQLSTATE and the
/// constraint name, never SQL text, parameter values or a connection string.
/// `debugDescription` holds every field, for developers.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The connection could not be made or was lost.
        case connection
        /// The server rejected a statement.
        case server
        /// A value could not be decoded into the requested Swift type.
        case decoding
        /// The query was cancelled by `PostgresConnection.cancel()` or task cancellation.
        case cancelled
        /// Too many callers were already waiting for a pooled connection.
        case poolExhausted
    }

    public var kind: Kind
    /// The five-character SQLSTATE, e.g. "23514".
    public var sqlState: String?
    public var severity: String?
    /// The server's primary message, or ours for client-side errors.
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    public var schema: String?

    public init(
        kind: Kind,
        message: String,
        sqlState: String? = nil,
        severity: String? = nil,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        table: String? = nil,
        column: String? = nil,
        schema: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.schema = schema
    }

    /// A serialization failure (40001) or deadlock (40P01): re-running the transaction may succeed.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isQueryCanceled: Bool { sqlState == "57014" }

    /// True when the connection is unusable: class 08, or the server shutting down (57P01-57P03).
    public var isConnectionFailure: Bool {
        if kind == .connection { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    public var description: String {
        var text: String
        switch kind {
        case .server: text = "PostgreSQL error"
        case .connection: text = "PostgreSQL connection error"
        case .decoding: text = "PostgreSQL decoding error"
        case .cancelled: text = "PostgreSQL query cancelled"
        case .poolExhausted: text = "PostgreSQL pool exhausted"
        }
        if let sqlState { text += " \(sqlState)" }
        if let constraint { text += " (constraint \(constraint))" }
        return text
    }

    public var debugDescription: String {
        var fields = ["kind: \(kind)", "message: \(message)"]
        let optional: [(String, String?)] = [
            ("sqlState", sqlState), ("severity", severity), ("detail", detail), ("hint", hint),
            ("schema", schema), ("table", table), ("column", column), ("constraint", constraint),
        ]
        for (name, value) in optional {
            if let value { fields.append("\(name): \(value)") }
        }
        return "PostgresError(\(fields.joined(separator: ", ")))"
    }
}

extension PostgresError {
    /// Reads the diagnostic fields of a failed `PGresult`.
    init(kind: Kind, result: OpaquePointer) {
        func field(_ code: Character) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: pointer)
        }
        let fallback = String(cString: PQresultErrorMessage(result))
        self.init(
            kind: kind,
            message: field("M") ?? fallback.trimmingTrailingNewlines(),
            sqlState: field("C"),
            severity: field("V") ?? field("S"),
            detail: field("D"),
            hint: field("H"),
            constraint: field("n"),
            table: field("t"),
            column: field("c"),
            schema: field("s")
        )
    }

    /// An error whose only information is libpq's connection-level message.
    static func connection(_ handle: OpaquePointer?) -> PostgresError {
        let text = handle.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "out of memory"
        return PostgresError(kind: .connection, message: text.trimmingTrailingNewlines())
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.last?.isNewline == true { text.removeLast() }
        return String(text)
    }
}
