/// gRPC's canonical status codes, spelled as they appear in `error.code`.
public enum StatusCode: String, Sendable, CaseIterable {
    case cancelled = "CANCELLED"
    case unknown = "UNKNOWN"
    case invalidArgument = "INVALID_ARGUMENT"
    case deadlineExceeded = "DEADLINE_EXCEEDED"
    case notFound = "NOT_FOUND"
    case alreadyExists = "ALREADY_EXISTS"
    case permissionDenied = "PERMISSION_DENIED"
    case resourceExhausted = "RESOURCE_EXHAUSTED"
    case failedPrecondition = "FAILED_PRECONDITION"
    case aborted = "ABORTED"
    case outOfRange = "OUT_OF_RANGE"
    case unimplemented = "UNIMPLEMENTED"
    case `internal` = "INTERNAL"
    case unavailable = "UNAVAILABLE"
    case dataLoss = "DATA_LOSS"
    case unauthenticated = "UNAUTHENTICATED"

    /// Outcomes decided by a method's own business logic; only these (and results) are
    /// stored for idempotent replay. Everything else may be retried with the same key.
    public var isStoredForReplay: Bool {
        switch self {
        case .failedPrecondition, .notFound, .alreadyExists, .outOfRange: return true
        default: return false
        }
    }
}

/// The `error` object of a terminal line.
public struct CallError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: StatusCode
    /// A stable UPPER_SNAKE machine reason; clients branch on `code` and `reason`.
    public var reason: String
    /// For people; never contains SQL, stack traces or secrets.
    public var message: String
    public var details: JSONObject?

    public init(_ code: StatusCode, _ reason: String, _ message: String, details: JSONObject? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public var json: JSON {
        var object: JSONObject = ["code": .string(code.rawValue), "reason": .string(reason), "message": .string(message)]
        if let details, !details.isEmpty { object["details"] = .object(details) }
        return .object(object)
    }

    public var description: String { "\(code.rawValue)/\(reason): \(message)" }

    /// A field error (`INVALID_ARGUMENT`) naming the field by its path from the request root.
    public static func field(_ path: String, _ reason: String = "FIELD_INVALID", _ message: String) -> CallError {
        CallError(.invalidArgument, reason, message, details: ["field": .string(path)])
    }
}

/// A call's `id`: a string or an integer, echoed exactly as the client sent it.
public enum CallID: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    /// The integer's literal text.
    case integer(String)

    public init?(_ json: JSON) {
        switch json {
        case .string(let value): self = .string(value)
        case .number(let text) where json.integerValue != nil: self = .integer(text)
        default: return nil
        }
    }

    public var json: JSON {
        switch self {
        case .string(let value): return .string(value)
        case .integer(let text): return .number(text)
        }
    }

    public var description: String {
        switch self {
        case .string(let value): return value
        case .integer(let text): return text
        }
    }
}

/// A terminal outcome, already serialized so that an idempotent replay is byte-for-byte
/// the first answer.
public enum CallOutcome: Sendable, Equatable {
    /// The serialized `result` value.
    case result(String)
    /// The serialized `error` object.
    case error(String)

    public static func result(_ json: JSON) -> CallOutcome { .result(json.serialized()) }
    public static func failure(_ error: CallError) -> CallOutcome { .error(error.json.serialized()) }

    public var isResult: Bool {
        if case .result = self { return true }
        return false
    }
}

/// Builds the lines the server writes. Each line ends with `\n`.
public enum Line {
    public static func terminal(id: CallID?, outcome: CallOutcome) -> String {
        var line = "{\"id\":"
        line += id?.json.serialized() ?? "null"
        switch outcome {
        case .result(let raw): line += ",\"result\":" + raw
        case .error(let raw): line += ",\"error\":" + raw
        }
        line += "}\n"
        return line
    }

    public static func error(id: CallID?, _ error: CallError) -> String {
        terminal(id: id, outcome: .failure(error))
    }

    public static func item(id: CallID, _ item: JSON) -> String {
        "{\"id\":" + id.json.serialized() + ",\"item\":" + item.serialized() + "}\n"
    }

    public static func goaway(reason: String) -> String {
        "{\"goaway\":{\"reason\":" + JSON.string(reason).serialized() + "}}\n"
    }
}

/// A call as the server hands it to the dispatcher, after framing, `id` and envelope checks.
public struct IncomingCall: Sendable {
    public var id: CallID
    public var method: String
    /// Lower-case keys.
    public var metadata: [String: String]
    /// `params`, `{}` when absent.
    public var params: JSONObject
    /// When the server read the line.
    public var receivedAt: ContinuousClock.Instant
    /// When the call must have ended: `receivedAt` plus `deadline_ms` (or the server's default),
    /// capped by the server's maximum.
    public var deadline: ContinuousClock.Instant
    /// The client's address, for logs.
    public var peer: String
    /// The certificate the client presented over mutual TLS (verified against the server's
    /// client CA); nil over plain TCP or TLS without client certificates.
    public var clientCertificate: ClientCertificate?

    public init(
        id: CallID, method: String, metadata: [String: String], params: JSONObject,
        receivedAt: ContinuousClock.Instant, deadline: ContinuousClock.Instant, peer: String,
        clientCertificate: ClientCertificate? = nil
    ) {
        self.id = id
        self.method = method
        self.metadata = metadata
        self.params = params
        self.receivedAt = receivedAt
        self.deadline = deadline
        self.peer = peer
        self.clientCertificate = clientCertificate
    }
}

/// A verified TLS client certificate, as the service sees it: the same for every call of the
/// connection it came over.
public struct ClientCertificate: Sendable, Hashable {
    /// The subject, RFC 4514 style (`CN=VCB,O=Vietcombank,C=VN`), for the audit log.
    public var subject: String
    /// The subject's common name (the last CN when there are several): for a bank, its bank code.
    public var commonName: String?

    public init(subject: String, commonName: String?) {
        self.subject = subject
        self.commonName = commonName
    }
}

/// Where a streaming method sends its items; `send` waits while the client is slow to read.
public protocol CallStream: Sendable {
    func send(_ item: JSON) async throws
}

/// The seam between the transport and the service: the server owns bytes, framing, ids,
/// concurrency and cancellation; the dispatcher owns methods, tokens, params and effects.
///
/// The server runs each call in its own task and cancels that task on a client's cancel
/// line or at the deadline. A dispatcher then rolls back and answers `CANCELLED` or
/// `DEADLINE_EXCEEDED` (whichever applies: `ContinuousClock.now >= call.deadline` means the
/// deadline), unless the call's transaction had already committed, in which case it answers
/// the real outcome.
public protocol CallDispatcher: Sendable {
    /// Whether `method` names a method the service offers (checked before the envelope).
    func hasMethod(_ method: String) -> Bool
    /// Runs one call to its terminal outcome. Never throws: every failure is an outcome.
    func dispatch(_ call: IncomingCall, stream: any CallStream) async -> CallOutcome
}
