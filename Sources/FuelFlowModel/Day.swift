// Calendar days: a locale-free, allocation-free date type.

/// A calendar day, stored as the number of days since 1970-01-01 (proleptic Gregorian).
///
/// Parsing and formatting of ISO `yyyy-MM-dd` are done by hand: no `DateFormatter`, no locale,
/// no time zone.
///
/// ```swift
/// let d = Day(iso: "2026-03-01")!
/// d.advanced(by: 1).iso   // "2026-03-02"
/// d.weekday               // 0 = Monday … 6 = Sunday
/// ```
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var raw: Int32

    @inlinable public init(raw: Int32) { self.raw = raw }

    /// Builds a day from a valid calendar date; returns nil for impossible dates.
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 1 && year <= 9999, month >= 1 && month <= 12,
              day >= 1 && day <= Day.daysInMonth(year: year, month: month) else { return nil }
        self.raw = Int32(Day.daysFromCivil(year, month, day))
    }

    /// Parses a strict ISO `yyyy-MM-dd` date.
    public init?(iso: String) {
        var s = iso
        let r: Day? = s.withUTF8 { Day(isoBytes: UnsafeRawBufferPointer($0)) }
        guard let r else { return nil }
        self = r
    }

    /// Parses a strict ISO `yyyy-MM-dd` date from UTF-8 bytes.
    public init?(isoBytes b: UnsafeRawBufferPointer) {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func digit(_ i: Int) -> Int? {
            let c = b[i]
            return (c >= 48 && c <= 57) ? Int(c - 48) : nil
        }
        guard let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
              let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9) else { return nil }
        self.init(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1)
    }

    @inlinable public static func < (a: Day, b: Day) -> Bool { a.raw < b.raw }

    /// The day `n` days later (earlier when negative).
    @inlinable public func advanced(by n: Int) -> Day { Day(raw: raw + Int32(n)) }

    /// Number of days from `self` to `other`.
    @inlinable public func distance(to other: Day) -> Int { Int(other.raw) - Int(raw) }

    /// Day of week: 0 = Monday … 6 = Sunday.
    public var weekday: Int { Int(((Int64(raw) % 7) + 7 + 3) % 7) }  // 1970-01-01 was a Thursday

    /// (year, month, day).
    public var components: (year: Int, month: Int, day: Int) { Day.civilFromDays(Int(raw)) }

    /// ISO `yyyy-MM-dd`.
    public var iso: String {
        let (y, m, d) = components
        var bytes = [UInt8](repeating: 48, count: 10)
        bytes[0] = UInt8(48 + (y / 1000) % 10); bytes[1] = UInt8(48 + (y / 100) % 10)
        bytes[2] = UInt8(48 + (y / 10) % 10); bytes[3] = UInt8(48 + y % 10)
        bytes[4] = 45
        bytes[5] = UInt8(48 + m / 10); bytes[6] = UInt8(48 + m % 10)
        bytes[7] = 45
        bytes[8] = UInt8(48 + d / 10); bytes[9] = UInt8(48 + d % 10)
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { iso }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's civil-from-days algorithms.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// The planning calendar: day indices `1...days` starting at `start`.
///
/// ```swift
/// let cal = PlanningCalendar(start: Day(iso: "2026-03-01")!, days: 14)
/// cal.index(of: Day(iso: "2026-03-02")!)  // 2
/// cal.day(at: 14).iso                      // "2026-03-14"
/// ```
public struct PlanningCalendar: Hashable, Sendable {
    /// The first planning day (index 1).
    public var start: Day
    /// Horizon length in days (T).
    public var days: Int

    public init(start: Day, days: Int) { self.start = start; self.days = days }

    /// The last planning day (index T).
    public var end: Day { start.advanced(by: days - 1) }

    /// Day index 1...T of `day`, or nil when outside the horizon.
    public func index(of day: Day) -> Int? {
        let i = start.distance(to: day) + 1
        return (i >= 1 && i <= days) ? i : nil
    }

    /// The date of day index `t` (1-based; values outside 1...T extrapolate).
    public func day(at t: Int) -> Day { start.advanced(by: t - 1) }

    /// True when `day` is before the first planning day (sales history lives there).
    public func isBeforeStart(_ day: Day) -> Bool { day < start }
}
