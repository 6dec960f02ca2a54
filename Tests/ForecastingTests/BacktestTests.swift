import XCTest
@testable import Forecasting

final class BacktestTests: XCTestCase {
    func testMetricsByHand() {
        // y = [1, 2, 3, 4, 5, 6], naive, h = 2, origins [2, 4]:
        // origin 2: forecasts [2, 2] for [3, 4]; origin 4: [4, 4] for [5, 6] → errors 1, 2, 1, 2
        // MAE = 1.5; scale = naive MAE on the training part [1, 2] = 1 → MASE = 1.5
        // sMAPE = mean(200·1/5, 200·2/6, 200·1/9, 200·2/10) = (40 + 66.667 + 22.222 + 40)/4 = 42.2222
        // bias = mean(forecast − actual) = −1.5
        let y: [Double] = [1, 2, 3, 4, 5, 6]
        let origins = rollingOrigins(n: 6, h: 2, count: 2, step: 2, minTrain: 2)
        XCTAssertEqual(origins, [2, 4])
        let acc = y.withUnsafeBufferPointer { yb -> Accuracy in
            let f = SimpleFit.fit(UnsafeBufferPointer(rebasing: yb[0..<2]), kind: .naive)
            let fc = f.rollingForecasts(yb, origins: origins, h: 2)
            XCTAssertEqual(fc, [2, 2, 4, 4])
            let scale = maseScale(UnsafeBufferPointer(rebasing: yb[0..<2]), m: 1)
            XCTAssertEqual(scale, 1)
            return accuracy(of: fc, actual: yb, origins: origins, h: 2, scale: scale)
        }
        XCTAssertEqual(acc.mase, 1.5, accuracy: 1e-12)
        XCTAssertEqual(acc.smape, (40 + 200.0 / 3 + 200.0 / 9 + 40) / 4, accuracy: 1e-9)
        XCTAssertEqual(acc.bias, -1.5, accuracy: 1e-12)
        XCTAssertEqual(acc.points, 4)
        XCTAssertEqual(rollingOrigins(n: 100, h: 7, count: 3, step: 7, minTrain: 14), [79, 86, 93])
        XCTAssertEqual(rollingOrigins(n: 20, h: 7, count: 3, step: 7, minTrain: 10), [13])
    }

