// Forecasting — benchmark methods (naive, seasonal naive, moving average, mean), the Theta
// method, and Croston / SBA / TSB for intermittent demand.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Benchmark methods with closed forms.
///
/// - naive: ŷ_{t+h} = y_t, variance σ² h (random walk).
/// - seasonal naive: ŷ_{t+h} = y_{t+h−m·k}, k = ⌊(h−1)/m⌋+1, variance σ² k.
/// - moving average of the last `window` points: flat, variance σ² (1 + 1/window).
/// - mean of all points: flat, variance σ² (1 + 1/n).
/// σ² is the mean squared one-step error of the method over the history.
enum SimpleKind: Sendable, Hashable {
    case naive
    case seasonalNaive(m: Int)
    case movingAverage(window: Int)
    case mean
}

struct SimpleFit: Sendable {
    var kind: SimpleKind
    var sigma2: Double

    static func fit(_ y: UnsafeBufferPointer<Double>, kind: SimpleKind) -> SimpleFit {
        let n = y.count
        var sum = 0.0, count = 0
        switch kind {
        case .naive:
            for t in 1..<max(n, 1) { let e = y[t] - y[t - 1]; sum += e * e; count += 1 }
        case .seasonalNaive(let m):
            for t in m..<max(n, m) { let e = y[t] - y[t - m]; sum += e * e; count += 1 }
        case .movingAverage(let w):
            var window = 0.0
            for t in 0..<n {
                if t >= w { let e = y[t] - window / Double(w); sum += e * e; count += 1 }
                window += y[t]; if t >= w { window -= y[t - w] }
            }
        case .mean:
            var mean = 0.0
            for v in y { mean += v }
            mean /= Double(max(n, 1))
            for v in y { sum += (v - mean) * (v - mean); count += 1 }
        }
        return SimpleFit(kind: kind, sigma2: count > 0 ? sum / Double(count) : 0)
    }

    /// Forecasts at each origin o (forecasts y[o..<o+h] from y[0..<o]); see `ETSFit`.
    func rollingForecasts(_ y: UnsafeBufferPointer<Double>, origins: [Int], h: Int) -> [Double] {
        var out = [Double](repeating: 0, count: origins.count * h)
        for (r, o) in origins.enumerated() {
            let o = min(o, y.count)
            guard o > 0 else { continue }
            switch kind {
            case .naive:
                for k in 0..<h { out[r * h + k] = y[o - 1] }
            case .seasonalNaive(let m):
                if o < m {
                    for k in 0..<h { out[r * h + k] = y[o - 1] }
                } else {
                    for k in 0..<h { out[r * h + k] = y[o - m + (k % m)] }
                }
            case .movingAverage(let w):
                let w = min(w, o)
                var s = 0.0
                for t in (o - w)..<o { s += y[t] }
                for k in 0..<h { out[r * h + k] = s / Double(w) }
            case .mean:
                var s = 0.0
                for t in 0..<o { s += y[t] }
                for k in 0..<h { out[r * h + k] = s / Double(o) }
            }
        }
        return out
    }

    func variances(h: Int, n: Int) -> [Double] {
        (0..<h).map { k in
            switch kind {
            case .naive: sigma2 * Double(k + 1)
            case .seasonalNaive(let m): sigma2 * Double(k / m + 1)
            case .movingAverage(let w): sigma2 * (1 + 1 / Double(w))
            case .mean: sigma2 * (1 + 1 / Double(max(n, 1)))
            }
        }
    }
}

/// Simple exponential smoothing fitted by least squares over (α, ℓ0) — the building
/// block of the Theta method.
struct SESObjective: Objective {
    let y: UnsafeBufferPointer<Double>
    mutating func value(_ x: UnsafeBufferPointer<Double>) -> Double {
        let alpha = x[0]
        var l = x[1], sse = 0.0
        for t in 0..<y.count { let e = y[t] - l; sse += e * e; l += alpha * e }
        return sse
    }
}

