import XCTest
@testable import Forecasting
import Dispatch

final class SpeedProbe: XCTestCase {
    func testSpeedProbe() throws {
        guard let env = getenv("FF_SPEED"), let n = Int(String(cString: env)) else { throw XCTSkip("set FF_SPEED") }
        let series = simulatedDailyDemand(count: n, days: 730, seed: 7)
        let t0 = DispatchTime.now().uptimeNanoseconds
        var opts = ForecastOptions(horizon: 28)
        if let e = getenv("FF_EVALS"), let v = Int(String(cString: e)) { opts.maxEvaluations = v }
        let out = Forecaster.forecastMany(series: series, options: opts)
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        var counts: [String: Int] = [:]
        for f in out { counts[f.method, default: 0] += 1 }
        print("SPEED", n, dt, Double(n) / dt, counts)
    }
}
