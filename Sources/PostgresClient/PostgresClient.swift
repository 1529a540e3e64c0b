// The PostgresClient module; see Package.swift for its role.
