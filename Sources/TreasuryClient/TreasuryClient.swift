// The TreasuryClient module; see Package.swift for its role.
