import Foundation

/// Treasury business time is Asia/Ho_Chi_Minh: UTC+7 all year (Vietnam keeps no daylight
/// saving time), so a fixed offset is exact and needs no time-zone database.
public enum TreasuryTime {
    public static let utcOffsetSeconds = 7 * 3600

    /// A calendar date without time, as accounting dates and holidays are.
    public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
        public var year: Int
        public var month: Int
        public var day: Int

        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }

        /// Parses `YYYY-MM-DD`, rejecting impossible dates such as 2026-02-30.
        public init?(_ text: String) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                  let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
                  (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(year: year, month: month), year >= 1900
            else { return nil }
            self.init(year: year, month: month, day: day)
        }

        public static func daysIn(year: Int, month: Int) -> Int {
            switch month {
            case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
            case 4, 6, 9, 11: return 30
            default: return 31
            }
        }

        /// YYYY-MM-DD (without Foundation's format parsing: this runs for every collection).
        public var description: String {
            TreasuryTime.padded(year, 4) + "-" + TreasuryTime.padded(month, 2) + "-" + TreasuryTime.padded(day, 2)
        }

        public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
            (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
        }

        /// Days since 1970-01-01 (proleptic Gregorian), for date arithmetic.
        public var daysSinceEpoch: Int {
            // Howard Hinnant's days_from_civil.
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let monthIndex = month > 2 ? month - 3 : month + 9
            let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }

        public init(daysSinceEpoch days: Int) {
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let dayOfEra = z - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let monthIndex = (5 * dayOfYear + 2) / 153
            let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
            let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
            self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
        }

        public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

        /// 1 = Monday ... 7 = Sunday.
        public var isoWeekday: Int {
            // 1970-01-01 was a Thursday (4).
            let weekday = ((daysSinceEpoch % 7) + 7 + 3) % 7
            return weekday + 1
        }

        public var isWeekend: Bool { isoWeekday >= 6 }
    }

    /// The local date of an instant.
    public static func localDate(of instant: Date) -> LocalDate {
        let seconds = Int(floor(instant.timeIntervalSince1970)) + utcOffsetSeconds
        return LocalDate(daysSinceEpoch: Int(floor(Double(seconds) / 86_400)))
    }

    /// Seconds since local midnight of an instant.
    public static func localSecondsOfDay(of instant: Date) -> Int {
        let seconds = Int(floor(instant.timeIntervalSince1970)) + utcOffsetSeconds
        return ((seconds % 86_400) + 86_400) % 86_400
    }

    /// The instant of a local date and time of day.
    public static func instant(of date: LocalDate, secondsOfDay: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(date.daysSinceEpoch * 86_400 + secondsOfDay - utcOffsetSeconds))
    }

    /// "End of a day" is 23:59:59 local time.
    public static func endOfDay(_ date: LocalDate) -> Date {
        instant(of: date, secondsOfDay: 86_399)
    }

    /// RFC 3339 in UTC with `Z` and whole seconds, as the protocol prints timestamps.
    public static func rfc3339(_ instant: Date) -> String {
        let total = Int(floor(instant.timeIntervalSince1970))
        let date = LocalDate(daysSinceEpoch: Int(floor(Double(total) / 86_400)))
        let secondsOfDay = ((total % 86_400) + 86_400) % 86_400
        return date.description + "T" + padded(secondsOfDay / 3600, 2) + ":" + padded(secondsOfDay / 60 % 60, 2) + ":"
            + padded(secondsOfDay % 60, 2) + "Z"
    }

    /// `value` in decimal with leading zeros to at least `width` digits (as printf's %0Nd).
    public static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - digits.count - (value < 0 ? 1 : 0)))
        return (value < 0 ? "-" : "") + zeros + digits
    }
}
