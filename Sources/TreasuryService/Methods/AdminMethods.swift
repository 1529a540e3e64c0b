import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// Users, grants and tokens. Only an ADMIN with scope `*` manages them.
enum AdminMethods {
    static let username = ParamType.string(StringFormat(pattern: "^[a-z0-9][a-z0-9._-]{0,63}$") { value in
        let bytes = Array(value.utf8)
        guard let first = bytes.first, bytes.count <= 64, (first >= 97 && first <= 122) || (first >= 48 && first <= 57) else { return false }
        return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 95 || $0 == 45 }
    }, maximumLength: 64)
    static let scope = ParamType.string(StringFormat(pattern: "^(\\*|T:[0-9]{4}|U:[0-9]{7}|B:[A-Z0-9]{2,11})$") { value in
        if value == "*" { return true }
        let parts = value.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return false }
        let code = String(parts[1])
        switch parts[0] {
        case "T": return StringFormat.digits(4).check(code)
        case "U": return StringFormat.digits(7).check(code)
        case "B": return StringFormat.upperAlphanumeric(2...11).check(code)
        default: return false
        }
    }, maximumLength: 14)
    static let role = ParamType.enumeration(Role.allCases.map(\.rawValue))

    static var all: [MethodDeclaration] { [createUser, grant, revoke, issueToken, revokeToken] }

    static func userID(_ connection: PostgresConnection, _ name: String) throws -> Int64 {
        guard let row = try connection.query("SELECT id FROM users WHERE username = $1", [name]).first else {
            throw CallError(.notFound, "USER_NOT_FOUND", "user \(name) does not exist", details: ["username": .string(name)])
        }
        return try row.decode(Int64.self, "id")
    }

    static let createUser = MethodDeclaration(
        "treasury.v1.Admin/CreateUser", "Creates a user (with no grants yet).",
        roles: [.admin],
        params: [Field("username", username), .optional("display_name", .string(.text, maximumLength: 200))],
        reasons: ["USERNAME_TAKEN"],
        handler: .mutating { context, connection in
            Staged(target: .global) {
                let name = context.params.string("username")
                let inserted = try connection.query(
                    "INSERT INTO users (username, display_name) VALUES ($1, $2) ON CONFLICT (username) DO NOTHING RETURNING id",
                    [name, context.params.optionalString("display_name")]).first
                guard inserted != nil else {
                    throw CallError(.alreadyExists, "USERNAME_TAKEN", "user \(name) already exists", details: ["username": .string(name)])
                }
                return .object(["username": .string(name)])
            }
        })

    static let grant = grantChange("treasury.v1.Admin/Grant", "Gives a user a role within a scope.",
        sql: "INSERT INTO grants (user_id, role, scope) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")

    static let revoke = grantChange("treasury.v1.Admin/Revoke", "Takes a role within a scope away from a user.",
        sql: "DELETE FROM grants WHERE user_id = $1 AND role = $2 AND scope = $3")

    /// Grant and Revoke differ only in the statement applied to (user, role, scope).
    static func grantChange(_ name: String, _ description: String, sql: String) -> MethodDeclaration {
        MethodDeclaration(
            name, description, roles: [.admin],
            params: [Field("username", username), Field("role", role), Field("scope", scope)],
            reasons: ["USER_NOT_FOUND"],
            handler: .mutating { context, connection in
                Staged(target: .global) {
                    let id = try userID(connection, context.params.string("username"))
                    try connection.query(sql, [id, context.params.string("role"), context.params.string("scope")])
                    return .object([:])
                }
            })
    }

    static let issueToken = MethodDeclaration(
        "treasury.v1.Admin/IssueToken",
        "Issues a bearer token for a user. The token is shown once: an idempotent replay returns the same token_id without the token.",
        roles: [.admin],
        params: [Field("username", username), .optional("ttl_days", .integer(1...3650))],
        reasons: ["USER_NOT_FOUND"],
        redactedInStoredOutcome: ["token"],
        handler: .mutating { context, connection in
            Staged(target: .global) {
                let id = try userID(connection, context.params.string("username"))
                let ttl = context.params.optionalInteger("ttl_days") ?? context.core.configuration.defaultTokenTTLDays
                let (token, tokenID, expiresAt) = try Tokens.issue(connection, userID: id, ttlDays: ttl, now: context.now)
                return .object(["token": .string(token), "token_id": .string(String(tokenID)), "expires_at": .string(TreasuryTime.rfc3339(expiresAt))])
            }
        })

    static let revokeToken = MethodDeclaration(
        "treasury.v1.Admin/RevokeToken", "Revokes a token; calls with it then answer UNAUTHENTICATED/TOKEN_REVOKED.",
        roles: [.admin],
        params: [Field("token_id", .string(.text, maximumLength: 20))],
        reasons: ["TOKEN_NOT_FOUND"],
        handler: .mutating { context, connection in
            Staged(target: .global) {
                let tokenID = context.params.string("token_id")
                guard let id = Int64(tokenID),
                      try connection.query("SELECT 1 FROM api_tokens WHERE id = $1", [id]).first != nil else {
                    throw CallError(.notFound, "TOKEN_NOT_FOUND", "token \(tokenID) does not exist")
                }
                try connection.query("UPDATE api_tokens SET revoked_at = to_timestamp($2) WHERE id = $1 AND revoked_at IS NULL",
                                     [id, SQL.epochSeconds(context.now)])
                return .object([:])
            }
        })
}
