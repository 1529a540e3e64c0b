import TreasuryProtocol

/// A grant: a role within a scope (`*`, `T:0101`, `U:1012345`, `B:VCB`).
public struct Grant: Sendable, Hashable {
    public var role: Role
    public var scope: String
}

/// The authenticated caller.
public struct Caller: Sendable {
    public var userID: Int64
    public var username: String
    public var grants: [Grant]
}

extension Caller {
    /// The caller as it may act over a connection with this client certificate (mutual TLS):
    /// the certificate's subject common name is a bank code, so a `BANK` grant scoped to
    /// another bank (`B:<code>`) is set aside and returned apart. A `BANK` grant of scope `*`
    /// and grants of other roles are kept; without a certificate nothing is set aside.
    func restricted(to certificate: ClientCertificate?) -> (caller: Caller, setAside: [Grant]) {
        guard let certificate else { return (self, []) }
        let own = certificate.commonName.map { "B:\($0)" }
        var kept = self
        var setAside: [Grant] = []
        kept.grants = grants.filter { grant in
            guard grant.role == .bank, grant.scope.hasPrefix("B:"), grant.scope != own else { return true }
            setAside.append(grant)
            return false
        }
        return (kept, setAside)
    }
}

/// The object a call acts on, described by every scope that covers it.
///
/// A treasury scope covers that treasury and the treasuries under it, so an object in
/// treasury 0362 under 0360 is covered by `T:0362` and `T:0360`. Some roles reach the
/// object through another key (a bank through its bank code), hence scopes per role.
public struct AccessTarget: Sendable {
    public var scopes: Set<String>
    public var scopesByRole: [Role: Set<String>]

    public init(scopes: Set<String>, scopesByRole: [Role: Set<String>] = [:]) {
        self.scopes = scopes.union(["*"])
        self.scopesByRole = scopesByRole.mapValues { $0.union(["*"]) }
    }

    /// Only `*` covers it (sharing rules, users, reference data).
    public static let global = AccessTarget(scopes: ["*"])

    /// An object in a treasury (given with its ancestors, nearest first), optionally of a unit.
    public static func treasury(_ ancestors: [String], unit: String? = nil) -> AccessTarget {
        var scopes = Set(ancestors.map { "T:\($0)" })
        if let unit { scopes.insert("U:\(unit)") }
        return AccessTarget(scopes: scopes)
    }

    public func allows(_ grant: Grant) -> Bool {
        (scopesByRole[grant.role] ?? scopes).contains(grant.scope)
    }

    /// Adds scopes through which one role reaches the object (e.g. `B:VCB` for a bank).
    public func adding(_ scope: String, for role: Role) -> AccessTarget {
        var copy = self
        copy.scopesByRole[role] = (scopesByRole[role] ?? scopes).union([scope])
        return copy
    }

    /// Restricts a role to the given scopes only (a bank reaches a deposit only through its own code).
    public func only(_ scopes: Set<String>, for role: Role) -> AccessTarget {
        var copy = self
        copy.scopesByRole[role] = scopes.union(["*"])
        return copy
    }
}

extension CallContext {
    /// The caller's grants whose role may call this method.
    var eligibleGrants: [Grant] {
        let roles = declaration.roles
        return caller.grants.filter { roles.isEmpty || roles.contains($0.role) }
    }

    /// Refuses with PERMISSION_DENIED/OUT_OF_SCOPE unless some eligible grant covers the
    /// target; returns the roles through which the caller reaches it.
    @discardableResult
    public func authorize(_ target: AccessTarget?) throws -> Set<Role> {
        guard let target else { return Set(eligibleGrants.map(\.role)) }
        let roles = Set(eligibleGrants.filter { target.allows($0) }.map(\.role))
        guard !roles.isEmpty else { throw outOfScope }
        return roles
    }

    /// A refusal for role or scope of a caller some of whose grants the client certificate set
    /// aside (`Caller.restricted(to:)`).
    static func certificateMismatch(_ setAside: [Grant], certificate: ClientCertificate?, method: String) -> CallError {
        let scopes = setAside.map(\.scope).sorted()
        let bank = certificate?.commonName ?? "(no common name)"
        return CallError(
            .permissionDenied, "CERTIFICATE_MISMATCH",
            "your BANK grant for \(scopes.joined(separator: ", ")) cannot be used over the client certificate of \(bank); \(method) needs a grant for the certificate's own bank",
            details: [
                "certificate_common_name": certificate?.commonName.map(JSON.string) ?? .null,
                "grant_scopes": .array(scopes.map(JSON.string)),
            ])
    }

    var outOfScope: CallError {
        CallError(.permissionDenied, "OUT_OF_SCOPE", "\(declaration.name) on this object is outside your grants' scope")
    }

    /// The treasury codes a caller's grants of the eligible roles name (for list filters).
    var hasGlobalScope: Bool { eligibleGrants.contains { $0.scope == "*" } }
}
