import Foundation

/// A legal time limit: minutes after receipt, or working days counted from the day of receipt.
public enum LegalLimit: Hashable, Sendable {
    case minutes(Int)
    case workingDays(Int)
}

/// How a dossier came in: online (the default) or on paper at the counter.
public enum Channel: String, Sendable, CaseIterable {
    case online = "ONLINE"
    case counter = "COUNTER"
}

/// A procedure's legal time limits (Decree 347/2025), as the `procedures` table holds them: a
/// base limit and, where the law sets one, the limit at the counter, of an advance, or of a
/// dossier received in the last week of December or of January.
public struct ProcedureLimits: Hashable, Sendable {
    public var base: LegalLimit
    /// For a limit in minutes: the limit of a dossier received at the counter.
    public var counterMinutes: Int?
    /// For a limit in working days: the limit of an advance.
    public var advanceWorkingDays: Int?
    /// For a limit in working days: the limit of a dossier received 25-31 December or 25-31 January.
    public var yearEndWorkingDays: Int?

    public init(_ base: LegalLimit, counterMinutes: Int? = nil, advanceWorkingDays: Int? = nil, yearEndWorkingDays: Int? = nil) {
        self.base = base
        self.counterMinutes = counterMinutes
        self.advanceWorkingDays = advanceWorkingDays
        self.yearEndWorkingDays = yearEndWorkingDays
    }

    /// Whether a local date falls in the year-end extension: 25-31 December or 25-31 January.
    public static func isYearEndExtension(_ day: TreasuryTime.LocalDate) -> Bool {
        (day.month == 12 || day.month == 1) && day.day >= 25
    }

    /// The limit of one dossier: the counter limit picks by channel, the advance limit by the
    /// dossier's subject, the year-end limit by the local date the clock starts on (receipt,
    /// or the supplement that restarted it); when several could apply, the longest wins.
    public func limit(channel: Channel, advance: Bool, startingOn day: TreasuryTime.LocalDate) -> LegalLimit {
        switch base {
        case .minutes(let minutes):
            return .minutes(channel == .counter ? counterMinutes ?? minutes : minutes)
        case .workingDays(let days):
            var limit = advance ? advanceWorkingDays ?? days : days
            if let extended = yearEndWorkingDays, Self.isYearEndExtension(day) { limit = max(limit, extended) }
            return .workingDays(limit)
        }
    }
}

/// The administrative procedures dossiers are filed under (Decree 347/2025, from 1 January
/// 2026). The `procedures` table holds the same codes and limits; a test proves they agree.
/// `accountChange` (freeze, unfreeze) is not one of the nine; `commitment` and
/// `advanceSettlement` are Decree 11/2020 codes kept for the dossiers filed under them.
public enum Procedure: String, Sendable, CaseIterable {
    case revenueCollection = "REVENUE_COLLECTION"
    case revenueRefund = "REVENUE_REFUND"
    case paymentRecurrent = "PAYMENT_RECURRENT"
    case aidBooking = "AID_BOOKING"
    case paymentInvestment = "PAYMENT_INVESTMENT"
    case paymentInvestmentForeign = "PAYMENT_INVESTMENT_FOREIGN"
    case accountOpen = "ACCOUNT_OPEN"
    case accountClose = "ACCOUNT_CLOSE"
    case balanceReconciliation = "BALANCE_RECONCILIATION"
    case accountChange = "ACCOUNT_CHANGE"
    case commitment = "COMMITMENT"
    case advanceSettlement = "ADVANCE_SETTLEMENT"

    /// The legal time limits (the `procedures` table's limit columns).
    public var limits: ProcedureLimits {
        switch self {
        case .revenueCollection: ProcedureLimits(.minutes(5), counterMinutes: 30)
        case .paymentRecurrent: ProcedureLimits(.workingDays(1), yearEndWorkingDays: 2)
        case .aidBooking: ProcedureLimits(.workingDays(2))
        case .paymentInvestment, .paymentInvestmentForeign: ProcedureLimits(.workingDays(2), advanceWorkingDays: 1)
        case .revenueRefund, .accountOpen, .accountClose, .balanceReconciliation, .accountChange: ProcedureLimits(.workingDays(1))
        case .commitment, .advanceSettlement: ProcedureLimits(.workingDays(2))
        }
    }

    /// Whether new dossiers are filed under it (retired codes are kept for old dossiers).
    public var inForce: Bool { replacedBy == nil }

    /// For a retired code, the procedure new dossiers of its kind are filed under.
    public var replacedBy: Procedure? {
        switch self {
        case .commitment, .advanceSettlement: .paymentRecurrent
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

    /// When a dossier of `procedure` whose clock starts at `receivedAt` is due (API.md
    /// "Procedures and signatures"): its limit for the channel, the subject (`advance`: an
    /// advance payment order) and the day the clock starts, then `dueAt(limit:receivedAt:)`.
    public func dueAt(procedure: Procedure, receivedAt: Date, channel: Channel = .online, advance: Bool = false) -> Date {
        let limit = procedure.limits.limit(channel: channel, advance: advance, startingOn: TreasuryTime.localDate(of: receivedAt))
        return dueAt(limit: limit, receivedAt: receivedAt)
    }

    /// N minutes: received_at + N. N working days: the end of the N-th working day, the day of
    /// receipt counting as the first when it is a working day and the dossier arrived before
    /// the cut-off, else counting from the next working day.
    public func dueAt(limit: LegalLimit, receivedAt: Date) -> Date {
        switch limit {
        case .minutes(let minutes):
            return receivedAt.addingTimeInterval(TimeInterval(minutes * 60))
        case .workingDays(let days):
            let day = TreasuryTime.localDate(of: receivedAt)
            let beforeCutoff = TreasuryTime.localSecondsOfDay(of: receivedAt) < paymentCutoffSecondsOfDay
            let first = isWorkingDay(day) && beforeCutoff ? day : workingDay(after: day, count: 1)
            return TreasuryTime.endOfDay(workingDay(after: first, count: max(days, 1) - 1))
        }
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
