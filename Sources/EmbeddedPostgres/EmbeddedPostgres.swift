// The EmbeddedPostgres module; see Package.swift for its role.
