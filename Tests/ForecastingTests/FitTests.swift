import XCTest
@testable import Forecasting

/// Fitting recovers known parameters; intervals cover about their nominal share.
final class FitTests: XCTestCase {

    /// Simulates ETS(A,N,A) (γ = 0: ETS(A,N,N) when m = 1) with N(0, σ²) errors.
    func simulate(n: Int, alpha: Double, gamma: Double = 0, m: Int = 1, season: [Double] = [0],
                  level: Double = 100, sigma: Double = 1, rng: inout SplitMix64) -> [Double] {
        var ignored = 0.0
        return simulate(n: n, alpha: alpha, gamma: gamma, m: m, season: season, level: level,
                        sigma: sigma, rng: &rng, errorVariance: &ignored)
    }

    func simulate(n: Int, alpha: Double, gamma: Double = 0, m: Int = 1, season: [Double] = [0],
                  level: Double = 100, sigma: Double = 1, rng: inout SplitMix64,
                  errorVariance: inout Double) -> [Double] {
        var l = level, s = season, y: [Double] = []
        errorVariance = 0
        for t in 0..<n {
            let j = t % m
            let e = sigma * rng.normal()
            errorVariance += e * e / Double(n)
            y.append(l + s[j] + e)
            l += alpha * e
            s[j] += gamma * e
        }
        return y
    }

    func testSESRecoversAlpha() {
        var rng = SplitMix64(seed: 11)
        for alpha in [0.2, 0.5, 0.8] {
            var realised = 0.0
            let y = simulate(n: 2000, alpha: alpha, rng: &rng, errorVariance: &realised)
            let f = y.withUnsafeBufferPointer { fitETS($0, spec: .ses, m: 1) }!
            XCTAssertEqual(f.alpha, alpha, accuracy: 0.05, "α = \(alpha)")
            // σ² estimates the variance of the errors actually drawn.
            XCTAssertEqual(f.sigma2, realised, accuracy: 0.03, "α = \(alpha) fitted \(f.alpha) l0 \(f.level0) y0 \(y[0])")
        }
    }

    func testSeasonalRecoversAlphaGammaAndAICcPrefersSeasonal() {
        var rng = SplitMix64(seed: 12)
        let y = simulate(n: 3000, alpha: 0.2, gamma: 0.15, m: 7, season: [5, 3, 0, -1, 2, -4, -5], rng: &rng)
        let f = y.withUnsafeBufferPointer { fitETS($0, spec: ETSSpec(trend: .none, season: .additive), m: 7) }!
        XCTAssertEqual(f.alpha, 0.2, accuracy: 0.05)
        XCTAssertEqual(f.gamma, 0.15, accuracy: 0.06)
        let best = y.withUnsafeBufferPointer { Forecaster.bestETS($0, options: ForecastOptions(horizon: 7)) }!
        XCTAssertTrue(best.spec.hasSeason, "AICc chose \(best.spec)")
        XCTAssertNotEqual(best.spec.season, .multiplicative)
    }

    func testDampedTrendFitsTrendingSeries() {
        // y_t = 10 + 2t + noise: Holt's (damped) trend beats SES by AICc and extrapolates upwards.
        var rng = SplitMix64(seed: 13)
        let y = (0..<300).map { 10 + 2 * Double($0) + rng.normal() }
        let opts = ForecastOptions(horizon: 5, seasonLength: 1)
        let best = y.withUnsafeBufferPointer { Forecaster.bestETS($0, options: opts) }!
        XCTAssertEqual(best.spec.trend, .damped)
        let f = Forecaster.forecast(values: y, options: ForecastOptions(horizon: 5, seasonLength: 1, method: .etsAuto))
        XCTAssertEqual(f.forecast[0], 610, accuracy: 4)
        XCTAssertGreaterThan(f.forecast[4], f.forecast[0])
    }

    func testParameterConstraintsHold() {
        let series = simulatedDailyDemand(count: 20, days: 400, seed: 99, intermittentShare: 0)
        for s in series {
            for spec in ForecastOptions.defaultETSCandidates {
                guard let f = s.values.withUnsafeBufferPointer({ fitETS($0, spec: spec, m: 7) }) else { continue }
                XCTAssert(f.alpha > 0 && f.alpha < 1)
                if spec.hasTrend { XCTAssert(f.beta > 0 && f.beta < f.alpha) }
                if spec.hasSeason { XCTAssert(f.gamma > 0 && f.gamma < 1 - f.alpha) }
                if spec.trend == .damped { XCTAssert(f.phi >= 0.8 && f.phi <= 0.98) }
                XCTAssert(f.aicc.isFinite)
            }
        }
    }

    /// Share of actuals inside [p10, p90] over many simulated paths and all steps.
    func coverage(method: ForecastMethod, m: Int, paths: Int, seed: UInt64,
                  make: (inout SplitMix64, Int) -> [Double]) -> Double {
        var rng = SplitMix64(seed: seed)
        let n = 200, h = 8
        var inside = 0, total = 0
        for _ in 0..<paths {
            let y = make(&rng, n + h)
            let f = Forecaster.forecast(values: Array(y[0..<n]),
                                        options: ForecastOptions(horizon: h, seasonLength: m, method: method, nonNegative: false))
            let lo = f.quantile(0.1)!, hi = f.quantile(0.9)!
            for k in 0..<h {
                if y[n + k] >= lo[k] && y[n + k] <= hi[k] { inside += 1 }
                total += 1
            }
        }
        return Double(inside) / Double(total)
    }

