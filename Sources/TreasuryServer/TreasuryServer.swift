// The TreasuryServer module; see Package.swift for its role.
