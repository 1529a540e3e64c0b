/// Why a JSON value has no canonical form.
public struct CanonicalJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

// MARK: - RFC 8785 JSON Canonicalization Scheme

extension JSON {
    /// The value in the JSON Canonicalization Scheme of RFC 8785 (JCS): the text that
    /// signing clients in any language must reproduce byte for byte.
    ///
    /// - Objects: members sorted by name, names compared as arrays of UTF-16 code units
    ///   (so U+1F600, stored as the surrogates D83D DE00, sorts before U+FB33); `JSONObject`
    ///   cannot hold duplicate names.
    /// - Arrays keep their order; `null`, `true` and `false` are written as such.
    /// - Strings are escaped as ECMAScript's `JSON.stringify` does: `\"`, `\\`, `\b`, `\f`,
    ///   `\n`, `\r`, `\t`, other controls below U+0020 as `\u00xx` (lowercase hex), and
    ///   everything else, `/`, DEL, U+2028 and U+2029 included, as itself in UTF-8.
    /// - Numbers are written as ECMAScript's Number::toString writes the IEEE-754 double
    ///   the literal denotes (RFC 8785 §3.2.2.3): `-0` as `0`, `4.50` as `4.5`, `1E30` as
    ///   `1e+30`, `1e-7` as `1e-7`, `0.000001` as `0.000001`.
    /// - No whitespace anywhere.
    ///
    /// A number literal is read as a double, exactly as JavaScript reads it: an integer
    /// beyond 2^53 loses precision (`9007199254740993` is written `9007199254740992`,
    /// `1000000000000000001` as `1000000000000000000`). That is what JCS specifies; this
    /// API carries money as JSON strings, which canonicalization leaves intact.
    ///
    /// - Throws: `CanonicalJSONError` when a number literal is not a JSON number or its
    ///   value is not finite as a double (`1e400`).
    public func canonicalized() throws(CanonicalJSONError) -> String {
        String(decoding: try canonicalUTF8(), as: UTF8.self)
    }

    /// The UTF-8 bytes of `canonicalized()`.
    public func canonicalUTF8() throws(CanonicalJSONError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try writeCanonical(into: &out)
        return out
    }

    /// Appends the RFC 8785 canonical form, as UTF-8, to `out` (see `canonicalized()`).
    public func writeCanonical(into out: inout [UInt8]) throws(CanonicalJSONError) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: try JSON.canonicalNumber(text).utf8)
        case .string(let string): JSON.writeCanonicalString(string, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (offset, item) in items.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                try item.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            let keys = object.keys
                .map { (key: $0, units: Array($0.utf16)) }
                .sorted { $0.units.lexicographicallyPrecedes($1.units) }
            for (offset, entry) in keys.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeCanonicalString(entry.key, into: &out)
                out.append(UInt8(ascii: ":"))
                try object[entry.key]!.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let canonicalHexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A string literal as ECMAScript's `JSON.stringify` writes it (RFC 8785 §3.2.2.2).
    /// A Swift `String` holds no lone surrogates, so none needs `\uXXXX`.
    static func writeCanonicalString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case let control where control < 0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(canonicalHexDigits[Int(control >> 4)])
                out.append(canonicalHexDigits[Int(control & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// ECMAScript's Number::toString (ECMA-262 §6.1.6.1.20, RFC 8785 §3.2.2.3) of the double
    /// that the JSON number literal `text` denotes.
    ///
    /// The digits come from Swift's `Double.description`, which prints the shortest digit
    /// string that reads back as the same double (the closest such when several are
    /// equally short), the digits ECMAScript asks for; only their layout differs.
    static func canonicalNumber(_ text: String) throws(CanonicalJSONError) -> String {
        // Double(_:) also accepts "inf", "nan", hex floats and a leading "+": only JSON's
        // grammar may reach it.
        guard isJSONNumber(text) else {
            throw CanonicalJSONError(message: "\"\(text)\" is not a JSON number")
        }
        guard let value = Double(text), value.isFinite else {
            throw CanonicalJSONError(message: "the number \(text) is out of the range of a double")
        }
        if value == 0 { return "0" }  // both 0 and -0
        let (digits, exponent) = decimalDigits(of: value.magnitude)
        let k = digits.count
        let n = exponent  // value = 0.d1d2...dk × 10^n, so d1.d2...dk × 10^(n-1)
        var result = value < 0 ? "-" : ""
        if k <= n && n <= 21 {
            // An integer below 10^21: the digits, then n-k zeros.
            result += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            // The decimal point falls within the digits.
            result += String(digits.prefix(n))
            result += "."
            result += String(digits.dropFirst(n))
        } else if -6 < n && n <= 0 {
            // Small: 0.000ddd with -n zeros after the point.
            result += "0." + String(repeating: "0", count: -n) + digits
        } else {
            // Exponent form: d[.ddd]e±x.
            let e = n - 1
            result += String(digits.prefix(1))
            if k > 1 {
                result += "."
                result += String(digits.dropFirst(1))
            }
            result += e < 0 ? "e-" : "e+"
            result += String(e.magnitude)
        }
        return result
    }

    /// The significant digits (no leading or trailing zeros) and the exponent n with
    /// value = 0.digits × 10^n, taken from Swift's shortest round-trip `description`,
    /// which reads like "1.2345", "12345.0", "1e-07" or "1.2345e+23".
    private static func decimalDigits(of value: Double) -> (digits: String, exponent: Int) {
        let description = value.description
        var mantissa = Substring(description)
        var exponent = 0
        if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = description[..<e]
            // Int(_:) accepts a leading "+" or "-".
            exponent = Int(description[description.index(after: e)...])!
        }
        // Digits before the point shift the exponent; the point itself goes.
        let integerPartCount = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) }
            ?? mantissa.count
        var digits = mantissa.filter { $0 != "." }
        exponent += integerPartCount
        while digits.first == "0" {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        precondition(!digits.isEmpty && digits.allSatisfy(\.isASCII), "unexpected Double.description \(description)")
        return (digits, exponent)
    }

    /// Whether `text` matches JSON's number grammar (RFC 8259 §6).
    static func isJSONNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= UInt8(ascii: "0") && bytes[at] <= UInt8(ascii: "9") }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { return false }
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { return false }
            while isDigit(index) { index += 1 }
        }
        return index == bytes.count
    }
}
