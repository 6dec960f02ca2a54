import XCTest
@testable import Forecasting

final class AutoTests: XCTestCase {

    func testAutoPicksSeasonalModelForStronglySeasonalSeries() {
        var rng = SplitMix64(seed: 31)
        let pattern: [Double] = [100, 110, 105, 120, 140, 60, 40]
        let y = (0..<364).map { pattern[$0 % 7] * (1 + 0.03 * rng.normal()) }
        let f = Forecaster.forecast(values: y, options: ForecastOptions(horizon: 14))
        let nonSeasonal = ["ETS(A,N,N)", "ETS(A,Ad,N)", "Naive", "Mean"]
        XCTAssertFalse(nonSeasonal.contains(f.method), "chose \(f.method)")
        // The forecast follows the weekly pattern: within 10% of it every day.
        for k in 0..<14 {
            XCTAssertEqual(f.forecast[k], pattern[(364 + k) % 7], accuracy: 0.1 * pattern[(364 + k) % 7])
        }
    }

    func testAutoPicksCrostonFamilyForIntermittentSeries() {
        var rng = SplitMix64(seed: 32)
        let y = (0..<400).map { _ in rng.uniform() < 0.15 ? Double(Int(1 + 8 * rng.uniform())) : 0 }
        let f = Forecaster.forecast(values: y, options: ForecastOptions(horizon: 10, backtestOrigins: 3))
        XCTAssertTrue(["Croston", "CrostonSBA", "TSB"].contains(f.method), "chose \(f.method)")
        // Flat forecast near the mean demand rate (≈ 0.15 × 4.5).
        XCTAssertEqual(f.forecast[0], 0.15 * 4.5, accuracy: 0.4)
        XCTAssertNotNil(f.accuracy)
        // Empirical intervals: non-negative, ordered, p90 above the mean rate.
        let p10 = f.quantile(0.1)!, p90 = f.quantile(0.9)!
        for k in 0..<10 { XCTAssert(p10[k] >= 0 && p10[k] <= f.quantile(0.5)![k] && p90[k] > f.forecast[k]) }
    }

    func testAutoOnTrendingNonSeasonalSeriesExtrapolates() {
        var rng = SplitMix64(seed: 33)
        let y = (0..<200).map { 50 + 0.5 * Double($0) + 2 * rng.normal() }
        let f = Forecaster.forecast(values: y, options: ForecastOptions(horizon: 10, seasonLength: 1))
        XCTAssertGreaterThan(f.forecast[9], 140, "\(f.method) \(f.forecast)")
    }

    func testForcedMethodsAndNames() {
        let y = simulatedDailyDemand(count: 1, days: 200, seed: 5, intermittentShare: 0)[0].values
        let cases: [(ForecastMethod, String)] = [
            (.naive, "Naive"), (.seasonalNaive, "SeasonalNaive(7)"), (.movingAverage(window: 0), "MovingAverage(7)"),
            (.theta, "Theta"), (.croston(.classic), "Croston"), (.croston(.tsb), "TSB"),
            (.ets(.holtWintersMultiplicative), "ETS(A,A,M)"),
            (ForecastMethod(name: "ETS(A,Ad,A)")!, "ETS(A,Ad,A)"),
        ]
        for (method, name) in cases {
            let f = Forecaster.forecast(values: y, options: ForecastOptions(horizon: 7, method: method))
            XCTAssertEqual(f.method, name)
            XCTAssertEqual(f.forecast.count, 7)
            XCTAssert(f.forecast.allSatisfy { $0.isFinite && $0 >= 0 })
        }
        let combo = Forecaster.forecast(values: y, options: ForecastOptions(horizon: 7, method: .combination))
        XCTAssertTrue(combo.method.hasPrefix("Combination(ETS("), combo.method)
        XCTAssertNil(ForecastMethod(name: "arima"))
        XCTAssertEqual(ForecastMethod(name: "ma14"), .movingAverage(window: 14))
    }

    func testHolidayEffectIsLearntAndApplied() {
        // Flat demand 100 m³/day with noise; every 30th day is a holiday with double demand.
        var rng = SplitMix64(seed: 34)
        let n = 360
        let holidayDays = Array(stride(from: 15, to: n + 30, by: 30))
        let y = (0..<n).map { t in (holidayDays.contains(t) ? 200 : 100) + 2 * rng.normal() }
        let cal = HolidayCalendar(days: holidayDays)
        let f = Forecaster.forecast(values: y, options: ForecastOptions(horizon: 30, seasonLength: 1, method: .ets(.ses)),
                                    holidays: cal)
        let effect = try! XCTUnwrap(f.holidayEffects[0])
        // 11 past holidays with ratio ≈ 2, shrunk with one pseudo-occurrence of 1: (22 + 1)/12 ≈ 1.92.
        XCTAssertEqual(effect, 1.92, accuracy: 0.1)
        let k = 375 - n  // the next holiday falls at t = 375
        XCTAssertGreaterThan(f.forecast[k], 1.7 * f.forecast[k - 1])
        XCTAssertGreaterThan(f.quantile(0.9)![k], f.quantile(0.9)![k - 1])
        // DailySeries API: holidays on the absolute day axis.
        let s = DailySeries(start: 1000, values: y)
        let many = Forecaster.forecastMany(series: [s], options: ForecastOptions(horizon: 30, seasonLength: 1, method: .ets(.ses)),
                                           holidays: HolidayCalendar(days: holidayDays.map { $0 + 1000 }))
        XCTAssertEqual(many[0].forecast, f.forecast)
    }

    func testForecastManyIsDeterministicAndInInputOrder() {
        let series = simulatedDailyDemand(count: 40, days: 200, seed: 77)
        let opts = ForecastOptions(horizon: 14, backtestOrigins: 2)
        let a = Forecaster.forecastMany(series: series, options: opts)
        let b = Forecaster.forecastMany(series: series, options: opts)
        XCTAssertEqual(a.count, 40)
        for i in 0..<40 {
            let single = Forecaster.forecast(values: series[i].values, options: opts)
            XCTAssertEqual(a[i].forecast, single.forecast)
            XCTAssertEqual(a[i].method, single.method)
            XCTAssertEqual(a[i].forecast, b[i].forecast)
            XCTAssertEqual(a[i].quantileForecasts, b[i].quantileForecasts)
            XCTAssertEqual(a[i].accuracy, b[i].accuracy)
        }
        XCTAssertNotNil(Accuracy.mean(a.compactMap(\.accuracy)))
        let conv = Forecaster.forecastMany(series: series, horizon: 14, backtestOrigins: 2)
        XCTAssertEqual(conv[3].forecast, a[3].forecast)
    }
}
