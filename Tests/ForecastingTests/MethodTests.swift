import XCTest
@testable import Forecasting

/// Each method against values computed by hand on short series.
final class MethodTests: XCTestCase {

    func etsFit(_ spec: ETSSpec, m: Int, alpha: Double, beta: Double = 0, gamma: Double = 0,
                phi: Double = 1, l0: Double, b0: Double = 0, s0: [Double] = [0]) -> ETSFit {
        ETSFit(spec: spec, m: m, alpha: alpha, beta: beta, gamma: gamma, phi: phi, level0: l0,
               trend0: b0, season0: s0, sse: 0, n: 0, aicc: 0, sigma2: 1)
    }

    func forecasts(_ f: ETSFit, _ y: [Double], h: Int) -> [Double] {
        y.withUnsafeBufferPointer { f.rollingForecasts($0, origins: [y.count], h: h) }
    }

    func sse(_ f: ETSFit, _ y: [Double]) -> Double {
        let s = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(f.m, 1))
        defer { s.deallocate() }
        return y.withUnsafeBufferPointer { yb in
            f.season0.withUnsafeBufferPointer { s0 in
                etsSSE(yb, trend: f.spec.trend, season: f.spec.season, m: f.m, alpha: f.alpha, beta: f.beta,
                       gamma: f.gamma, phi: f.phi, level0: f.level0, trend0: f.trend0, season0: s0, s: s)
            }
        }
    }

    func testSESByHand() {
        // SES, α = 0.5, ℓ0 = 1 on [1, 2, 3]:
        // t1: ŷ = 1,   e = 0,   ℓ = 1
        // t2: ŷ = 1,   e = 1,   ℓ = 1.5
        // t3: ŷ = 1.5, e = 1.5, ℓ = 2.25  → forecast 2.25 flat; SSE = 0 + 1 + 2.25 = 3.25
        let f = etsFit(.ses, m: 1, alpha: 0.5, l0: 1)
        XCTAssertEqual(forecasts(f, [1, 2, 3], h: 2), [2.25, 2.25])
        XCTAssertEqual(sse(f, [1, 2, 3]), 3.25, accuracy: 1e-12)
    }

    func testDampedHoltByHand() {
        // ETS(A,Ad,N), α = 0.5, β = 0.25, φ = 0.9, ℓ0 = 1, b0 = 1 on [2, 4]:
        // t1: φb = 0.9,    base = 1.9,    e = 0.1,    ℓ = 1.95,    b = 0.9 + 0.025 = 0.925
        // t2: φb = 0.8325, base = 2.7825, e = 1.2175, ℓ = 3.39125, b = 0.8325 + 0.304375 = 1.136875
        // ŷ(1) = 3.39125 + 0.9·1.136875 = 4.4144375; ŷ(2) = 3.39125 + 1.71·1.136875 = 5.33530625
        let f = etsFit(.holtDamped, m: 1, alpha: 0.5, beta: 0.25, phi: 0.9, l0: 1, b0: 1)
        let fc = forecasts(f, [2, 4], h: 2)
        XCTAssertEqual(fc[0], 4.4144375, accuracy: 1e-12)
        XCTAssertEqual(fc[1], 5.33530625, accuracy: 1e-12)
        XCTAssertEqual(sse(f, [2, 4]), 0.01 + 1.2175 * 1.2175, accuracy: 1e-12)
    }

    func testAdditiveSeasonByHand() {
        // ETS(A,N,A), m = 2, α = 0.5, γ = 0.5, ℓ0 = 10, s = [1, −1] on [12, 9, 13]:
        // t1: ŷ = 11,    e = 1,     ℓ = 10.5,   s0 = 1.5
        // t2: ŷ = 9.5,   e = −0.5,  ℓ = 10.25,  s1 = −1.25
        // t3: ŷ = 11.75, e = 1.25,  ℓ = 10.875, s0 = 2.125
        // ŷ(1) = 10.875 − 1.25 = 9.625; ŷ(2) = 10.875 + 2.125 = 13; SSE = 1 + 0.25 + 1.5625
        let f = etsFit(ETSSpec(trend: .none, season: .additive), m: 2, alpha: 0.5, gamma: 0.5,
                       l0: 10, s0: [1, -1])
        XCTAssertEqual(forecasts(f, [12, 9, 13], h: 3), [9.625, 13, 9.625])
        XCTAssertEqual(sse(f, [12, 9, 13]), 2.8125, accuracy: 1e-12)
    }

    func testMultiplicativeSeasonByHand() {
        // ETS(A,N,M), m = 2, α = 0.5, γ = 0.2, ℓ0 = 10, s = [1.2, 0.8] on [13, 8]:
        // t1: ŷ = 12,       e = 1,        ℓ = 10 + 0.5·1/1.2 = 10.41667,     s0 = 1.2 + 0.2·1/10 = 1.22
        // t2: ŷ = 8.33333,  e = −0.33333, ℓ = 10.41667 − 0.5·0.33333/0.8 = 10.20833,
        //     s1 = 0.8 − 0.2·0.33333/10.41667 = 0.7936
        // ŷ(1) = 10.20833·1.22 = 12.454167; ŷ(2) = 10.20833·0.7936 = 8.101333
        let f = etsFit(ETSSpec(trend: .none, season: .multiplicative), m: 2, alpha: 0.5, gamma: 0.2,
                       l0: 10, s0: [1.2, 0.8])
        let fc = forecasts(f, [13, 8], h: 2)
        XCTAssertEqual(fc[0], 10.208333333333334 * 1.22, accuracy: 1e-9)
        XCTAssertEqual(fc[1], 10.208333333333334 * 0.7936, accuracy: 1e-9)
    }

    func testBenchmarksByHand() {
        let y: [Double] = [1, 2, 3, 4, 5, 6, 7]
        func run(_ k: SimpleKind, h: Int) -> [Double] {
            y.withUnsafeBufferPointer { SimpleFit.fit($0, kind: k).rollingForecasts($0, origins: [7], h: h) }
        }
        XCTAssertEqual(run(.naive, h: 2), [7, 7])
        // Seasonal naive, m = 3: the last season [5, 6, 7] repeated.
        XCTAssertEqual(run(.seasonalNaive(m: 3), h: 4), [5, 6, 7, 5])
        // Moving average of the last 3: (5 + 6 + 7) / 3 = 6.
        XCTAssertEqual(run(.movingAverage(window: 3), h: 2), [6, 6])
        XCTAssertEqual(run(.mean, h: 1), [4])
        // Naive one-step errors are all 1 → σ² = 1, variance at h = σ² h.
        let fit = y.withUnsafeBufferPointer { SimpleFit.fit($0, kind: .naive) }
        XCTAssertEqual(fit.variances(h: 3, n: 7), [1, 2, 3])
        // Seasonal naive errors y_t − y_{t−3} = 3 → σ² = 9; variance 9·(⌊(h−1)/3⌋ + 1).
        let sfit = y.withUnsafeBufferPointer { SimpleFit.fit($0, kind: .seasonalNaive(m: 3)) }
        XCTAssertEqual(sfit.variances(h: 4, n: 7), [9, 9, 9, 18])
    }

    func testThetaByHand() {
        // SES α = 0.5, ℓ0 = 1 on [1, 2, 3, 4]: ℓ = 1, 1.5, 2.25, 3.125; drift b0/2 = 0.5.
        // tail = 1/α − (1 − α)^4/α = 2 − 0.125 = 1.875
        // ŷ(1) = 3.125 + 0.5·(0 + 1.875) = 4.0625; ŷ(2) = 3.125 + 0.5·(1 + 1.875) = 4.5625
        let f = ThetaFit(m: 1, alpha: 0.5, level0: 1, drift: 0.5, seasonal: nil, multiplicative: true, sigma2: 1)
        let y: [Double] = [1, 2, 3, 4]
        let fc = y.withUnsafeBufferPointer { f.rollingForecasts($0, origins: [4], h: 2) }
        XCTAssertEqual(fc[0], 4.0625, accuracy: 1e-12)
        XCTAssertEqual(fc[1], 4.5625, accuracy: 1e-12)
        // Fitted Theta on a straight line: drift is half the slope.
        let line = (0..<20).map { 3 + 2 * Double($0) }
        let fitted = line.withUnsafeBufferPointer { ThetaFit.fit($0, m: 1) }
        XCTAssertEqual(fitted.drift, 1, accuracy: 1e-9)
    }

    func testCrostonSBAAndTSBByHand() {
        // y = [0, 0, 6, 0, 2]: z0 = mean non-zero = 4, p0 = 5/2 = 2.5, α = 0.1.
        // t3 (y = 6, interval q = 3): z = 4 + 0.1·2 = 4.2,        p = 2.5 + 0.1·0.5 = 2.55
        // t5 (y = 2, interval q = 2): z = 4.2 + 0.1·(−2.2) = 3.98, p = 2.55 + 0.1·(−0.55) = 2.495
        // Croston = 3.98 / 2.495 = 1.5951903807615230; SBA = 0.95 × that.
        let y: [Double] = [0, 0, 6, 0, 2]
        let c = y.withUnsafeBufferPointer { CrostonFit.fit($0, variant: .classic) }
        let s = y.withUnsafeBufferPointer { CrostonFit.fit($0, variant: .sba) }
        let fc = y.withUnsafeBufferPointer { c.rollingForecasts($0, origins: [5], h: 2) }
        let fs = y.withUnsafeBufferPointer { s.rollingForecasts($0, origins: [5], h: 1) }
        XCTAssertEqual(fc[0], 3.98 / 2.495, accuracy: 1e-12)
        XCTAssertEqual(fc[1], fc[0])
        XCTAssertEqual(fs[0], 0.95 * 3.98 / 2.495, accuracy: 1e-12)
        // TSB with α = 0.1, β = 0.2, z0 = 4, π0 = 2/5 = 0.4:
        // π: 0.32, 0.256, (y=6) 0.256 + 0.2·0.744 = 0.4048, 0.32384, (y=2) 0.32384 + 0.2·0.67616 = 0.459072
        // z: 4.2 after y = 6, 3.98 after y = 2 → forecast 0.459072 · 3.98 = 1.82710656
        let t = CrostonFit(variant: .tsb, alpha: 0.1, beta: 0.2, z0: 4, p0: 0.4, sigma2: 0)
        let ft = y.withUnsafeBufferPointer { t.rollingForecasts($0, origins: [5], h: 1) }
        XCTAssertEqual(ft[0], 1.82710656, accuracy: 1e-12)
    }

    func testAnalyticVarianceByHand() {
        // ETS(A,N,N), α = 0.5, σ² = 1: v_h = 1 + (h − 1)·0.25 → [1, 1.25, 1.5]
        var f = etsFit(.ses, m: 1, alpha: 0.5, l0: 0)
        XCTAssertEqual(f.analyticVariances(h: 3)!, [1, 1.25, 1.5])
        // ETS(A,N,A), m = 2, α = 0.5, γ = 0.25: c1 = 0.5, c2 = 0.75 → [1, 1.25, 1.8125]
        f = etsFit(ETSSpec(trend: .none, season: .additive), m: 2, alpha: 0.5, gamma: 0.25, l0: 0, s0: [0, 0])
        XCTAssertEqual(f.analyticVariances(h: 3)!, [1, 1.25, 1.8125])
        // Multiplicative season: no analytic formula (empirical intervals instead).
        f.spec.season = .multiplicative
        XCTAssertNil(f.analyticVariances(h: 3))
    }

    func testNormalQuantileAndNelderMead() {
        XCTAssertEqual(normalQuantile(0.9), 1.2815515655446004, accuracy: 1e-8)
        XCTAssertEqual(normalQuantile(0.5), 0, accuracy: 1e-12)
        XCTAssertEqual(normalQuantile(0.01), -2.3263478740408408, accuracy: 1e-8)
        struct Rosenbrock: Objective {
            mutating func value(_ x: UnsafeBufferPointer<Double>) -> Double {
                (1 - x[0]) * (1 - x[0]) + 100 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0])
            }
        }
        var r = Rosenbrock()
        let m = nelderMead(&r, start: [-1, 1.5], lower: [-2, -2], upper: [2, 2], tolerance: 1e-14, maxEvaluations: 2000)
        XCTAssertEqual(m.x[0], 1, accuracy: 1e-3)
        XCTAssertEqual(m.x[1], 1, accuracy: 2e-3)
        // Bounded: the minimum at x = 3 is outside [0, 2], so the optimiser stops at the bound.
        struct Shifted: Objective {
            mutating func value(_ x: UnsafeBufferPointer<Double>) -> Double { (x[0] - 3) * (x[0] - 3) }
        }
        var s = Shifted()
        let b = nelderMead(&s, start: [1], lower: [0], upper: [2])
        XCTAssertEqual(b.x[0], 2, accuracy: 1e-9)
    }
}

