// Forecasting — exponential smoothing in the ETS family with additive errors.
//
// State-space form (Hyndman, Koehler, Ord & Snyder 2008, ch. 2), additive errors:
//
//   base_t  = ℓ_{t-1} + φ b_{t-1}                  (φ = 1 undamped, b ≡ 0 without trend)
//   ŷ_t     = base_t + s_{t-m}   or   base_t · s_{t-m}   (additive / multiplicative season)
//   e_t     = y_t − ŷ_t
//   ℓ_t     = base_t + α e_t                        (÷ s_{t-m} when the season is multiplicative)
//   b_t     = φ b_{t-1} + β e_t                     (÷ s_{t-m} when multiplicative)
//   s_t     = s_{t-m} + γ e_t                       (÷ base_t when multiplicative)
//
// Parameters are fitted by least squares (= Gaussian maximum likelihood for additive
// errors) with the bounded Nelder–Mead in `NelderMead.swift`, in a box parameterisation
// that enforces 0 < α < 1, 0 < β < α, 0 < γ < 1 − α and 0.8 ≤ φ ≤ 0.98:
// β = β*·α, γ = γ*·(1 − α) with α, β*, γ* ∈ [1e-4, 0.9999].
// Initial seasonal states come from a classical decomposition of the first seasons,
// the initial level and trend from a line through the first max(10, 2m) seasonally
// adjusted points; the initial level is then refined by the optimiser.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Error component of an ETS model.
public enum ErrorKind: Sendable, Hashable { case additive, multiplicative }
/// Trend component of an ETS model.
public enum TrendKind: Sendable, Hashable { case none, additive, damped }
/// Seasonal component of an ETS model.
public enum SeasonKind: Sendable, Hashable { case none, additive, multiplicative }

/// One ETS model, e.g. `ETSSpec(trend: .damped, season: .additive)` is ETS(A,Ad,A)
/// (Holt–Winters with damped trend) and `ETSSpec(error: .multiplicative, trend: .damped,
/// season: .multiplicative)` ETS(M,Ad,M).
///
/// Multiplicative errors change the likelihood (relative errors, heteroscedastic) and so the
/// fitted parameters and the intervals, not the point recursions: in error-correction form
/// the state updates of ETS(M,·,·) equal those of ETS(A,·,·) (Hyndman et al. 2008, table 2.1).
public struct ETSSpec: Sendable, Hashable, CustomStringConvertible {
    public var error: ErrorKind
    public var trend: TrendKind
    public var season: SeasonKind
    public init(error: ErrorKind = .additive, trend: TrendKind, season: SeasonKind) {
        self.error = error; self.trend = trend; self.season = season
    }

    /// Name in Hyndman's notation, e.g. `ETS(A,Ad,M)`.
    public var description: String {
        let t: String = switch trend { case .none: "N"; case .additive: "A"; case .damped: "Ad" }
        let s: String = switch season { case .none: "N"; case .additive: "A"; case .multiplicative: "M" }
        return "ETS(\(error == .additive ? "A" : "M"),\(t),\(s))"
    }
    /// Simple exponential smoothing, ETS(A,N,N).
    public static let ses = ETSSpec(trend: .none, season: .none)
    /// Holt's linear method with damped trend, ETS(A,Ad,N).
    public static let holtDamped = ETSSpec(trend: .damped, season: .none)
    /// Holt–Winters additive, ETS(A,A,A).
    public static let holtWintersAdditive = ETSSpec(trend: .additive, season: .additive)
    /// Holt–Winters multiplicative, ETS(A,A,M).
    public static let holtWintersMultiplicative = ETSSpec(trend: .additive, season: .multiplicative)

    /// Whether the analytic h-step variance (class 1: linear, additive everything) applies.
    var isLinear: Bool { season != .multiplicative && error == .additive }
    var hasTrend: Bool { trend != .none }
    var hasSeason: Bool { season != .none }
}

