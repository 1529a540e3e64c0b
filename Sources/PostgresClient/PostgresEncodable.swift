/// A Swift value sent as a text-format query parameter.
public protocol PostgresEncodable: Sendable {
    /// The parameter in PostgreSQL's text input format; `nil` sends SQL NULL.
    var postgresText: String? { get }
}

/// A Swift value read from a column in PostgreSQL's text output format.
public protocol PostgresDecodable: Sendable {
    /// Returns nil when the text is not a valid value of this type.
    init?(postgresText: String)
}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self }
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self ? "t" : "f" }
    public init?(postgresText: String) {
        switch postgresText {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
}

/// An element type whose arrays have a PostgreSQL text form.
///
/// Swift allows `Array` only one conformance to `PostgresEncodable`, so each element type
/// says how a whole array of it is written: `[String]` and `[Int64]` as array literals,
/// `[UInt8]` as `bytea` hex.
public protocol PostgresArrayElement: Sendable {
    static func postgresText(of elements: [Self]) -> String
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public var postgresText: String? { Element.postgresText(of: self) }
}

extension String: PostgresArrayElement {
    /// Every element is double-quoted, so commas, braces, spaces and the word NULL stay data;
    /// `"` and `\` are escaped byte by byte (neither byte occurs inside a multi-byte UTF-8
    /// sequence, and a Character-wise scan would miss a quote followed by a combining mark).
    public static func postgresText(of elements: [String]) -> String {
        var text: [UInt8] = [UInt8(ascii: "{")]
        text.reserveCapacity(2 + elements.reduce(0) { $0 + $1.utf8.count + 3 })
        for (index, element) in elements.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            text.append(UInt8(ascii: "\""))
            for byte in element.utf8 {
                if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { text.append(UInt8(ascii: "\\")) }
                text.append(byte)
            }
            text.append(UInt8(ascii: "\""))
        }
        text.append(UInt8(ascii: "}"))
        return String(decoding: text, as: UTF8.self)
    }
}

/// Arrays of optional strings: nil elements are SQL NULL.
extension Optional: PostgresArrayElement where Wrapped == String {
    public static func postgresText(of elements: [String?]) -> String {
        guard elements.contains(nil) else { return String.postgresText(of: elements.map { $0! }) }
        return "{" + elements.map { element in
            element.map { String(String.postgresText(of: [$0]).dropFirst().dropLast()) } ?? "NULL"
        }.joined(separator: ",") + "}"
    }
}

extension Int64: PostgresArrayElement {
    public static func postgresText(of elements: [Int64]) -> String {
        "{" + elements.map(String.init).joined(separator: ",") + "}"
    }
}

extension Int: PostgresArrayElement {
    public static func postgresText(of elements: [Int]) -> String {
        "{" + elements.map(String.init).joined(separator: ",") + "}"
    }
}

extension Int32: PostgresArrayElement {
    public static func postgresText(of elements: [Int32]) -> String {
        "{" + elements.map(String.init).joined(separator: ",") + "}"
    }
}

extension UInt8: PostgresArrayElement {
    /// `bytea` in hex format: `\x` followed by two lowercase hex digits per byte.
    public static func postgresText(of elements: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = Array("\\x".utf8)
        text.reserveCapacity(2 + elements.count * 2)
        for byte in elements {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
