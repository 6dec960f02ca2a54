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
}