/// A fitted ETS model: parameters, initial states and fit statistics.
public struct ETSFit: Sendable {
    public var spec: ETSSpec
    /// Season length (periods); 1 for non-seasonal models.
    public var m: Int
    public var alpha: Double, beta: Double, gamma: Double, phi: Double
    /// Initial level and trend (at time 0, before the first observation).
    public var level0: Double, trend0: Double
    /// Initial seasonal states; index j applies to observations t with t % m == j.
    public var season0: [Double]
    /// Sum of squared one-step errors over the fitted history.
    public var sse: Double
    /// Number of observations fitted.
    public var n: Int
    /// Corrected Akaike information criterion (Gaussian likelihood, additive errors).
    public var aicc: Double
    /// Residual variance σ² = SSE / (n − k) of the one-step errors.
    public var sigma2: Double
}

/// The recursion, written once and used both for the SSE (fitting) and for filtering.
/// `s` is a scratch buffer of m seasonal states, overwritten. Returns the SSE, or
/// `.infinity` when the recursion leaves the admissible region (non-finite, or a
/// non-positive base/season with multiplicative seasonality).
@inline(__always)
func etsSSE(_ y: UnsafeBufferPointer<Double>, trend: TrendKind, season: SeasonKind, m: Int,
            alpha: Double, beta: Double, gamma: Double, phi: Double,
            level0: Double, trend0: Double, season0: UnsafeBufferPointer<Double>,
            s: UnsafeMutableBufferPointer<Double>,
            residuals: UnsafeMutablePointer<Double>? = nil, multiplicativeError: Bool = false) -> Double {
    let mm = max(m, 1)
    for j in 0..<mm { s[j] = season == SeasonKind.none ? 0 : season0[j] }
    var l = level0, b = trend == TrendKind.none ? 0 : trend0
    let ph = trend == .damped ? phi : (trend == .additive ? 1 : 0)
    // Σ log ŷ accumulated as a running product, taking a log only when it nears the range
    // limits (one log per ~50 steps instead of one per step).
    var sse = 0.0, logSum = 0.0, logProduct = 1.0
    var j = 0
    let n = y.count
    switch season {
    case .none:
        for t in 0..<n {
            let tb = ph * b, base = l + tb
            let e = y[t] - base
            if multiplicativeError {
                let yhat = y[t] - e
                guard yhat > 1e-12 else { return .infinity }
                let r = e / yhat
                sse += r * r; logProduct *= yhat
                if logProduct > 1e100 || logProduct < 1e-100 { logSum += log(logProduct); logProduct = 1 }
            } else {
                sse += e * e
            }
            if let residuals { residuals[t] = e }
            l = base + alpha * e
            b = tb + beta * e
        }
    case .additive:
        for t in 0..<n {
            let tb = ph * b, base = l + tb, st = s[j]
            let e = y[t] - (base + st)
            if multiplicativeError {
                let yhat = y[t] - e
                guard yhat > 1e-12 else { return .infinity }
                let r = e / yhat
                sse += r * r; logProduct *= yhat
                if logProduct > 1e100 || logProduct < 1e-100 { logSum += log(logProduct); logProduct = 1 }
            } else {
                sse += e * e
            }
            if let residuals { residuals[t] = e }
            l = base + alpha * e
            b = tb + beta * e
            s[j] = st + gamma * e
            j += 1; if j == mm { j = 0 }
        }
    case .multiplicative:
        for t in 0..<n {
            let tb = ph * b, base = l + tb, st = s[j]
            if !(base > 0) || !(st > 1e-6) { return .infinity }
            let e = y[t] - base * st
            if multiplicativeError {
                let yhat = y[t] - e
                guard yhat > 1e-12 else { return .infinity }
                let r = e / yhat
                sse += r * r; logProduct *= yhat
                if logProduct > 1e100 || logProduct < 1e-100 { logSum += log(logProduct); logProduct = 1 }
            } else {
                sse += e * e
            }
            if let residuals { residuals[t] = e }
            let es = e / st
            l = base + alpha * es
            b = tb + beta * es
            s[j] = st + gamma * e / base
            j += 1; if j == mm { j = 0 }
        }
    }
    if multiplicativeError {
        logSum += log(logProduct)
        // −2 log L up to a constant: n log(Σ ε²/n) + 2 Σ log ŷ, with ε = (y − ŷ)/ŷ.
        let dn = Double(max(n, 1))
        let v = dn * log(max(sse, 1e-300) / dn) + 2 * logSum
        return v.isFinite ? v : .infinity
    }
    return sse.isFinite ? sse : .infinity
}

