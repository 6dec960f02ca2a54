import XCTest
@testable import Forecasting
import Dispatch
import Foundation

/// Speed of `forecastMany` on simulated daily demand; skipped unless FF_SPEED=N is set
/// (see benchmarks/forecasting/speed.sh). FF_EVALS overrides the Nelder–Mead budget;
/// FF_BACKTEST=K adds the reported rolling-origin backtest (refit at each of K origins).
final class SpeedProbe: XCTestCase {
    func testSpeedProbe() throws {
        guard let env = getenv("FF_SPEED"), let n = Int(String(cString: env)) else { throw XCTSkip("set FF_SPEED") }
        let series = simulatedDailyDemand(count: n, days: 730, seed: 7)
        var opts = ForecastOptions(horizon: 28)
        if let e = getenv("FF_EVALS"), let v = Int(String(cString: e)) { opts.maxEvaluations = v }
        if let e = getenv("FF_BACKTEST"), let v = Int(String(cString: e)) { opts.backtestOrigins = v }
        func cpuSeconds() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }
        let t0 = DispatchTime.now().uptimeNanoseconds, c0 = cpuSeconds()
        let out = Forecaster.forecastMany(series: series, options: opts)
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, cpu = cpuSeconds() - c0
        var counts: [String: Int] = [:]
        for f in out { counts[f.method.hasPrefix("Combination") ? "Combination" : f.method, default: 0] += 1 }
        print("SPEED forecastMany auto, backtest \(opts.backtestOrigins), \(n) series × 730 days, horizon 28: \(String(format: "%.2f", dt)) s = \(String(format: "%.1f", Double(n) / dt)) series/s; CPU \(String(format: "%.2f", cpu)) s = \(String(format: "%.2f", cpu * 1000 / Double(n))) ms per series")
        if opts.backtestOrigins > 0, let a = Accuracy.mean(out.compactMap(\.accuracy)) {
            print("SPEED backtest (refit per origin): MASE \(String(format: "%.3f", a.mase)), sMAPE \(String(format: "%.2f", a.smape)), \(a.origins) origins")
        }
        print("SPEED methods chosen: " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
}