/// The standard Theta method (Assimakopoulos & Nikolopoulos 2000) in the form of
/// Hyndman & Billah (2003): simple exponential smoothing plus half the slope b0 of the
/// least-squares line through the (seasonally adjusted) history:
///
///   ŷ_t(h) = ℓ_t + (b0 / 2) · (h − 1 + 1/α − (1 − α)^t / α)
///
/// When the ACF test finds seasonality at lag m (90% level), the series is first divided
/// by classical multiplicative seasonal indices (subtracted additively when it has
/// non-positive values), and the forecasts are reseasonalised.
struct ThetaFit: Sendable {
    var m: Int
    var alpha: Double
    var level0: Double
    var drift: Double  // b0 / 2
    var seasonal: [Double]?  // indices by t % m
    var multiplicative: Bool
    var sigma2: Double

    static func fit(_ y: UnsafeBufferPointer<Double>, m: Int) -> ThetaFit {
        let n = y.count
        var seasonal: [Double]? = nil
        var multiplicative = true
        for v in y where !(v > 0) { multiplicative = false; break }
        if m > 1 && isSeasonal(y, m: m) {
            seasonal = classicalSeasonalIndices(y, m: m, count: n, multiplicative: multiplicative)
        }
        var x = [Double](repeating: 0, count: n)
        for t in 0..<n { x[t] = deseason(y[t], t: t, seasonal, multiplicative) }
        return x.withUnsafeBufferPointer { xb -> ThetaFit in
            let line = linearFit(xb)
            var f = SESObjective(y: xb)
            var lo = xb.first ?? 0, hi = lo
            for v in xb { lo = min(lo, v); hi = max(hi, v) }
            let range = max(hi - lo, 1e-9)
            let start0 = xb.first ?? 0
            let best = nelderMead(&f, start: [0.3, start0], lower: [1e-4, start0 - range],
                                  upper: [0.9999, start0 + range], maxEvaluations: 150)
            let fit = ThetaFit(m: m, alpha: best.x[0], level0: best.x[1], drift: line.slope / 2,
                               seasonal: seasonal, multiplicative: multiplicative,
                               sigma2: best.value / Double(max(n - 2, 1)))
            return fit
        }
    }

    @inline(__always)
    static func deseason(_ v: Double, t: Int, _ s: [Double]?, _ mult: Bool) -> Double {
        guard let s else { return v }
        return mult ? v / s[t % s.count] : v - s[t % s.count]
    }
    @inline(__always)
    static func reseason(_ v: Double, t: Int, _ s: [Double]?, _ mult: Bool) -> Double {
        guard let s else { return v }
        return mult ? v * s[t % s.count] : v + s[t % s.count]
    }

    func rollingForecasts(_ y: UnsafeBufferPointer<Double>, origins: [Int], h: Int) -> [Double] {
        var out = [Double](repeating: 0, count: origins.count * h)
        var l = level0, t = 0
        for (r, o) in origins.enumerated() {
            while t < o && t < y.count {
                let x = Self.deseason(y[t], t: t, seasonal, multiplicative)
                l += alpha * (x - l); t += 1
            }
            let tail = (1 / alpha) - pow(1 - alpha, Double(t)) / alpha
            for k in 0..<h {
                let xf = l + drift * (Double(k) + tail)
                out[r * h + k] = Self.reseason(xf, t: o + k, seasonal, multiplicative)
            }
        }
        return out
    }

    /// SES variances σ² (1 + (h − 1) α²), rescaled by the seasonal index when multiplicative.
    func variances(h: Int, origin: Int) -> [Double] {
        (0..<h).map { k in
            var v = sigma2 * (1 + Double(k) * alpha * alpha)
            if let s = seasonal, multiplicative { let f = s[(origin + k) % s.count]; v *= f * f }
            return v
        }
    }
}