/// The least-squares objective over the free parameters [α, β*, γ*, φ, ℓ0] (subset by spec).
struct ETSObjective: Objective {
    let y: UnsafeBufferPointer<Double>
    let spec: ETSSpec
    let m: Int
    let trend0: Double
    let season0: UnsafeBufferPointer<Double>
    let scratch: UnsafeMutableBufferPointer<Double>
    let fixedLevel0: Double
    let optimiseLevel: Bool

    /// Decodes a parameter vector into (α, β, γ, φ, ℓ0).
    @inline(__always)
    func decode(_ x: UnsafeBufferPointer<Double>) -> (Double, Double, Double, Double, Double) {
        var i = 0
        let alpha = x[i]; i += 1
        var beta = 0.0, gamma = 0.0, phi = 1.0
        if spec.hasTrend { beta = x[i] * alpha; i += 1 }
        if spec.hasSeason { gamma = x[i] * (1 - alpha); i += 1 }
        if spec.trend == .damped { phi = x[i]; i += 1 }
        let l0 = optimiseLevel ? x[i] : fixedLevel0
        return (alpha, beta, gamma, phi, l0)
    }

    mutating func value(_ x: UnsafeBufferPointer<Double>) -> Double {
        let (a, b, g, p, l0) = decode(x)
        return etsSSE(y, trend: spec.trend, season: spec.season, m: m, alpha: a, beta: b, gamma: g,
                      phi: p, level0: l0, trend0: trend0, season0: season0, s: scratch,
                      multiplicativeError: spec.error == .multiplicative)
    }
}

/// Heuristic initial states (classical decomposition, Hyndman et al. 2008 §2.6.1).
func etsInitialStates(_ y: UnsafeBufferPointer<Double>, spec: ETSSpec, m: Int)
    -> (level: Double, trend: Double, season: [Double]) {
    let n = y.count
    var season = [Double](repeating: spec.season == .multiplicative ? 1 : 0, count: max(m, 1))
    if spec.hasSeason && m > 1 && n >= 2 * m {
        let seasons = min(n / m, m < 12 ? 8 : 4)
        season = classicalSeasonalIndices(y, m: m, count: seasons * m,
                                          multiplicative: spec.season == .multiplicative)
    }
    let k = min(n, max(10, 2 * m))
    var adj = [Double](repeating: 0, count: k)
    for t in 0..<k {
        switch spec.season {
        case .none: adj[t] = y[t]
        case .additive: adj[t] = y[t] - season[t % max(m, 1)]
        case .multiplicative: adj[t] = y[t] / season[t % max(m, 1)]
        }
    }
    let line = adj.withUnsafeBufferPointer { linearFit($0) }
    if spec.hasTrend { return (line.intercept, line.slope, season) }
    let mean = adj.reduce(0, +) / Double(max(k, 1))
    return (mean, 0, season)
}

/// Number of estimated quantities counted by AICc: smoothing parameters, φ, initial
/// states (ℓ0, b0, m − 1 free seasonal states) and σ.
func etsParameterCount(_ spec: ETSSpec, m: Int) -> Int {
    var k = 2  // α, ℓ0
    if spec.hasTrend { k += 2 }  // β, b0
    if spec.trend == .damped { k += 1 }
    if spec.hasSeason { k += 1 + (m - 1) }  // γ, seasonal states
    return k + 1  // σ
}

