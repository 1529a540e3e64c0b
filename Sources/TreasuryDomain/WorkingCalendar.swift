import Foundation

/// The online public-service procedures of the treasury (Decree 11/2020; BALANCE_RECONCILIATION
/// from Decree 347/2025, which replaced it: the other values keep their Decree 11 names for now).
public enum Procedure: String, Sendable, CaseIterable {
    case accountOpen = "ACCOUNT_OPEN"
    case accountChange = "ACCOUNT_CHANGE"
    case accountClose = "ACCOUNT_CLOSE"
    case commitment = "COMMITMENT"
    case paymentRecurrent = "PAYMENT_RECURRENT"
    case paymentInvestment = "PAYMENT_INVESTMENT"
    case advanceSettlement = "ADVANCE_SETTLEMENT"
    case revenueCollection = "REVENUE_COLLECTION"
    case revenueRefund = "REVENUE_REFUND"
    case balanceReconciliation = "BALANCE_RECONCILIATION"

    /// Payments are due the same working day when received before the cut-off.
    public var isPayment: Bool { self == .paymentRecurrent || self == .paymentInvestment }

    /// The legal time limit in working days counted from the day of receipt (Decree 347/2025:
    /// the day of receipt is the first when the dossier arrives on a working day before the
    /// cut-off), for the procedures that have one here; nil for the older rule (due at the end
    /// of the second working day after the day of receipt).
    public var workingDayLimit: Int? {
        switch self {
        case .paymentRecurrent, .paymentInvestment, .balanceReconciliation: 1
        default: nil
        }
    }
}

/// Working days and service deadlines: weekends and declared holidays are not working days.
public struct WorkingCalendar: Sendable {
    public var holidays: Set<TreasuryTime.LocalDate>
    /// Local seconds of day of the payment cut-off (15:30 by default).
    public var paymentCutoffSecondsOfDay: Int

    public init(holidays: Set<TreasuryTime.LocalDate> = [], paymentCutoffSecondsOfDay: Int = 15 * 3600 + 30 * 60) {
        self.holidays = holidays
        self.paymentCutoffSecondsOfDay = paymentCutoffSecondsOfDay
    }

    public func isWorkingDay(_ date: TreasuryTime.LocalDate) -> Bool {
        !date.isWeekend && !holidays.contains(date)
    }

    /// The first working day on or after `date`.
    public func workingDay(onOrAfter date: TreasuryTime.LocalDate) -> TreasuryTime.LocalDate {
        var day = date
        // A year of consecutive holidays would be a data error; the bound keeps this finite.
        for _ in 0..<366 where !isWorkingDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// The `count`-th working day strictly after `date`.
    public func workingDay(after date: TreasuryTime.LocalDate, count: Int) -> TreasuryTime.LocalDate {
        var day = date
        for _ in 0..<count { day = workingDay(onOrAfter: day.adding(days: 1)) }
        return day
    }

    /// When a dossier received at `receivedAt` is due.
    ///
    /// A procedure with a limit of N working days (payments, balance reconciliation: 1) is due
    /// at the end of the N-th working day, the day of receipt counting as the first when it is a
    /// working day and the dossier arrived before the cut-off, else counting from the next
    /// working day. Every other procedure is due at the end of the second working day after the
    /// day of receipt.
    public func dueAt(procedure: Procedure, receivedAt: Date) -> Date {
        let day = TreasuryTime.localDate(of: receivedAt)
        if let limit = procedure.workingDayLimit {
            let beforeCutoff = TreasuryTime.localSecondsOfDay(of: receivedAt) < paymentCutoffSecondsOfDay
            let first = isWorkingDay(day) && beforeCutoff ? day : workingDay(after: day, count: 1)
            return TreasuryTime.endOfDay(workingDay(after: first, count: limit - 1))
        }
        return TreasuryTime.endOfDay(workingDay(after: day, count: 2))
    }
}

/// Where the service reads the time; tests inject a fixed or moving clock.
public protocol TreasuryClock: Sendable {
    func now() -> Date
}

public struct SystemClock: TreasuryClock {
    public init() {}
    public func now() -> Date { Date() }
}
