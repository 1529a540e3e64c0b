/// Helpers for libpq connection strings.
public enum Conninfo {
    /// The same server and credentials as `base`, but database `database`. Works for
    /// `postgresql://` URIs and keyword/value strings (where a later keyword wins).
    public static func withDatabase(_ base: String, _ database: String) -> String {
        if base.hasPrefix("postgres://") || base.hasPrefix("postgresql://") {
            // The scheme is "postgres://" or "postgresql://"; the authority starts after it.
            let schemeEnd = base.index(base.firstIndex(of: ":")!, offsetBy: 3)
            let query = base.firstIndex(of: "?") ?? base.endIndex
            let authority = base[schemeEnd..<query]
            let host = authority.firstIndex(of: "/").map { authority[..<$0] } ?? authority
            return base[..<schemeEnd] + host + "/" + database + base[query...]
        }
        return base + " dbname=" + database
    }
}
