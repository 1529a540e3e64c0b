// The TreasuryService module; see Package.swift for its role.
