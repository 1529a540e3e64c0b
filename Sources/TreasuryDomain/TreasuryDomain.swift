// The TreasuryDomain module; see Package.swift for its role.
