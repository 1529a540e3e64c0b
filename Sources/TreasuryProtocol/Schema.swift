/// What a string must look like, checked without regular-expression machinery and
/// published in reflection as a JSON Schema `pattern`.
public struct StringFormat: Sendable {
    public let pattern: String
    public let check: @Sendable (String) -> Bool

    public init(pattern: String, check: @escaping @Sendable (String) -> Bool) {
        self.pattern = pattern
        self.check = check
    }

    /// Exactly `count` ASCII digits, e.g. a treasury code (4), area (5), unit (7), account (10).
    public static func digits(_ count: Int) -> StringFormat {
        StringFormat(pattern: "^[0-9]{\(count)}$") { $0.utf8.count == count && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }

    /// Between `length.lowerBound` and `length.upperBound` ASCII digits (server-made identifiers).
    public static func digits(_ length: ClosedRange<Int>) -> StringFormat {
        StringFormat(pattern: "^[0-9]{\(length.lowerBound),\(length.upperBound)}$") { value in
            length.contains(value.utf8.count) && value.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        }
    }

    /// Upper-case ASCII letters and digits, `length` long (bank codes, classification codes).
    public static func upperAlphanumeric(_ length: ClosedRange<Int>) -> StringFormat {
        StringFormat(pattern: "^[A-Z0-9]{\(length.lowerBound),\(length.upperBound)}$") { value in
            length.contains(value.utf8.count) && value.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) }
        }
    }

    /// UPPER_SNAKE machine words such as reason codes.
    public static let upperSnake = StringFormat(pattern: "^[A-Z][A-Z0-9_]{0,63}$") { value in
        let bytes = Array(value.utf8)
        guard let first = bytes.first, bytes.count <= 64, first >= 65, first <= 90 else { return false }
        return bytes.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || $0 == 95 }
    }

    /// A calendar date `YYYY-MM-DD` that exists.
    public static let date = StringFormat(pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") { value in
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard value.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1900, (1...12).contains(month)
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day >= 1 && day <= days
    }

    /// Text for people: no control characters.
    public static let text = StringFormat(pattern: "^[^\\u0000-\\u001f]*$") { value in
        value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }

    /// Text for people that must say something: at least one character, none a control character.
    public static let nonEmptyText = StringFormat(pattern: "^[^\\u0000-\\u001f]+$") { value in
        !value.isEmpty && text.check(value)
    }
}

/// The type of a parameter or result field. One declaration serves validation of requests
/// and the JSON Schema that reflection publishes, so the two cannot drift apart.
public indirect enum ParamType: Sendable {
    case string(StringFormat, maximumLength: Int)
    /// Money: a string of decimal digits (or a JSON integer); positive unless `signed`.
    case money(signed: Bool)
    case integer(ClosedRange<Int64>)
    case boolean
    case enumeration([String])
    case array(ParamType, count: ClosedRange<Int>)
    case object([Field])
    /// A batch: an array whose items each succeed or fail on their own. Validation checks only
    /// that it is an array; the method checks the count and each item, answering per item.
    /// Reflection still publishes the item schema and the bounds.
    case batch(ParamType, count: ClosedRange<Int>)
    /// Any JSON (results only).
    case any

    public static let money = ParamType.money(signed: false)
    public static let date = ParamType.string(.date, maximumLength: 10)

    /// Whether a value of this type holds money somewhere (so it can be AMOUNT_OUT_OF_RANGE).
    public var holdsMoney: Bool {
        switch self {
        case .money: true
        case .array(let element, _), .batch(let element, _): element.holdsMoney
        case .object(let fields): fields.contains { $0.type.holdsMoney }
        case .string, .integer, .boolean, .enumeration, .any: false
        }
    }
}

public struct Field: Sendable {
    public var name: String
    public var type: ParamType
    public var required: Bool
    public var description: String

    public init(_ name: String, _ type: ParamType, required: Bool = true, _ description: String = "") {
        self.name = name
        self.type = type
        self.required = required
        self.description = description
    }

    public static func optional(_ name: String, _ type: ParamType, _ description: String = "") -> Field {
        Field(name, type, required: false, description)
    }
}

// MARK: - Validation

extension ParamType {
    /// Checks `value` against this type; `path` names it from the request root
    /// (`params.collections[3].amount`). Absent optional fields and `null` are "none".
    public func validate(_ value: JSON, path: String) throws(CallError) {
        switch self {
        case .any:
            return
        case .string(let format, let maximumLength):
            guard case .string(let text) = value else { throw typeError(path, "a string", value) }
            guard text.unicodeScalars.count <= maximumLength else {
                throw CallError.field(path, "FIELD_INVALID", "\(path) is longer than \(maximumLength) characters")
            }
            guard format.check(text) else {
                throw CallError.field(path, "FIELD_INVALID", text.isEmpty ? "\(path) must not be empty" : "\(path) must match \(format.pattern)")
            }
        case .money(let signed):
            try ParamType.validateMoney(value, signed: signed, path: path)
        case .integer(let range):
            guard let number = value.integerValue else { throw typeError(path, "an integer", value) }
            guard range.contains(number) else {
                throw CallError.field(path, "FIELD_INVALID", "\(path) must be between \(range.lowerBound) and \(range.upperBound)")
            }
        case .boolean:
            guard case .bool = value else { throw typeError(path, "a boolean", value) }
        case .enumeration(let allowed):
            guard case .string(let text) = value else { throw typeError(path, "a string", value) }
            guard allowed.contains(text) else {
                throw CallError.field(path, "FIELD_INVALID", "\(path) must be one of \(allowed.joined(separator: ", "))")
            }
        case .array(let element, let count):
            guard case .array(let items) = value else { throw typeError(path, "an array", value) }
            guard count.contains(items.count) else {
                throw CallError.field(path, "FIELD_INVALID", "\(path) must hold \(count.lowerBound) to \(count.upperBound) items")
            }
            for (index, item) in items.enumerated() {
                try element.validate(item, path: "\(path)[\(index)]")
            }
        case .object(let fields):
            guard case .object(let object) = value else { throw typeError(path, "an object", value) }
            try ParamType.validate(object: object, fields: fields, path: path)
        case .batch:
            guard case .array = value else { throw typeError(path, "an array", value) }
        }
    }