/// Fits one ETS model to `y` by least squares.
///
/// With `refineInitialStates` (default: when n ≤ 40·m, i.e. when the start still matters),
/// the heuristic initial states are replaced by their least-squares values for the fitted
/// smoothing parameters (`refineStates`) and the parameters are searched once more.
///
/// Returns nil when the model does not apply: too few points for the parameter count,
/// or a multiplicative season with non-positive data.
///
///     let fit = y.withUnsafeBufferPointer { fitETS($0, spec: .ses, m: 1) }
///
/// - Complexity: O(maxEvaluations · n) time, O(m) extra memory allocated once per fit.
public func fitETS(_ y: UnsafeBufferPointer<Double>, spec: ETSSpec, m: Int,
                   maxEvaluations: Int = 250, refineInitialStates: Bool? = nil) -> ETSFit? {
    let n = y.count
    let m = spec.hasSeason ? m : 1
    if spec.hasSeason && (m < 2 || n < 2 * m) { return nil }
    let k = etsParameterCount(spec, m: m)
    if n < max(4, k + 2) { return nil }
    if spec.season == .multiplicative {
        for v in y where !(v > 0) { return nil }
    }
    let initial = etsInitialStates(y, spec: spec, m: m)
    var lo = 0.0, hi = 0.0
    for v in y { lo = min(lo, v); hi = max(hi, v) }
    let range = max(hi - lo, 1e-9)
    var start: [Double] = [0.2], lower: [Double] = [1e-4], upper: [Double] = [0.9999]
    // Initial states matter on short histories and are forgotten on long ones.
    let refineInitialStates = refineInitialStates ?? (n <= 40 * max(m, 1))
    if spec.hasTrend { start.append(0.1); lower.append(1e-4); upper.append(0.9999) }
    if spec.hasSeason { start.append(0.1); lower.append(1e-4); upper.append(0.9999) }
    if spec.trend == .damped { start.append(0.95); lower.append(0.8); upper.append(0.98) }
    let optimiseLevel = true
    start.append(initial.level)
    lower.append(initial.level - 0.5 * range); upper.append(initial.level + 0.5 * range)

    let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(m, 1))
    defer { scratch.deallocate() }
    var refined: StateVector? = nil
    return initial.season.withUnsafeBufferPointer { s0 -> ETSFit? in
        var objective = ETSObjective(y: y, spec: spec, m: m, trend0: initial.trend, season0: s0,
                                     scratch: scratch, fixedLevel0: initial.level,
                                     optimiseLevel: optimiseLevel)
        var best = nelderMead(&objective, start: start, lower: lower, upper: upper,
                              maxEvaluations: maxEvaluations * start.count / 3 + 60)
        if refineInitialStates && best.value.isFinite && (spec.hasTrend || spec.hasSeason) {
            // Least-squares initial states for the fitted smoothing parameters, then one more
            // (shorter) parameter search from the previous optimum with those states.
            var states = StateVector(level: best.x[start.count - 1], trend: initial.trend, season: initial.season)
            let params = best.x.withUnsafeBufferPointer { objective.decode($0) }
            if refineStates(y, spec: spec, m: m, params: params, states: &states, sse: best.value, scratch: scratch) {
                var start2 = best.x
                start2[start2.count - 1] = states.level
                lower[lower.count - 1] = states.level - 0.5 * range
                upper[upper.count - 1] = states.level + 0.5 * range
                let second: Minimum = states.season.withUnsafeBufferPointer { s1 in
                    var o2 = ETSObjective(y: y, spec: spec, m: m, trend0: states.trend, season0: s1,
                                          scratch: scratch, fixedLevel0: states.level, optimiseLevel: true)
                    return nelderMead(&o2, start: start2, lower: lower, upper: upper,
                                      maxEvaluations: maxEvaluations * start.count / 6 + 30)
                }
                if second.value < best.value {
                    best = second
                    refined = states
                }
            }
        }
        guard best.value.isFinite else { return nil }
        let (a, b, g, p, l0) = best.x.withUnsafeBufferPointer { objective.decode($0) }
        let dn = Double(n)
        let trend0 = spec.hasTrend ? (refined?.trend ?? initial.trend) : 0
        let season0 = refined?.season ?? initial.season
        // Sum of squared (absolute) one-step errors; for multiplicative errors the optimiser's
        // value is −2 log L instead, so run the recursion once more.
        var sse = best.value
        if spec.error == .multiplicative {
            sse = season0.withUnsafeBufferPointer {
                etsSSE(y, trend: spec.trend, season: spec.season, m: m, alpha: a, beta: b, gamma: g,
                       phi: p, level0: l0, trend0: trend0, season0: $0, s: scratch)
            }
        }
        let minus2LogL = spec.error == .multiplicative ? best.value : dn * log(max(sse, 1e-12 * dn) / dn)
        let aicc: Double = n - k - 1 > 0
            ? minus2LogL + 2 * Double(k) + 2 * Double(k * (k + 1)) / Double(n - k - 1)
            : .infinity
        guard sse.isFinite, aicc.isFinite || n - k - 1 <= 0 else { return nil }
        return ETSFit(spec: spec, m: m, alpha: a, beta: b, gamma: g, phi: p,
                      level0: l0, trend0: trend0, season0: season0,
                      sse: sse, n: n, aicc: aicc, sigma2: sse / Double(max(n - k + 1, 1)))
    }
}

