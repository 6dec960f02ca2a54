// Forecasting — many series in parallel, results in input order.
import Dispatch

/// One daily series: the day number of the first value (e.g. days since 1970-01-01, the
/// axis holiday days use) and one value per day, NaN where the day is missing.
public struct DailySeries: Sendable {
    public var start: Int
    public var values: [Double]
    public init(start: Int, values: [Double]) { self.start = start; self.values = values }
    /// Day number of the first forecast day (the day after the last value).
    public var forecastStart: Int { start + values.count }
}

extension Forecaster {
    /// Forecasts every series in parallel (`DispatchQueue.concurrentPerform` over chunks of
    /// 8 series); result i belongs to series i whatever the scheduling, so the output is
    /// deterministic. Holiday days are on the series' day axis and shifted per series.
    ///
    ///     let out = Forecaster.forecastMany(series: all, options: ForecastOptions(horizon: 28))
    ///
    /// - Complexity: O(Σ cost per series / cores).
    public static func forecastMany(series: [DailySeries], options: ForecastOptions,
                                    holidays: HolidayCalendar? = nil) -> [SeriesForecast] {
        forecastMany(count: series.count) { i in
            let s = series[i]
            let cal = holidays.map { HolidayCalendar(days: $0.days.map { $0 - s.start }, groups: $0.groups) }
            return forecast(values: s.values, options: options, holidays: cal)
        }
    }

    /// Convenience with the signature.
    public static func forecastMany(series: [DailySeries], horizon: Int, method: ForecastMethod = .auto,
                                    seasonLength: Int = 7, backtestOrigins: Int = 0,
                                    quantiles: [Double] = [0.1, 0.5, 0.9]) -> [SeriesForecast] {
        forecastMany(series: series, options: ForecastOptions(
            horizon: horizon, seasonLength: seasonLength, method: method,
            quantiles: quantiles, backtestOrigins: backtestOrigins))
    }

    /// Forecasts raw value arrays (any regular frequency) in parallel, in input order.
    /// `holidays[i]` (if given) holds series i's holiday days as indices from its first value.
    public static func forecastMany(values: [[Double]], options: ForecastOptions,
                                    holidays: [HolidayCalendar?]? = nil) -> [SeriesForecast] {
        forecastMany(count: values.count) { i in
            forecast(values: values[i], options: options, holidays: holidays?[i] ?? nil)
        }
    }

    static func forecastMany(count: Int, _ body: @Sendable (Int) -> SeriesForecast) -> [SeriesForecast] {
        guard count > 0 else { return [] }
        let results = ResultSlots(count: count)
        let chunk = 8
        let chunks = (count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * chunk)..<min(count, (c + 1) * chunk) { results.store(i, body(i)) }
        }
        return results.take()
    }
}

/// Write-once result slots shared by worker threads: each index is written by exactly one
/// iteration, and read only after `concurrentPerform` returns (which orders the writes).
private final class ResultSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<SeriesForecast?>
    private let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }
    func store(_ i: Int, _ value: SeriesForecast) { slots[i] = value }
    func take() -> [SeriesForecast] { (0..<count).map { slots[$0]! } }
    deinit { slots.deinitialize(count: count); slots.deallocate() }
}
