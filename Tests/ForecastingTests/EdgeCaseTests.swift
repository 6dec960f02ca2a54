import XCTest
@testable import Forecasting

/// Degenerate input never crashes or yields NaN; every fallback is the documented one.
final class EdgeCaseTests: XCTestCase {
    let opts = ForecastOptions(horizon: 10, backtestOrigins: 3)

    func assertClean(_ f: SeriesForecast, h: Int = 10, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(f.forecast.count, h, file: file, line: line)
        XCTAssert(f.forecast.allSatisfy { $0.isFinite && $0 >= 0 }, "\(f.forecast)", file: file, line: line)
        for q in f.quantileForecasts {
            XCTAssertEqual(q.count, h, file: file, line: line)
            XCTAssert(q.allSatisfy { $0.isFinite && $0 >= 0 }, "\(q)", file: file, line: line)
        }
        if let a = f.accuracy { XCTAssert(a.mase.isFinite && a.smape.isFinite && a.bias.isFinite, file: file, line: line) }
    }

    func testEmptyAndAllMissing() {
        for y in [[], [Double.nan, .nan], [Double.infinity]] {
            let f = Forecaster.forecast(values: y, options: opts)
            assertClean(f)
            XCTAssertEqual(f.method, "Empty")
            XCTAssertEqual(f.forecast, [Double](repeating: 0, count: 10))
            XCTAssertTrue(f.warnings.contains { $0.contains("empty") })
        }
    }

    func testAllZero() {
        let f = Forecaster.forecast(values: [Double](repeating: 0, count: 100), options: opts)
        assertClean(f)
        XCTAssertEqual(f.method, "Zero")
        XCTAssertEqual(f.quantile(0.9)!, [Double](repeating: 0, count: 10))
    }

    func testTooShort() {
        // Fewer than 4 points: the mean.
        let f = Forecaster.forecast(values: [3, 5], options: opts)
        assertClean(f)
        XCTAssertEqual(f.method, "Mean")
        XCTAssertEqual(f.forecast[0], 4)
        XCTAssertNil(f.accuracy)
        XCTAssertTrue(f.warnings.contains { $0.contains("too short") })
        // Fewer than 2 seasons: non-seasonal models only, with a warning.
        let g = Forecaster.forecast(values: [5, 6, 7, 6, 5, 6, 7, 8, 7, 6], options: opts)
        assertClean(g)
        XCTAssertFalse(g.method.contains(",A)") || g.method.contains(",M)") || g.method.hasPrefix("Seasonal"), g.method)
        XCTAssertTrue(g.warnings.contains { $0.contains("2 seasons") })
        // Seasonal methods asked for on short history fall back.
        let s = Forecaster.forecast(values: [5, 6, 7, 6, 5], options: ForecastOptions(horizon: 3, method: .seasonalNaive))
        XCTAssertEqual(s.method, "Naive")
        let e = Forecaster.forecast(values: [5, 6, 7, 6, 5, 6, 7, 8], options: ForecastOptions(horizon: 3, method: .ets(.holtWintersAdditive)))
        XCTAssertEqual(e.method, "ETS(A,A,N)")
        assertClean(e, h: 3)
        // One single value.
        assertClean(Forecaster.forecast(values: [7], options: opts))
    }

    func testGapsAreInterpolatedAndLeadingMissingDropped() {
        var y = simulatedDailyDemand(count: 1, days: 120, seed: 3, intermittentShare: 0)[0].values
        y[0] = .nan; y[1] = .nan; y[50] = .nan; y[51] = .nan; y[119] = .nan
        let f = Forecaster.forecast(values: y, options: opts)
        assertClean(f)
        XCTAssertTrue(f.warnings.contains { $0.contains("leading") })
        XCTAssertTrue(f.warnings.contains { $0.contains("interpolation") })
        XCTAssertTrue(f.warnings.contains { $0.contains("trailing") })
        var warnings: [String] = []
        let (c, dropped) = Forecaster.clean([.nan, 1, .nan, .nan, 4, .nan], nonNegative: true, warnings: &warnings)
        XCTAssertEqual(c, [1, 2, 3, 4, 4])
        XCTAssertEqual(dropped, 1)
    }

    func testNegativesAreClippedWithWarning() {
        var y = simulatedDailyDemand(count: 1, days: 120, seed: 4, intermittentShare: 0)[0].values
        y[10] = -5; y[90] = -1
        let f = Forecaster.forecast(values: y, options: opts)
        assertClean(f)
        XCTAssertTrue(f.warnings.contains { $0.contains("clipped 2 negative") })
        // Without demand semantics negatives stay and forecasts may be negative.
        let g = Forecaster.forecast(values: (0..<50).map { -Double($0) }, options: ForecastOptions(horizon: 3, seasonLength: 1, nonNegative: false))
        XCTAssertLessThan(g.forecast[0], -40)
    }

    func testWildValuesStayFinite() {
        let y: [Double] = [1e12, 0, 0, 1e-12, 5e11, 0, 3, 1e12, 0, 0, 2, 0, 1e12, 7, 0, 0, 0, 1, 1e12, 0, 0]
        assertClean(Forecaster.forecast(values: y, options: opts))
        let constant = [Double](repeating: 42, count: 60)
        let f = Forecaster.forecast(values: constant, options: opts)
        assertClean(f)
        XCTAssertEqual(f.forecast[0], 42, accuracy: 1e-6)
        XCTAssertEqual(Forecaster.forecast(values: constant, options: ForecastOptions(horizon: 0)).forecast, [])
    }

    func testRandomSeriesAlwaysCleanAndQuantilesOrdered() {
        var rng = SplitMix64(seed: 55)
        for i in 0..<60 {
            let n = Int(rng.uniform() * 80)
            let y = (0..<n).map { _ -> Double in
                let u = rng.uniform()
                return u < 0.05 ? .nan : (u < 0.4 ? 0 : 100 * rng.uniform() - 5)
            }
            let f = Forecaster.forecast(values: y, options: ForecastOptions(horizon: 10, quantiles: [0.9, 0.1, 0.5, 0.99], backtestOrigins: 2))
            assertClean(f)
            for k in 0..<10 {
                XCTAssertLessThanOrEqual(f.quantile(0.1)![k], f.quantile(0.5)![k], "series \(i)")
                XCTAssertLessThanOrEqual(f.quantile(0.5)![k], f.quantile(0.9)![k], "series \(i)")
                XCTAssertLessThanOrEqual(f.quantile(0.9)![k], f.quantile(0.99)![k], "series \(i)")
            }
        }
    }
}