/// Initial states (ℓ0, b0, s0).
struct StateVector {
    var level: Double
    var trend: Double
    var season: [Double]
}

/// One Gauss–Newton step on the initial states for fixed smoothing parameters: the
/// one-step errors are linear in the initial states for additive models (nearly so for a
/// multiplicative season), so the least-squares states come from a small normal-equation
/// solve (dimension ≤ m + 1) with a Jacobian by finite differences (m + 1 extra passes).
/// Seasonal directions keep the seasonal states summing to 0 (additive) or m (multiplicative).
/// Returns true and updates `states` when the SSE decreases.
func refineStates(_ y: UnsafeBufferPointer<Double>, spec: ETSSpec, m: Int,
                  params: (Double, Double, Double, Double, Double), states: inout StateVector,
                  sse: Double, scratch: UnsafeMutableBufferPointer<Double>) -> Bool {
    let n = y.count
    let (alpha, beta, gamma, phi, _) = params
    let seasonDirs = spec.hasSeason ? m - 1 : 0
    let d = 1 + (spec.hasTrend ? 1 : 0) + seasonDirs
    func run(_ st: StateVector, _ r: UnsafeMutablePointer<Double>) -> Double {
        st.season.withUnsafeBufferPointer { s0 in
            etsSSE(y, trend: spec.trend, season: spec.season, m: m, alpha: alpha, beta: beta, gamma: gamma,
                   phi: phi, level0: st.level, trend0: st.trend, season0: s0, s: scratch, residuals: r,
                   multiplicativeError: spec.error == .multiplicative)
        }
    }
    func perturbed(_ k: Int, _ h: Double) -> StateVector {
        var st = states
        if k == 0 { st.level += h } else if spec.hasTrend && k == 1 { st.trend += h } else {
            let j = k - 1 - (spec.hasTrend ? 1 : 0)
            st.season[j] += h; st.season[m - 1] -= h
        }
        return st
    }
    let r0 = UnsafeMutablePointer<Double>.allocate(capacity: n)
    let jac = UnsafeMutablePointer<Double>.allocate(capacity: n * d)
    defer { r0.deallocate(); jac.deallocate() }
    let base = run(states, r0)
    guard base.isFinite else { return false }
    var scaleY = 0.0
    for v in y { scaleY = max(scaleY, abs(v)) }
    for k in 0..<d {
        let hStep = k == 0 || (spec.hasTrend && k == 1) || spec.season != .multiplicative
            ? 1e-4 * max(scaleY, 1) : 1e-4
        let rk = jac + k * n
        guard run(perturbed(k, hStep), rk).isFinite else { return false }
        for t in 0..<n { rk[t] = (rk[t] - r0[t]) / hStep }  // ∂e/∂x_k
    }
    // Normal equations (JᵀJ + λI) Δ = −Jᵀr.
    var a = [Double](repeating: 0, count: d * d), g = [Double](repeating: 0, count: d)
    for i in 0..<d {
        let ri = jac + i * n
        var gi = 0.0
        for t in 0..<n { gi += ri[t] * r0[t] }
        g[i] = -gi
        for j in i..<d {
            let rj = jac + j * n
            var s = 0.0
            for t in 0..<n { s += ri[t] * rj[t] }
            a[i * d + j] = s; a[j * d + i] = s
        }
    }
    for i in 0..<d { a[i * d + i] += 1e-9 * (a[i * d + i] + 1) }
    guard let delta = solveSymmetric(a, g, d) else { return false }
    var candidate = states
    candidate.level += delta[0]
    if spec.hasTrend { candidate.trend += delta[1] }
    for k in 0..<seasonDirs {
        let dk = delta[k + 1 + (spec.hasTrend ? 1 : 0)]
        candidate.season[k] += dk; candidate.season[m - 1] -= dk
    }
    if spec.season == .multiplicative && candidate.season.contains(where: { !($0 > 0.01) }) { return false }
    let newSSE = run(candidate, r0)
    guard newSSE.isFinite && newSSE < sse else { return false }
    states = candidate
    return true
}

