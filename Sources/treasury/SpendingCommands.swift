import ArgumentParser
import Foundation
import TreasuryProtocol

struct SpendingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spending", abstract: "Commitments, payment orders and advances.", subcommands: [])
}
