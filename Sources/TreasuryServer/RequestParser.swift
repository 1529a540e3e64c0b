import TreasuryProtocol

/// A request line after framing, `id` and envelope checks, before dispatch.
struct CallRequest: Sendable, Equatable {
    var id: CallID
    var method: String
    var metadata: [String: String]
    var params: JSONObject
    /// How long the call may run from when its line was read, already capped.
    var timeout: Duration
}

/// What one line asks of the connection.
enum ParsedFrame: Sendable, Equatable {
    /// An empty or whitespace-only line.
    case ignore
    case call(CallRequest)
    case cancel(CallID)
    /// A line answered with one error line and nothing else.
    case reject(CallID?, CallError)
}

/// Turns one line into a `ParsedFrame`, applying the checks in the protocol's order:
/// framing, `id`, method, envelope. Pure: no I/O, no clock.
struct RequestParser: Sendable {
    var defaultDeadline: Duration
    var maximumDeadline: Duration

    static let envelopeKeys: Set<String> = ["id", "method", "params", "metadata", "deadline_ms"]

    func parse<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, hasMethod: (String) -> Bool, isInFlight: (CallID) -> Bool
    ) -> ParsedFrame {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .ignore }
        let json: JSON
        do {
            json = try JSON.parse(bytes)
        } catch {
            return .reject(nil, CallError(.invalidArgument, "MALFORMED_FRAME", "the line is not a JSON text: \(error)"))
        }
        guard let object = json.objectValue else {
            return .reject(nil, CallError(.invalidArgument, "MALFORMED_FRAME", "a line must be a JSON object, not \(json.typeName)"))
        }
        guard let rawID = object["id"] else {
            return .reject(nil, .field("id", "INVALID_CALL_ID", "the request has no \"id\" (a string or an integer)"))
        }
        guard let id = CallID(rawID) else {
            return .reject(nil, .field("id", "INVALID_CALL_ID", "\"id\" must be a string or an integer, not \(rawID.typeName)"))
        }
        if let cancel = object["cancel"] {
            return parseCancel(object, id: id, cancel: cancel)
        }
        if isInFlight(id) {
            return .reject(id, .field("id", "DUPLICATE_CALL_ID", "call \(id) is still in flight on this connection"))
        }
        guard let rawMethod = object["method"] else {
            return .reject(id, .field("method", "FIELD_REQUIRED", "the request has no \"method\""))
        }
        guard let method = rawMethod.stringValue else {
            return .reject(id, .field("method", "FIELD_INVALID", "\"method\" must be a string, not \(rawMethod.typeName)"))
        }
        guard hasMethod(method) else {
            return .reject(id, CallError(.unimplemented, "UNKNOWN_METHOD", "unknown method \(method)", details: ["method": .string(method)]))
        }
        return parseEnvelope(object, id: id, method: method)
    }

    private func parseCancel(_ object: JSONObject, id: CallID, cancel: JSON) -> ParsedFrame {
        guard cancel == .bool(true) else {
            return .reject(id, .field("cancel", "FIELD_INVALID", "\"cancel\" must be true"))
        }
        if let extra = object.keys.first(where: { $0 != "id" && $0 != "cancel" }) {
            return .reject(id, .field(extra, "UNKNOWN_FIELD", "a cancel line has only \"id\" and \"cancel\", not \"\(extra)\""))
        }
        return .cancel(id)
    }

    private func parseEnvelope(_ object: JSONObject, id: CallID, method: String) -> ParsedFrame {
        if let unknown = object.keys.first(where: { !Self.envelopeKeys.contains($0) }) {
            return .reject(id, .field(unknown, "UNKNOWN_FIELD", "unknown field \"\(unknown)\" in the request"))
        }
        var params = JSONObject()
        if let rawParams = object["params"] {
            guard let value = rawParams.objectValue else {
                return .reject(id, .field("params", "FIELD_INVALID", "\"params\" must be an object, not \(rawParams.typeName)"))
            }
            params = value
        }
        var metadata: [String: String] = [:]
        if let rawMetadata = object["metadata"] {
            guard let entries = rawMetadata.objectValue else {
                return .reject(id, .field("metadata", "FIELD_INVALID", "\"metadata\" must be an object, not \(rawMetadata.typeName)"))
            }
            for (key, value) in entries {
                guard let string = value.stringValue else {
                    return .reject(id, .field("metadata.\(key)", "FIELD_INVALID", "metadata values are strings, \"\(key)\" is \(value.typeName)"))
                }
                let lowered = key.lowercased()
                guard metadata.updateValue(string, forKey: lowered) == nil else {
                    return .reject(id, .field("metadata.\(key)", "FIELD_INVALID", "metadata key \"\(lowered)\" appears twice"))
                }
            }
        }
        var timeout = defaultDeadline
        if let rawDeadline = object["deadline_ms"] {
            guard let milliseconds = rawDeadline.integerValue, milliseconds > 0 else {
                return .reject(id, .field("deadline_ms", "FIELD_INVALID", "\"deadline_ms\" must be a positive integer"))
            }
            // Cap before converting so a huge value cannot overflow the Duration.
            let cappedMilliseconds = min(milliseconds, Self.milliseconds(maximumDeadline))
            timeout = .milliseconds(cappedMilliseconds)
        }
        timeout = min(timeout, maximumDeadline)
        return .call(CallRequest(id: id, method: method, metadata: metadata, params: params, timeout: timeout))
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