/// Croston-type methods for intermittent demand.
///
/// - Croston (1972): smooth the non-zero demand sizes z and the intervals p between
///   them with the same α (0.1), updating only in periods with demand; forecast z / p.
/// - SBA (Syntetos & Boylan 2005): Croston's forecast × (1 − α/2), removing its bias.
/// - TSB (Teunter, Syntetos & Babai 2011): smooth the demand probability π every period
///   (π ← π + β(1[y>0] − π)) and the size z when demand occurs (α); forecast π · z. TSB's
///   (α, β) are chosen by least squares on a grid {0.05, 0.1, 0.2, 0.3}².
/// Initial states: z0 = mean non-zero demand, p0 = mean interval, π0 = share of non-zeros.
public enum CrostonVariant: Sendable, Hashable { case classic, sba, tsb }

struct CrostonFit: Sendable {
    var variant: CrostonVariant
    var alpha: Double
    var beta: Double
    var z0: Double
    var p0: Double
    var sigma2: Double

    static func fit(_ y: UnsafeBufferPointer<Double>, variant: CrostonVariant) -> CrostonFit {
        var nz = 0, sum = 0.0
        for v in y where v > 0 { nz += 1; sum += v }
        let z0 = nz > 0 ? sum / Double(nz) : 0
        let p0 = nz > 0 ? Double(y.count) / Double(nz) : 1
        var fit = CrostonFit(variant: variant, alpha: 0.1, beta: 0.1, z0: z0,
                             p0: variant == .tsb ? 1 / p0 : p0, sigma2: 0)
        if variant == .tsb {
            let grid = [0.05, 0.1, 0.2, 0.3]
            var best = Double.infinity
            for a in grid { for b in grid {
                var trial = fit; trial.alpha = a; trial.beta = b
                let sse = trial.oneStepSSE(y)
                if sse < best { best = sse; fit = trial }
            } }
        }
        fit.sigma2 = fit.oneStepSSE(y) / Double(max(y.count - 1, 1))
        return fit
    }

    @inline(__always) func point(z: Double, p: Double) -> Double {
        switch variant {
        case .classic: p > 0 ? z / p : 0
        case .sba: p > 0 ? (1 - alpha / 2) * z / p : 0
        case .tsb: p * z
        }
    }

    func oneStepSSE(_ y: UnsafeBufferPointer<Double>) -> Double {
        var z = z0, p = p0, q = 1.0, sse = 0.0
        for t in 0..<y.count {
            let e = y[t] - point(z: z, p: p); sse += e * e
            update(&z, &p, &q, y[t])
        }
        return sse
    }

    @inline(__always) func update(_ z: inout Double, _ p: inout Double, _ q: inout Double, _ v: Double) {
        switch variant {
        case .classic, .sba:
            if v > 0 { z += alpha * (v - z); p += alpha * (q - p); q = 1 } else { q += 1 }
        case .tsb:
            if v > 0 { z += alpha * (v - z); p += beta * (1 - p) } else { p -= beta * p }
        }
    }

    func rollingForecasts(_ y: UnsafeBufferPointer<Double>, origins: [Int], h: Int) -> [Double] {
        var out = [Double](repeating: 0, count: origins.count * h)
        var z = z0, p = p0, q = 1.0, t = 0
        for (r, o) in origins.enumerated() {
            while t < o && t < y.count { update(&z, &p, &q, y[t]); t += 1 }
            let f = point(z: z, p: p)
            for k in 0..<h { out[r * h + k] = f }
        }
        return out
    }
}

/// Autoregression AR(p) with intercept, y_t = c + Σ_{i=1..p} φ_i y_{t−i} + e_t, fitted by
/// least squares on a common sample (t ≥ p_max), p ∈ 1…p_max chosen by AIC,
/// p_max = min(max(12, m + 1), n / 5). Captures cycles (e.g. sunspots) that exponential
/// smoothing cannot. Forecasts are recursive and clamped to the history's range widened by
/// one range on each side (an explosive fit cannot run away).
struct ARFit: Sendable {
    var intercept: Double
    var coefficients: [Double]  // φ_1 … φ_p
    var sigma2: Double
    var lower: Double, upper: Double