    /// Validates an object against its declared fields: unknown fields are refused (a typo must
    /// not silently do nothing), required ones must be present and not null.
    public static func validate(object: JSONObject, fields: [Field], path: String) throws(CallError) {
        for key in object.keys where !fields.contains(where: { $0.name == key }) {
            throw CallError.field("\(path).\(key)", "UNKNOWN_FIELD", "unknown field \(path).\(key)")
        }
        for field in fields {
            let fieldPath = "\(path).\(field.name)"
            guard let value = object[field.name], value != .null else {
                if field.required { throw CallError.field(fieldPath, "FIELD_REQUIRED", "\(fieldPath) is required") }
                continue
            }
            try field.type.validate(value, path: fieldPath)
        }
    }

    static func validateMoney(_ value: JSON, signed: Bool, path: String) throws(CallError) {
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let literal): text = literal
        default: throw typeError(path, "an amount (a string of digits)", value)
        }
        switch MoneyText.parse(text) {
        case .malformed:
            throw CallError.field(path, "FIELD_INVALID", "\(path) must be a whole number of đồng written in digits")
        case .outOfRange:
            throw CallError(.outOfRange, "AMOUNT_OUT_OF_RANGE", "\(path) is beyond 10^18", details: ["field": .string(path)])
        case .value(let amount):
            if !signed && amount <= 0 {
                throw CallError.field(path, "FIELD_INVALID", "\(path) must be positive")
            }
            if signed && amount == 0 {
                throw CallError.field(path, "FIELD_INVALID", "\(path) must not be zero")
            }
        }
    }

    func typeError(_ path: String, _ expected: String, _ value: JSON) -> CallError {
        ParamType.typeError(path, expected, value)
    }

    static func typeError(_ path: String, _ expected: String, _ value: JSON) -> CallError {
        CallError.field(path, "FIELD_INVALID", "\(path) must be \(expected), not \(value.typeName)")
    }
}

/// The wire form of money, parsed without Foundation: digits, an optional leading `-`,
/// no leading zeros, no `+`, no fraction or exponent, at most 10^18 in magnitude.
public enum MoneyText: Equatable, Sendable {
    case value(Int64)
    case malformed
    case outOfRange

    public static let maximum: Int64 = 1_000_000_000_000_000_000

    public static func parse(_ text: String) -> MoneyText {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return .malformed }
        if digits.count > 1, digits.first == "0" { return .malformed }
        if negative, digits == "0" { return .malformed }
        guard digits.count <= 19, let magnitude = Int64(digits), magnitude <= maximum else { return .outOfRange }
        return .value(negative ? -magnitude : magnitude)
    }
}

// MARK: - JSON Schema

extension ParamType {
    /// The JSON Schema (draft 2020-12 vocabulary) of this type, for reflection.
    public var jsonSchema: JSON {
        switch self {
        case .any:
            return .object([:])
        case .string(let format, let maximumLength):
            return .object(["type": .string("string"), "pattern": .string(format.pattern), "maxLength": .integer(maximumLength)])
        case .money(let signed):
            let pattern = signed ? "^-?(0|[1-9][0-9]{0,18})$" : "^(0|[1-9][0-9]{0,18})$"
            return .object([
                "type": .array([.string("string"), .string("integer")]),
                "pattern": .string(pattern),
                "description": .string(signed ? "signed whole đồng, at most 10^18 in magnitude" : "whole đồng, positive, at most 10^18"),
            ])
        case .integer(let range):
            return .object(["type": .string("integer"), "minimum": .integer(range.lowerBound), "maximum": .integer(range.upperBound)])
        case .boolean:
            return .object(["type": .string("boolean")])
        case .enumeration(let values):
            return .object(["type": .string("string"), "enum": .array(values.map(JSON.string))])
        case .array(let element, let count), .batch(let element, let count):
            return .object([
                "type": .string("array"), "items": element.jsonSchema,
                "minItems": .integer(count.lowerBound), "maxItems": .integer(count.upperBound),
            ])
        case .object(let fields):
            var properties = JSONObject()
            for field in fields {
                var schema = field.type.jsonSchema
                if !field.description.isEmpty, case .object(var object) = schema {
                    object["description"] = .string(field.description)
                    schema = .object(object)
                }
                properties[field.name] = schema
            }
            return .object([
                "type": .string("object"),
                "properties": .object(properties),
                "required": .array(fields.filter(\.required).map { .string($0.name) }),
                "additionalProperties": .bool(false),
            ])
        }
    }
}
