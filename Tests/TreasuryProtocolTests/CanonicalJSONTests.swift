import Testing
@testable import TreasuryProtocol

/// RFC 8785 (JSON Canonicalization Scheme) against the RFC's own test vectors and the
/// reference test data it points to. Comparisons are on UTF-8 bytes: Swift's `==` on
/// `String` ignores differences in Unicode normalization, which JCS must keep.
@Suite struct CanonicalJSONTests {
    /// The canonical UTF-8 of `json` against `expected`, byte for byte.
    func expectCanonical(_ json: JSON, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try json.canonicalUTF8()
        #expect(bytes == Array(expected.utf8), "got \(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(try json.canonicalized() == String(decoding: bytes, as: UTF8.self), sourceLocation: sourceLocation)
    }

    func expectCanonical(parsing input: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectCanonical(try JSON.parse(input), expected, sourceLocation: sourceLocation)
        // The canonical form is a fixed point.
        try expectCanonical(try JSON.parse(expected), expected, sourceLocation: sourceLocation)
    }

    // MARK: Numbers: RFC 8785 Appendix B

    @Test(arguments: [
        (0x0000_0000_0000_0000, "0"),
        (0x8000_0000_0000_0000, "0"),
        (0x0000_0000_0000_0001, "5e-324"),
        (0x8000_0000_0000_0001, "-5e-324"),
        (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"),
        (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"),
        (0xC340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"),
        (0x44B5_2D02_C7E1_4AF6, "1e+23"),
        (0x44B5_2D02_C7E1_4AF7, "1.0000000000000001e+23"),
        (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"),
        (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
        (0x444B_1AE4_D6E2_EF50, "1e+21"),
        (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"),
        (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
        (0x41B3_DE43_5555_5553, "333333333.3333332"),
        (0x41B3_DE43_5555_5554, "333333333.33333325"),
        (0x41B3_DE43_5555_5555, "333333333.3333333"),
        (0x41B3_DE43_5555_5556, "333333333.3333334"),
        (0x41B3_DE43_5555_5557, "333333333.33333343"),
        (0xBECB_F647_612F_3696, "-0.0000033333333333333333"),
        (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),
    ] as [(UInt64, String)])
    func appendixBNumbers(bits: UInt64, expected: String) throws {
        let value = Double(bitPattern: bits)
        // Literals that denote exactly this double: Swift's own spelling ("1e+23",
        // "9007199254740992.0", "9.999999999999997e-07", "-0.0") and a plain decimal
        // spelling with the exponent moved ("1424953923781206.2" as "14249539237812062e-1").
        var literals = ["\(value)"]
        if value != 0 {
            literals.append(expected)
            literals.append(Self.shiftedLiteral(expected))
        } else {
            literals += value.sign == .minus ? ["-0", "-0.000e-5"] : ["0", "0e10"]
        }
        for literal in literals {
            #expect(Double(literal)?.bitPattern == bits, "\(literal) does not denote \(bits)")
            try expectCanonical(.number(literal), expected)
        }
        // Inside a document, as a signing client parses it.
        try expectCanonical(parsing: "[\(literals[0])]", "[\(expected)]")
    }

    /// `text` rewritten as integer digits with an exponent, e.g. "-1.5e+3" as "-15e2".
    static func shiftedLiteral(_ text: String) -> String {
        var mantissa = Substring(text), exponent = 0
        if let e = text.firstIndex(of: "e") {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...])!
        }
        let sign = mantissa.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { mantissa = mantissa.dropFirst() }
        if let point = mantissa.firstIndex(of: ".") {
            exponent -= mantissa.distance(from: point, to: mantissa.endIndex) - 1
        }
        var digits = Substring(mantissa.filter { $0 != "." })
        while digits.count > 1, digits.first == "0" { digits = digits.dropFirst() }
        return "\(sign)\(digits)e\(exponent)"
    }

    @Test func numbersFollowECMAScriptNumberToString() throws {
        let cases: [(String, String)] = [
            ("333333333.33333329", "333333333.3333333"),
            ("1E30", "1e+30"),
            ("4.50", "4.5"),
            ("2e-3", "0.002"),
            ("0.000001", "0.000001"),
            ("1e-7", "1e-7"),
            ("0.000000000000000000000000001", "1e-27"),
            ("-0", "0"),
            ("-0.0e-3", "0"),
            ("0", "0"),
            ("100", "100"),
            ("-1.5", "-1.5"),
            ("0.1", "0.1"),
            ("1.5e-6", "0.0000015"),
            ("1.5e-7", "1.5e-7"),
            ("123e-20", "1.23e-18"),
            ("1e20", "100000000000000000000"),
            ("1e21", "1e+21"),
            ("-1e21", "-1e+21"),
            ("1.2345e21", "1.2345e+21"),
            ("123456789012345678901", "123456789012345680000"),
            ("1e16", "10000000000000000"),
            ("12345678.9", "12345678.9"),
            // Beyond 2^53 precision is lost, exactly as in JavaScript.
            ("9007199254740993", "9007199254740992"),
            ("1000000000000000001", "1000000000000000000"),
            // Underflow reads as zero, as in JavaScript.
            ("1e-400", "0"),
        ]
        for (literal, expected) in cases {
            try expectCanonical(.number(literal), expected)
        }
    }

    @Test func numbersThatAreNotFiniteDoublesThrow() throws {
        for literal in ["1e400", "-1e400", "1.8e308", "17976931348623159e292"] {
            #expect(throws: CanonicalJSONError.self) { try JSON.number(literal).canonicalized() }
        }
        // Inside structures too, whether parsed or built.
        #expect(throws: CanonicalJSONError.self) { try JSON.parse(#"{"a":[1,{"b":1e400}]}"#).canonicalized() }
        #expect(throws: CanonicalJSONError.self) { try JSON.array([.null, .number("-1e999")]).canonicalUTF8() }
        // The largest finite double still has a canonical form.
        try expectCanonical(.number("1.7976931348623158e308"), "1.7976931348623157e+308")
    }

    @Test func numberTextOutsideTheJSONGrammarThrows() {
        for literal in ["NaN", "nan", "Infinity", "inf", "0x10", "0x1p3", "+1", "", "-", "1.", ".5", "01", "1e", "1e+", " 1", "1 "] {
            #expect(throws: CanonicalJSONError.self, "\(literal)") { try JSON.number(literal).canonicalized() }
        }
    }

    // MARK: Strings

    @Test func stringsAreEscapedAsJSONStringifyDoes() throws {
        var text = ""
        for scalar in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        text += "\"\\/\u{7F} é\u{2028}\u{2029}€😀"
        let expected = #"""
            "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\#
            \u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\#
            \"\\/\#u{7F} é\#u{2028}\#u{2029}€😀"
            """#
        try expectCanonical(.string(text), expected)
        try expectCanonical(.string(""), #""""#)
        // Unnormalized Unicode is kept as it is (reference data: unicode.json).
        try expectCanonical(parsing: #"{"Unnormalized Unicode":"\u1e0d\u0307"}"#, "{\"Unnormalized Unicode\":\"\u{1E0D}\u{307}\"}")
        #expect(try JSON.string("\u{1E0D}\u{307}").canonicalUTF8() == [0x22, 0xE1, 0xB8, 0x8D, 0xCC, 0x87, 0x22])
    }

    // MARK: Whole documents

    /// RFC 8785 §3.2.2 / §3.2.4: the example with numbers, escapes and literals.
    @Test func rfcExampleDocument() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        try expectCanonical(parsing: input, expected)
        // §3.2.4 gives the result as UTF-8 bytes.
        let hex = """
            7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
            75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
            5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
            65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
            5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
            30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d
            """
        let bytes = hex.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
        #expect(try JSON.parse(input).canonicalUTF8() == bytes)
    }

    /// RFC 8785 §3.2.3: names sort as arrays of UTF-16 code units.
    @Test func rfcSortingExample() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\","
            + "\"\u{F6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20AC}\":\"Euro Sign\","
            + "\"\u{1F600}\":\"Emoji: Grinning Face\",\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        try expectCanonical(parsing: input, expected)
    }

    @Test func namesOutsideTheBMPSortBeforeTheTopOfTheBMP() throws {
        // By scalar or UTF-8, U+E000 and U+FFFD come first; by UTF-16, U+1F600 (D83D DE00) does.
        let object = JSON.object(["\u{FFFD}": .integer(3), "\u{E000}": .integer(2), "\u{1F600}": .integer(1), "\u{D7FF}": .integer(0)])
        try expectCanonical(object, "{\"\u{D7FF}\":0,\"\u{1F600}\":1,\"\u{E000}\":2,\"\u{FFFD}\":3}")
    }

    /// Reference data of RFC 8785 (github.com/cyberphone/json-canonicalization, testdata).
    @Test func referenceTestData() throws {
        // weird.json: includes DEL, which stays as it is.
        try expectCanonical(
            parsing: #"""
                {
                  "\u20ac": "Euro Sign",
                  "1": "One",
                  "\u0080": "Control\u007f",
                  "\ud83d\ude02": "Smiley",
                  "\u00f6": "Latin Small Letter O With Diaeresis",
                  "\ufb33": "Hebrew Letter Dalet With Dagesh",
                  "</script>": "Browser Challenge"
                }
                """#,
            "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u{80}\":\"Control\u{7F}\","
                + "\"\u{F6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20AC}\":\"Euro Sign\","
                + "\"\u{1F602}\":\"Smiley\",\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}")
        // french.json: no locale-aware ordering.
        try expectCanonical(
            parsing: #"""
                {
                  "peach": "This sorting order",
                  "péché": "is wrong according to French",
                  "pêche": "but canonicalization MUST",
                  "sin":   "ingnore locale"
                }
                """#,
            #"{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ingnore locale"}"#)
        // structures.json and arrays.json: nesting, empty containers, the empty name.
        try expectCanonical(
            parsing: #"""
                {
                  "1": {"f": {"f": "hi","F": 5} ,"\n": 56.0},
                  "10": { },
                  "": "empty",
                  "a": { },
                  "111": [ { } ],
                  "A": { }
                }
                """#,
            #"{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}"#)
        try expectCanonical(
            parsing: #"[ 56, { "d": true, "10": null, "1": [ ] } ]"#,
            #"[56,{"1":[],"10":null,"d":true}]"#)
    }

    @Test func nestedAndEmptyValues() throws {
        try expectCanonical(.object(JSONObject()), "{}")
        try expectCanonical(.array([]), "[]")
        try expectCanonical(.null, "null")
        try expectCanonical(.bool(true), "true")
        try expectCanonical(.bool(false), "false")
        try expectCanonical(.array([.array([]), .object([:]), .array([.array([.null])])]), "[[],{},[[null]]]")
        // Arrays keep their order; objects are sorted at every depth, names that are
        // prefixes of others first.
        let nested = JSON.object([
            "z": .array([.integer(3), .integer(1), .integer(2)]),
            "ab": .object(["y": .money(1_000_000_000_000_000_001), "x": .object(["b": .null, "a": .object([:])])]),
            "a": .string("first"),
        ])
        try expectCanonical(nested, #"{"a":"first","ab":{"x":{"a":{},"b":null},"y":"1000000000000000001"},"z":[3,1,2]}"#)
        // Insertion order does not matter.
        let reordered = JSON.object([
            "a": .string("first"),
            "ab": .object(["x": .object(["a": .object([:]), "b": .null]), "y": .money(1_000_000_000_000_000_001)]),
            "z": .array([.integer(3), .integer(1), .integer(2)]),
        ])
        #expect(try reordered.canonicalUTF8() == nested.canonicalUTF8())
    }
}