    static func fit(_ y: UnsafeBufferPointer<Double>, m: Int) -> ARFit? {
        let n = y.count
        let pmax = min(max(12, m + 1), n / 5)
        guard pmax >= 1, n - pmax >= 2 * (pmax + 1) else { return nil }
        let d = pmax + 1
        var g = [Double](repeating: 0, count: d * d), xy = [Double](repeating: 0, count: d)
        var yy = 0.0
        var row = [Double](repeating: 1, count: d)
        for t in pmax..<n {
            for i in 1...pmax { row[i] = y[t - i] }
            let v = y[t]
            yy += v * v
            for i in 0..<d {
                xy[i] += row[i] * v
                for j in i..<d { g[i * d + j] += row[i] * row[j] }
            }
        }
        for i in 0..<d { for j in 0..<i { g[i * d + j] = g[j * d + i] } }
        let count = Double(n - pmax)
        var best: (aic: Double, beta: [Double], sse: Double)? = nil
        for p in 1...pmax {
            let k = p + 1
            var a = [Double](repeating: 0, count: k * k)
            for i in 0..<k { for j in 0..<k { a[i * k + j] = g[i * d + j] } }
            for i in 0..<k { a[i * k + i] += 1e-10 * (a[i * k + i] + 1) }
            guard let beta = solveSymmetric(a, Array(xy[0..<k]), k) else { continue }
            var sse = yy
            for i in 0..<k { sse -= beta[i] * xy[i] }
            sse = max(sse, 1e-12 * (yy + 1))
            let aic = count * log(sse / count) + 2 * Double(k)
            if best == nil || aic < best!.aic { best = (aic, beta, sse) }
        }
        guard let b = best else { return nil }
        var lo = Double.infinity, hi = -Double.infinity
        for v in y { lo = min(lo, v); hi = max(hi, v) }
        let range = max(hi - lo, 1e-9)
        return ARFit(intercept: b.beta[0], coefficients: Array(b.beta[1...]),
                     sigma2: b.sse / max(count - Double(b.beta.count), 1),
                     lower: lo - range, upper: hi + range)
    }

    var name: String { "AR(\(coefficients.count))" }

    func rollingForecasts(_ y: UnsafeBufferPointer<Double>, origins: [Int], h: Int) -> [Double] {
        let p = coefficients.count
        var out = [Double](repeating: 0, count: origins.count * h)
        var buf = [Double](repeating: 0, count: p + h)
        for (r, o) in origins.enumerated() {
            let o = min(o, y.count)
            // buf[0..<p] = the p values before the origin (oldest first), padded with the first value.
            for i in 0..<p { let t = o - p + i; buf[i] = t >= 0 ? y[t] : (o > 0 ? y[0] : 0) }
            for k in 0..<h {
                var f = intercept
                for i in 0..<p { f += coefficients[i] * buf[p + k - 1 - i] }
                f = min(max(f, lower), upper)
                buf[p + k] = f
                out[r * h + k] = f
            }
        }
        return out
    }

    /// h-step variances σ² Σ_{j<h} ψ_j² from the MA(∞) weights ψ of the AR polynomial.
    func variances(h: Int) -> [Double] {
        let p = coefficients.count
        var psi = [Double](repeating: 0, count: h)
        var out = [Double](repeating: 0, count: h)
        var acc = 0.0
        for j in 0..<h {
            if j == 0 { psi[0] = 1 } else {
                var s = 0.0
                for i in 1...min(j, p) { s += coefficients[i - 1] * psi[j - i] }
                psi[j] = s
            }
            acc += psi[j] * psi[j]
            out[j] = sigma2 * min(acc, 1e12)
        }
        return out
    }
}
