import Foundation
import PostgresClient
import Synchronization
import TreasuryProtocol

/// Bearer tokens: random, shown once, stored only as a SHA-256 hash.
enum Tokens {
    /// `tk_` and 43 base64url characters: 256 random bits from the system's CSPRNG.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "tk_" + base64
    }

    /// A new token for a user, valid `ttlDays` from `now`; returns (token, token id, expiry).
    static func issue(_ connection: PostgresConnection, userID: Int64, ttlDays: Int64, now: Date) throws -> (String, Int64, Date) {
        let token = generate()
        let expiresAt = now.addingTimeInterval(TimeInterval(ttlDays) * 86_400)
        let row = try connection.query(
            """
            INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at)
            VALUES ($1, sha256(convert_to($2, 'UTF8')), to_timestamp($3), to_timestamp($4))
            RETURNING id
            """, [userID, token, Int64(now.timeIntervalSince1970), Int64(expiresAt.timeIntervalSince1970)]).first
        return (token, try row?.decode(Int64.self, "id") ?? 0, Date(timeIntervalSince1970: floor(expiresAt.timeIntervalSince1970)))
    }
}

extension TreasuryService {
    /// Resolves the bearer token to its user and grants, or answers UNAUTHENTICATED.
    func authenticate(_ call: IncomingCall, declaration: MethodDeclaration) async throws -> Caller {
        guard declaration.requiresToken else { return Caller(userID: 0, username: "-", grants: []) }
        guard let header = call.metadata["authorization"], !header.isEmpty else {
            throw CallError(.unauthenticated, "TOKEN_MISSING", "send metadata authorization: Bearer <token>")
        }
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), header.count > prefix.count, header.utf8.count <= 512 else {
            throw CallError(.unauthenticated, "TOKEN_INVALID", "the authorization is not a valid bearer token")
        }
        let token = String(header.dropFirst(prefix.count))
        let now = Int64(core.clock.now().timeIntervalSince1970)
        if let cached = core.tokens.lookup(token, now: now) { return cached }
        let found = try await core.pool.withConnection { connection in
            try connection.query(
                """
                SELECT t.user_id, u.username, t.revoked_at IS NOT NULL AS revoked,
                       coalesce(t.expires_at <= to_timestamp($2), false) AS expired,
                       floor(extract(epoch FROM t.expires_at))::bigint AS expires_epoch,
                       (SELECT string_agg(g.role || ' ' || g.scope, ',') FROM grants g WHERE g.user_id = t.user_id) AS grants
                FROM api_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = sha256(convert_to($1, 'UTF8'))
                """, [token, now]).first
        }
        guard let row = found else {
            throw CallError(.unauthenticated, "TOKEN_INVALID", "the token is not known")
        }
        if try row.decode(Bool.self, "revoked") {
            throw CallError(.unauthenticated, "TOKEN_REVOKED", "the token has been revoked")
        }
        if try row.decode(Bool.self, "expired") {
            throw CallError(.unauthenticated, "TOKEN_EXPIRED", "the token has expired")
        }
        let grants = (row["grants"] ?? "").split(separator: ",").compactMap { pair -> Grant? in
            let parts = pair.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let role = Role(rawValue: String(parts[0])) else { return nil }
            return Grant(role: role, scope: String(parts[1]))
        }
        let caller = Caller(userID: try row.decode(Int64.self, "user_id"), username: try row.decode(String.self, "username"), grants: grants)
        core.tokens.store(token, caller: caller, expiresAt: row["expires_epoch"].flatMap { Int64($0) })
        return caller
    }
}

/// Valid tokens seen in the last moments, so that a busy client's calls do not each cost a
/// database query. Only valid tokens are kept, each for `lifetime` at most and never past its
/// own expiry; Admin methods that change tokens or grants clear it on this server at once, and
/// a change made elsewhere (another server, a DBA in psql) takes effect within `lifetime`.
final class TokenCache: Sendable {
    private struct Entry {
        let caller: Caller
        let expiresAt: Int64?
        let cachedUntil: ContinuousClock.Instant
    }

    private let entries = Mutex([String: Entry]())
    let lifetime: Duration
    static let maximumEntries = 10_000

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    func lookup(_ token: String, now: Int64) -> Caller? {
        guard lifetime > .zero else { return nil }
        return entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard ContinuousClock.now < entry.cachedUntil, entry.expiresAt.map({ now < $0 }) ?? true else {
                entries[token] = nil
                return nil
            }
            return entry.caller
        }
    }

    func store(_ token: String, caller: Caller, expiresAt: Int64?) {
        guard lifetime > .zero else { return }
        entries.withLock { entries in
            if entries.count >= Self.maximumEntries { entries.removeAll() }
            entries[token] = Entry(caller: caller, expiresAt: expiresAt, cachedUntil: ContinuousClock.now + lifetime)
        }
    }

    func clear() {
        entries.withLock { $0.removeAll() }
    }
}