    func testSMAPEZeroOverZeroAndMeanOverSeries() {
        let y: [Double] = [0, 0, 0, 2]
        let acc = y.withUnsafeBufferPointer { accuracy(of: [0, 1], actual: $0, origins: [2], h: 2, scale: 1) }
        // point 1: actual 0, forecast 0 → 0; point 2: actual 2, forecast 1 → 200·1/3
        // → sMAPE = 100/3; MAE = (0 + 1)/2 = 0.5
        XCTAssertEqual(acc.smape, 100.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(acc.mase, 0.5)
        let m = Accuracy.mean([acc, Accuracy(mase: 1.5, smape: 0, bias: 1, origins: 1, points: 2)])!
        XCTAssertEqual(m.mase, 1)
        XCTAssertEqual(m.smape, 50.0 / 3, accuracy: 1e-12)
    }

    func testForecasterReportsBacktest() {
        // Perfectly weekly series: seasonal naive has zero backtest error.
        let pattern: [Double] = [10, 12, 11, 13, 15, 6, 5]
        let y = (0..<140).map { pattern[$0 % 7] }
        let f = Forecaster.forecast(values: y, options: ForecastOptions(horizon: 14, method: .seasonalNaive, backtestOrigins: 4))
        let acc = try! XCTUnwrap(f.accuracy)
        XCTAssertEqual(acc.origins, 4)
        XCTAssertEqual(acc.points, 56)
        XCTAssertEqual(acc.mase, 0, accuracy: 1e-12)
        XCTAssertEqual(acc.bias, 0, accuracy: 1e-12)
        XCTAssertEqual(f.forecast, (140..<154).map { pattern[$0 % 7] })
    }

    func testBacktestRefitsAtEachOrigin() throws {
        // Level shift: 10 for t < 50, 20 from t = 50; n = 64, h = 7, 3 origins → [43, 50, 57].
        // SES (ETS(A,N,N)), season length 1. MASE scale: the naive MAE on y[0..<43] is 0, so
        // it falls back to the mean |y| there = 10.
        //
        // Refit per origin:
        //   43: fit on 43 tens → forecast 10 for y[43..<50] = 10           errors 0 × 7
        //   50: fit on 50 tens → forecast 10 for y[50..<57] = 20           errors 10 × 7
        //   57: fit on 50 tens + 7 twenties: the SSE-optimal α is its upper bound 0.9999
        //       (one error of 10 at t = 50, then ≈ 0) → forecast ≈ 20      errors ≈ 0 × 7
        //   → MAE = 70/21 = 10/3, MASE = 1/3, bias = −10/3.
        // Fixed parameters (fit once on y[0..<43], α = α₀, level 10):
        //   57: level after 7 twenties = 20 − 10(1 − α₀)^7 → errors 10(1 − α₀)^7 × 7
        //   → MAE = (70 + 70(1 − α₀)^7)/21, larger unless α₀ ≈ 1.
        let y = (0..<64).map { $0 < 50 ? 10.0 : 20.0 }
        let options = ForecastOptions(horizon: 7, seasonLength: 1, method: .ets(.ses), backtestOrigins: 3)
        var w: [String] = []
        let (refit, fixed, alpha0) = try y.withUnsafeBufferPointer { yb -> (Accuracy, Accuracy, Double) in
            let r = try XCTUnwrap(Forecaster.backtest(.ets(.ses), yb, options: options, warnings: &w))
            let f = try XCTUnwrap(Forecaster.backtest(.ets(.ses), yb, options: options, warnings: &w, refit: false))
            let a0 = try XCTUnwrap(fitETS(UnsafeBufferPointer(rebasing: yb[0..<43]), spec: .ses, m: 1)).alpha
            return (r, f, a0)
        }
        XCTAssertEqual(refit.origins, 3)
        XCTAssertEqual(refit.points, 21)
        XCTAssertEqual(refit.mase, 1.0 / 3, accuracy: 1e-3)
        XCTAssertEqual(refit.bias, -10.0 / 3, accuracy: 1e-2)
        let tail = 10 * pow(1 - alpha0, 7)
        XCTAssertLessThan(alpha0, 0.5, "on a constant history α stays near its start")
        XCTAssertEqual(fixed.mase, (70 + 7 * tail) / 21 / 10, accuracy: 1e-3)
        XCTAssertEqual(fixed.bias, -(70 + 7 * tail) / 21, accuracy: 1e-2)
        XCTAssertGreaterThan(fixed.mase - refit.mase, 0.05)
        // The public path reports the refit figure.
        let f = Forecaster.forecast(values: y, options: options)
        XCTAssertEqual(try XCTUnwrap(f.accuracy).mase, refit.mase, accuracy: 1e-12)
    }

    func testRefitBacktestEqualsForecastsFromTruncatedHistories() throws {
        // Each origin's forecasts are exactly what forecasting y[0..<o] alone gives
        // (no information from after the origin leaks in), here for Theta and auto's ETS.
        var y: [Double] = []
        for t in 0..<200 {
            let x = Double(t)
            let season: Double = 8 * sin(x * 2 * Double.pi / 7)
            let shift: Double = t > 150 ? 25 : 0
            let noise = Double((t * 37) % 11)
            y.append(100 + 0.3 * x + season + shift + noise)
        }
        for method in [ForecastMethod.theta, .ets(ETSSpec(trend: .damped, season: .additive))] {
            let options = ForecastOptions(horizon: 7, method: method, backtestOrigins: 4)
            var w: [String] = []
            let recipe = y.withUnsafeBufferPointer { Forecaster.choose($0, options: options, warnings: &w) }
            let accOpt: Accuracy? = y.withUnsafeBufferPointer { Forecaster.backtest(recipe, $0, options: options, warnings: &w) }
            let acc = try XCTUnwrap(accOpt)
            let origins = rollingOrigins(n: 200, h: 7, count: 4, step: 7, minTrain: 14)
            XCTAssertEqual(origins, [172, 179, 186, 193])
            var ae = 0.0
            for o in origins {
                let fo = Forecaster.forecast(values: Array(y[0..<o]), options: ForecastOptions(horizon: 7, method: method))
                for k in 0..<7 { ae += abs(y[o + k] - fo.forecast[k]) }
            }
            let scale = y.withUnsafeBufferPointer { maseScale(UnsafeBufferPointer(rebasing: $0[0..<172]), m: 7) }
            XCTAssertEqual(acc.mase, ae / 28 / scale, accuracy: 1e-9, "\(method)")
        }
    }
}