/// Solves the symmetric positive (semi)definite system a·x = b by Cholesky; nil if singular.
func solveSymmetric(_ a: [Double], _ b: [Double], _ d: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
        for j in 0...i {
            var s = a[i * d + j]
            for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
            if i == j {
                guard s > 1e-300 else { return nil }
                l[i * d + i] = s.squareRoot()
            } else {
                l[i * d + j] = s / l[j * d + j]
            }
        }
    }
    var x = b
    for i in 0..<d {
        var s = x[i]
        for k in 0..<i { s -= l[i * d + k] * x[k] }
        x[i] = s / l[i * d + i]
    }
    for i in stride(from: d - 1, through: 0, by: -1) {
        var s = x[i]
        for k in (i + 1)..<d { s -= l[k * d + i] * x[k] }
        x[i] = s / l[i * d + i]
    }
    return x.allSatisfy(\.isFinite) ? x : nil
}

extension ETSFit {
    /// Forecasts made at each origin (ascending, 1...n) for the next `h` periods, by running
    /// the recursion with these fixed parameters through `y` (which may be longer than the
    /// fitted history). Output row r holds the forecasts for y[origins[r] ..< origins[r] + h].
    ///
    /// - Complexity: O(n + origins · h).
    func rollingForecasts(_ y: UnsafeBufferPointer<Double>, origins: [Int], h: Int) -> [Double] {
        var out = [Double](repeating: 0, count: origins.count * h)
        let mm = max(m, 1)
        var s = season0.isEmpty ? [Double](repeating: 0, count: mm) : season0
        if !spec.hasSeason { for j in 0..<mm { s[j] = 0 } }
        var l = level0, b = spec.hasTrend ? trend0 : 0
        let ph = spec.trend == .damped ? phi : (spec.trend == .additive ? 1 : 0)
        var j = 0, r = 0, t = 0
        let n = y.count
        while r < origins.count {
            let origin = origins[r]
            while t < origin && t < n {
                let tb = ph * b, base = l + tb, st = s[j]
                var e: Double
                switch spec.season {
                case .none:
                    e = y[t] - base; l = base + alpha * e; b = tb + beta * e
                case .additive:
                    e = y[t] - (base + st); l = base + alpha * e; b = tb + beta * e; s[j] = st + gamma * e
                case .multiplicative:
                    let sd = max(st, 1e-6), bd = abs(base) > 1e-12 ? base : 1e-12
                    e = y[t] - base * sd
                    l = base + alpha * e / sd; b = tb + beta * e / sd; s[j] = max(st + gamma * e / bd, 1e-6)
                }
                if !l.isFinite { l = y[t] }
                if !b.isFinite { b = 0 }
                j += 1; if j == mm { j = 0 }
                t += 1
            }
            var phiSum = 0.0, phiPow = 1.0
            for k in 0..<h {
                phiPow *= ph; phiSum += phiPow
                let base = l + (spec.trend == .additive ? Double(k + 1) * b : phiSum * b)
                let st = s[(j + k) % mm]
                let f: Double = switch spec.season {
                case .none: base
                case .additive: base + st
                case .multiplicative: base * st
                }
                out[r * h + k] = f
            }
            r += 1
        }
        return out
    }

    /// Analytic h-step forecast variances for class-1 (linear) models:
    /// v_h = σ² (1 + Σ_{j=1}^{h−1} c_j²), c_j = α + β φ_j + γ d_{j,m}, where
    /// φ_j = φ + … + φ^j (j for an undamped trend) and d_{j,m} = 1 when m divides j
    /// (Hyndman et al. 2008, table 6.1). Nil for multiplicative seasonality.
    func analyticVariances(h: Int) -> [Double]? {
        guard spec.isLinear else { return nil }
        var out = [Double](repeating: sigma2, count: h)
        var acc = 0.0, phiSum = 0.0, phiPow = 1.0
        for hh in 1..<max(h, 1) {
            let j = hh
            phiPow *= (spec.trend == .damped ? phi : 1)
            phiSum += phiPow
            var c = alpha
            if spec.hasTrend { c += beta * phiSum }
            if spec.hasSeason && j % m == 0 { c += gamma }
            acc += c * c
            out[hh] = sigma2 * (1 + acc)
        }
        return out
    }
}
