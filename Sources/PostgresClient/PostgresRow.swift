import CLibPQ

/// One row of a result, in PostgreSQL's text format.
public struct PostgresRow: Sendable {
    public let columnNames: [String]
    let values: [String?]

    init(columnNames: [String], values: [String?]) {
        precondition(columnNames.count == values.count, "a row has one value per column")
        self.columnNames = columnNames
        self.values = values
    }

    /// The text value, or nil for SQL NULL. An index out of range is a programmer error.
    public subscript(_ index: Int) -> String? {
        precondition(values.indices.contains(index), "column index \(index) out of range")
        return values[index]
    }

    /// The text value, or nil for SQL NULL or when no column has this name.
    public subscript(_ name: String) -> String? {
        guard let index = columnNames.firstIndex(of: name) else { return nil }
        return values[index]
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type, _ index: Int) throws -> T {
        guard let value = try decodeIfPresent(type, at: index) else {
            throw decodingError("column \(columnNames[index]) is NULL, expected \(T.self)")
        }
        return value
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type, _ name: String) throws -> T {
        try decode(type, try index(of: name))
    }

    /// nil for SQL NULL; throws when the column is missing or its text is not a `T`.
    public func decodeIfPresent<T: PostgresDecodable>(_ type: T.Type, _ name: String) throws -> T? {
        try decodeIfPresent(type, at: try index(of: name))
    }

    private func decodeIfPresent<T: PostgresDecodable>(_ type: T.Type, at index: Int) throws -> T? {
        precondition(values.indices.contains(index), "column index \(index) out of range")
        guard let text = values[index] else { return nil }
        guard let value = T(postgresText: text) else {
            // The message names the column and the type but not the value, which may be private.
            throw decodingError("column \(columnNames[index]) is not a valid \(T.self)")
        }
        return value
    }

    private func index(of name: String) throws -> Int {
        guard let index = columnNames.firstIndex(of: name) else {
            throw decodingError("no column named \(name)")
        }
        return index
    }

    private func decodingError(_ message: String) -> PostgresError {
        PostgresError(kind: .decoding, message: message)
    }
}

/// The rows of a query, copied out of the `PGresult` so the result can be cleared at once.
public struct PostgresResult: Sendable {
    public let columnNames: [String]
    public let rows: [PostgresRow]
    /// The count from the command tag (INSERT, UPDATE, DELETE, SELECT...), 0 when there is none.
    public let affectedRows: Int

    public var first: PostgresRow? { rows.first }

    /// Copies a successful `PGresult`; the caller still owns (and clears) it.
    init(copying result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let names = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        self.columnNames = names
        self.rows = (0..<rowCount).map { row in
            let values = (0..<columnCount).map { column -> String? in
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 { return nil }
                return String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            }
            return PostgresRow(columnNames: names, values: values)
        }
        self.affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }
}