    func testAnalyticIntervalsCoverNominalShare() {
        let c = coverage(method: .ets(.ses), m: 1, paths: 300, seed: 21) { rng, n in
            self.simulate(n: n, alpha: 0.3, rng: &rng)
        }
        XCTAssert(c > 0.72 && c < 0.88, "80% SES interval covered \(c)")
        let cs = coverage(method: .ets(ETSSpec(trend: .none, season: .additive)), m: 4, paths: 200, seed: 22) { rng, n in
            self.simulate(n: n, alpha: 0.2, gamma: 0.1, m: 4, season: [3, -1, 0, -2], rng: &rng)
        }
        XCTAssert(cs > 0.70 && cs < 0.90, "80% ETS(A,N,A) interval covered \(cs)")
    }

    func testEmpiricalIntervalsCoverNominalShare() {
        // Multiplicative season: intervals from in-sample h-step errors.
        let c = coverage(method: .ets(ETSSpec(trend: .none, season: .multiplicative)), m: 4, paths: 200, seed: 23) { rng, n in
            let s = [1.3, 0.9, 1.0, 0.8]
            var l = 50.0
            return (0..<n).map { t in
                let e = 2 * rng.normal()
                let v = l * s[t % 4] + e
                l += 0.2 * e / s[t % 4]
                return v
            }
        }
        XCTAssert(c > 0.68 && c < 0.92, "80% empirical interval covered \(c)")
    }
}

final class MultiplicativeErrorTests: XCTestCase {
    func testLikelihoodByHandAndSameRecursion() {
        // ETS(M,N,N), α = 0.5, ℓ0 = 1 on [1, 2, 3]: ŷ = 1, 1, 1.5; ε = (y − ŷ)/ŷ = 0, 1, 1
        // −2 log L = n log(Σε²/n) + 2 Σ log ŷ = 3 log(2/3) + 2 log 1.5 = −log 1.5
        let y: [Double] = [1, 2, 3]
        let s = UnsafeMutableBufferPointer<Double>.allocate(capacity: 1)
        defer { s.deallocate() }
        let v = y.withUnsafeBufferPointer { yb in
            [0.0].withUnsafeBufferPointer { s0 in
                etsSSE(yb, trend: .none, season: .none, m: 1, alpha: 0.5, beta: 0, gamma: 0, phi: 1,
                       level0: 1, trend0: 0, season0: s0, s: s, multiplicativeError: true)
            }
        }
        XCTAssertEqual(v, -log(1.5), accuracy: 1e-12)
        // The point recursion is the additive-error one: forecast 2.25 as for ETS(A,N,N).
        let f = ETSFit(spec: ETSSpec(error: .multiplicative, trend: .none, season: .none), m: 1, alpha: 0.5,
                       beta: 0, gamma: 0, phi: 1, level0: 1, trend0: 0, season0: [0], sse: 0, n: 3, aicc: 0, sigma2: 1)
        XCTAssertEqual(y.withUnsafeBufferPointer { f.rollingForecasts($0, origins: [3], h: 1) }, [2.25])
        XCTAssertNil(f.analyticVariances(h: 2))  // intervals are empirical
        XCTAssertEqual(ForecastMethod(name: "ETS(M,Ad,M)"), .ets(ETSSpec(error: .multiplicative, trend: .damped, season: .multiplicative)))
        XCTAssertEqual(ETSSpec(error: .multiplicative, trend: .damped, season: .none).description, "ETS(M,Ad,N)")
    }

    func testRecoversAlphaAndIsPreferredOnHeteroscedasticData() {
        // ETS(M,N,N): y = ℓ(1 + ε), ℓ ← ℓ(1 + αε), ε ~ N(0, 0.1²), α = 0.3.
        var rng = SplitMix64(seed: 51)
        var l = 100.0
        let y = (0..<2000).map { _ -> Double in
            let e = 0.1 * rng.normal()
            let v = l * (1 + e)
            l *= 1 + 0.3 * e
            return v
        }
        let m = y.withUnsafeBufferPointer { fitETS($0, spec: ETSSpec(error: .multiplicative, trend: .none, season: .none), m: 1) }!
        XCTAssertEqual(m.alpha, 0.3, accuracy: 0.05)
        let a = y.withUnsafeBufferPointer { fitETS($0, spec: .ses, m: 1) }!
        XCTAssertLessThan(m.aicc, a.aicc)
        var opts = ForecastOptions(horizon: 5, seasonLength: 1, method: .etsAuto)
        opts.etsCandidates = ForecastOptions.allETSCandidates
        XCTAssertTrue(Forecaster.forecast(values: y, options: opts).method.hasPrefix("ETS(M,"))
    }
}