final class AutoregressionTests: XCTestCase {
    func testARForecastByHand() {
        // AR(1): y_t = 1 + 0.5 y_{t−1}; from y_n = 4: 1 + 2 = 3, then 1 + 1.5 = 2.5, then 2.25.
        let f = ARFit(intercept: 1, coefficients: [0.5], sigma2: 1, lower: -100, upper: 100)
        let y: [Double] = [2, 3, 4]
        XCTAssertEqual(y.withUnsafeBufferPointer { f.rollingForecasts($0, origins: [3], h: 3) }, [3, 2.5, 2.25])
        // ψ weights 1, 0.5, 0.25 → variances 1, 1.25, 1.3125.
        XCTAssertEqual(f.variances(h: 3), [1, 1.25, 1.3125])
    }

    func testARRecoversCoefficients() {
        var rng = SplitMix64(seed: 41)
        var y: [Double] = [0, 0]
        for _ in 0..<3000 { y.append(2 + 0.6 * y[y.count - 1] - 0.3 * y[y.count - 2] + rng.normal()) }
        let f = y.withUnsafeBufferPointer { ARFit.fit($0, m: 1) }!
        XCTAssertGreaterThanOrEqual(f.coefficients.count, 2)
        XCTAssertEqual(f.coefficients[0], 0.6, accuracy: 0.05)
        XCTAssertEqual(f.coefficients[1], -0.3, accuracy: 0.05)
        XCTAssertEqual(f.intercept / (1 - f.coefficients.reduce(0, +)), 2 / 0.7, accuracy: 0.1)
    }
}
