// Forecasting — per-series pipeline: clean, choose, fit, forecast, intervals, holidays, backtest.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options shared by every series of a run.
public struct ForecastOptions: Sendable {
    /// Periods to forecast after the last observation (days for daily demand).
    public var horizon: Int
    /// Season length m in periods (7 for daily data with a weekly cycle, 12 for monthly).
    public var seasonLength: Int
    public var method: ForecastMethod
    /// Quantile levels of the prediction intervals, in (0, 1); 0.5 is the median.
    public var quantiles: [Double]
    /// Rolling origins of the reported backtest (0: no accuracy reported).
    public var backtestOrigins: Int
    /// Rolling origins used by `auto` to choose across families.
    public var selectionOrigins: Int
    /// Spacing of backtest origins in periods (nil: the horizon, i.e. non-overlapping windows).
    public var backtestStep: Int?
    /// A series with more than this share of zeros is intermittent (Croston family).
    public var intermittentZeroShare: Double
    /// ETS models tried by `auto` / `etsAuto` (those that do not apply to a series are skipped).
    public var etsCandidates: [ETSSpec]
    /// Nelder–Mead evaluation budget per ETS fit (scaled by the number of parameters: a fit
    /// with d parameters stops after `maxEvaluations`·d/3 + 60 evaluations, or earlier when
    /// the simplex has converged). Default 150 (was 250: ~1.3× faster, same accuracy on the
    /// benchmarks, see docs/benchmarks.md).
    public var maxEvaluations: Int
    /// Demand semantics: negative observations are clipped to 0 (with a warning) and
    /// forecasts and interval bounds are clipped at 0.
    public var nonNegative: Bool

    public init(horizon: Int, seasonLength: Int = 7, method: ForecastMethod = .auto,
                quantiles: [Double] = [0.1, 0.5, 0.9], backtestOrigins: Int = 0,
                selectionOrigins: Int = 5, backtestStep: Int? = nil,
                intermittentZeroShare: Double = 0.3,
                etsCandidates: [ETSSpec] = ForecastOptions.defaultETSCandidates,
                maxEvaluations: Int = 150, nonNegative: Bool = true) {
        self.horizon = horizon; self.seasonLength = seasonLength; self.method = method
        self.quantiles = quantiles; self.backtestOrigins = backtestOrigins
        self.selectionOrigins = selectionOrigins; self.backtestStep = backtestStep
        self.intermittentZeroShare = intermittentZeroShare; self.etsCandidates = etsCandidates
        self.maxEvaluations = maxEvaluations; self.nonNegative = nonNegative
    }

    /// ETS(A,N,N), ETS(A,Ad,N), ETS(A,N,A), ETS(A,Ad,A), ETS(A,N,M), ETS(A,Ad,M).
    public static let defaultETSCandidates: [ETSSpec] = [
        ETSSpec(trend: .none, season: .none), ETSSpec(trend: .damped, season: .none),
        ETSSpec(trend: .none, season: .additive), ETSSpec(trend: .damped, season: .additive),
        ETSSpec(trend: .none, season: .multiplicative), ETSSpec(trend: .damped, season: .multiplicative),
    ]

    /// The defaults plus the multiplicative-error models: about half the speed for a small
    /// accuracy gain on the benchmarks (see docs/benchmarks.md).
    public static let allETSCandidates: [ETSSpec] = defaultETSCandidates + multiplicativeErrorCandidates

    /// ETS(M,N,N), ETS(M,Ad,N), ETS(M,N,M), ETS(M,Ad,M) (positive data only).
    public static let multiplicativeErrorCandidates: [ETSSpec] = [
        ETSSpec(error: .multiplicative, trend: .none, season: .none),
        ETSSpec(error: .multiplicative, trend: .damped, season: .none),
        ETSSpec(error: .multiplicative, trend: .none, season: .multiplicative),
        ETSSpec(error: .multiplicative, trend: .damped, season: .multiplicative),
    ]
}

/// Holiday dates and, optionally, which holiday each date is.
///
/// Days are on the same axis as `DailySeries.start` (e.g. days since 1970-01-01); for the
/// raw `Forecaster.forecast(values:)` API they are indices from the first value. One
/// multiplicative effect is learnt per group from the history (the mean ratio of actual to
/// one-step fitted value on that group's past dates, shrunk towards 1 with the weight of
/// one pseudo-occurrence, clamped to [0.05, 5]) and applied to the forecast and its
/// quantiles on the group's future dates. Empty `groups`: one shared effect for all dates.
public struct HolidayCalendar: Sendable {
    public var days: [Int]
    public var groups: [Int]
    public init(days: [Int], groups: [Int] = []) {
        precondition(groups.isEmpty || groups.count == days.count)
        self.days = days; self.groups = groups
    }
}

/// The forecast of one series.
public struct SeriesForecast: Sendable {
    /// Model used, e.g. `ETS(A,Ad,A)`, `Theta`, `SeasonalNaive(7)`, `Croston`, `Zero`.
    public var method: String
    /// Point forecasts for the `horizon` periods after the last observation (never NaN,
    /// ≥ 0 under `nonNegative`).
    public var forecast: [Double]
    /// Quantile levels and, per level, the `horizon` quantile forecasts (non-decreasing
    /// across levels at each step).
    public var quantileLevels: [Double]
    public var quantileForecasts: [[Double]]
    /// Rolling-origin accuracy of the chosen method (when backtest origins were asked for
    /// and the history is long enough).
    public var accuracy: Accuracy?
    /// Data problems met and fallbacks taken, for logs (stderr), never fatal.
    public var warnings: [String]
    /// Learnt holiday effects by group (multiplicative).
    public var holidayEffects: [Int: Double]

    /// Quantile forecasts at `level`, if it was asked for.
    public func quantile(_ level: Double) -> [Double]? {
        guard let i = quantileLevels.firstIndex(where: { abs($0 - level) < 1e-9 }) else { return nil }
        return quantileForecasts[i]
    }
}

/// How to fit a model family to a history: what `auto` chooses and what backtests refit.
indirect enum Recipe: Sendable {
    case constant(Double)
    case simple(SimpleKind)
    case ets(ETSSpec)
    case theta
    case croston(CrostonVariant)
    case autoregressive
    case combination([Recipe])
}

/// Automatic per-series forecasting. All functions are pure and deterministic.
public enum Forecaster {

    /// Forecasts one series given as values at regular periods (NaN/±inf = missing).
    ///
    /// Cleaning (documented fallbacks, each reported in `warnings`):
    /// - leading missing values are dropped; interior gaps are filled by linear
    ///   interpolation; trailing missing values carry the last observation forward;
    /// - negative values are clipped to 0 when `nonNegative` (demand);
    /// - an empty (or all-missing) series forecasts 0 ("Empty"); an all-zero series
    ///   forecasts 0 with zero-width intervals ("Zero");
    /// - fewer than 4 points: the mean ("Mean"); fewer than 2 seasons: non-seasonal
    ///   models only (seasonal methods asked for fall back to their non-seasonal versions).
    ///
    /// `auto`: intermittent series (zero share > `intermittentZeroShare`) choose among
    /// Croston, SBA and TSB; others fit every applicable ETS candidate on the history before
    /// the first selection origin, keep the lowest AICc, and then choose among that ETS model,
    /// Theta, seasonal naive, their equal-weight combination, the ETS + Theta pair and an
    /// AR(p) (which must win by 15%) by MASE over `selectionOrigins` rolling origins
    /// (parameters fitted before the first origin, states updated through each origin).
    /// The winner is refitted on the whole history.
    ///
    ///     let f = Forecaster.forecast(values: sales, options: ForecastOptions(horizon: 28))
    ///     f.method        // e.g. "ETS(A,Ad,M)"
    ///     f.quantile(0.9) // p90 per day
    ///
    /// - Complexity: O(candidates · evaluations · n) time; O(n + horizon · quantiles) memory.
    public static func forecast(values: [Double], options: ForecastOptions,
                                holidays: HolidayCalendar? = nil) -> SeriesForecast {
        var warnings: [String] = []
        let h = max(options.horizon, 0)
        let m = max(options.seasonLength, 1)
        let (y, dropped) = clean(values, nonNegative: options.nonNegative, warnings: &warnings)
        let n = y.count
        let levels = options.quantiles.map { min(max($0, 1e-6), 1 - 1e-6) }

        // Degenerate series.
        if n == 0 || y.allSatisfy({ $0 == 0 }) {
            if n == 0 { warnings.append("empty series (no observed values): forecast 0") }
            return SeriesForecast(method: n == 0 ? "Empty" : "Zero",
                                  forecast: [Double](repeating: 0, count: h), quantileLevels: levels,
                                  quantileForecasts: levels.map { _ in [Double](repeating: 0, count: h) },
                                  accuracy: nil, warnings: warnings, holidayEffects: [:])
        }
        let recipe = y.withUnsafeBufferPointer { choose($0, options: options, warnings: &warnings) }
        let model = y.withUnsafeBufferPointer { fit(recipe, $0, options: options) }
        var point = y.withUnsafeBufferPointer { model.rollingForecasts($0, origins: [n], h: h) }
        var q = y.withUnsafeBufferPointer { intervals(model, $0, point: point, levels: levels, m: m) }

        // Sanitise: finite, non-negative, quantiles ordered.
        let fallback = y[n - 1]
        var bad = false
        for k in 0..<h where !point[k].isFinite { point[k] = fallback; bad = true }
        for i in q.indices { for k in 0..<h where !q[i][k].isFinite { q[i][k] = point[k]; bad = true } }
        if bad { warnings.append("non-finite forecast replaced by the last observation") }

        var effects: [Int: Double] = [:]
        if let holidays, !holidays.days.isEmpty {
            effects = y.withUnsafeBufferPointer {
                applyHolidays(holidays, offset: dropped, model: model, y: $0, point: &point, q: &q)
            }
        }
        if options.nonNegative {
            for k in 0..<h { point[k] = max(point[k], 0) }
            for i in q.indices { for k in 0..<h { q[i][k] = max(q[i][k], 0) } }
        }
        sortQuantiles(&q, levels: levels, h: h)

        var acc: Accuracy? = nil
        if options.backtestOrigins > 0 && h > 0 {
            acc = y.withUnsafeBufferPointer { backtest(recipe, $0, options: options, warnings: &warnings) }
        }
        return SeriesForecast(method: model.name, forecast: point, quantileLevels: levels,
                              quantileForecasts: q, accuracy: acc, warnings: warnings,
                              holidayEffects: effects)
    }

    // MARK: - Cleaning

    static func clean(_ values: [Double], nonNegative: Bool, warnings: inout [String]) -> ([Double], Int) {
        guard let first = values.firstIndex(where: { $0.isFinite }) else { return ([], values.count) }
        var y = Array(values[first...])
        if first > 0 { warnings.append("dropped \(first) leading missing value(s)") }
        var gaps = 0, trailing = 0
        var last = -1
        for t in y.indices {
            if y[t].isFinite {
                if last >= 0 && t - last > 1 {
                    let a = y[last], b = y[t]
                    for u in (last + 1)..<t {
                        y[u] = a + (b - a) * Double(u - last) / Double(t - last); gaps += 1
                    }
                }
                last = t
            }
        }
        for t in (last + 1)..<y.count { y[t] = y[last]; trailing += 1 }
        if gaps > 0 { warnings.append("filled \(gaps) missing value(s) by linear interpolation") }
        if trailing > 0 { warnings.append("carried the last value over \(trailing) trailing missing value(s)") }
        if nonNegative {
            var neg = 0
            for t in y.indices where y[t] < 0 { y[t] = 0; neg += 1 }
            if neg > 0 { warnings.append("clipped \(neg) negative value(s) to 0") }
        }
        return (y, first)
    }

    // MARK: - Choosing a model

    static func zeroShare(_ y: UnsafeBufferPointer<Double>) -> Double {
        var z = 0
        for v in y where v == 0 { z += 1 }
        return Double(z) / Double(max(y.count, 1))
    }

    /// Whether a seasonal model can be fitted on `n` points with season m.
    static func seasonalOK(n: Int, m: Int) -> Bool { m > 1 && n >= 2 * m }

    static func choose(_ y: UnsafeBufferPointer<Double>, options: ForecastOptions,
                       warnings: inout [String]) -> Recipe {
        let n = y.count, m = max(options.seasonLength, 1)
        if n < 4 {
            warnings.append("only \(n) observation(s): forecasting their mean")
            return .simple(.mean)
        }
        let seasonalFits = seasonalOK(n: n, m: m)
        switch options.method {
        case .naive: return .simple(.naive)
        case .seasonalNaive:
            if m > 1 && n > m { return .simple(.seasonalNaive(m: m)) }
            if m > 1 { warnings.append("history shorter than one season: naive instead of seasonal naive") }
            return .simple(.naive)
        case .movingAverage(let w):
            let w = w > 0 ? w : m
            return .simple(.movingAverage(window: min(max(w, 1), n)))
        case .theta: return .theta
        case .croston(let v): return .croston(v)
        case .autoregressive: return .autoregressive
        case .ets(let spec):
            var s = spec
            if s.hasSeason && !seasonalFits {
                warnings.append(m > 1 ? "fewer than 2 seasons: \(spec) without its season"
                                      : "season length 1: \(spec) without its season")
                s.season = .none
            }
            if s.season == .multiplicative && y.contains(where: { !($0 > 0) }) {
                warnings.append("non-positive values: additive instead of multiplicative season")
                s.season = .additive
            }
            return .ets(s)
        case .etsAuto:
            return .ets(bestETS(y, options: options)?.spec ?? .ses)
        case .combination:
            return .combination([.ets(bestETS(y, options: options)?.spec ?? .ses), .theta,
                                 seasonalFits ? .simple(.seasonalNaive(m: m)) : .simple(.naive)])
        case .auto:
            break
        }
        if !seasonalFits && m > 1 {
            warnings.append("fewer than 2 seasons of history: non-seasonal models only")
        }
        let intermittent = zeroShare(y) > options.intermittentZeroShare
        // Selection backtest: horizon capped so that origins leave enough training data.
        let minTrain = max(seasonalFits ? 2 * m + 2 : 8, 8)
        let hb = max(1, min(options.horizon, (n - minTrain) / max(options.selectionOrigins, 1)))
        let origins = rollingOrigins(n: n, h: hb, count: options.selectionOrigins,
                                     step: options.backtestStep ?? hb, minTrain: minTrain)
        var candidates: [Recipe]
        if intermittent {
            candidates = [.croston(.classic), .croston(.sba), .croston(.tsb)]
        } else if origins.isEmpty {
            return .ets(bestETS(y, options: options)?.spec ?? .ses)
        } else {
            candidates = []
        }
        guard let first = origins.first else { return candidates.first ?? .simple(.naive) }
        let train = UnsafeBufferPointer(rebasing: y[0..<first])
        var fitted: [FittedModel] = []
        if !intermittent {
            let sn: Recipe = seasonalOK(n: first, m: m) ? .simple(.seasonalNaive(m: m)) : .simple(.naive)
            let etsFit = bestETS(train, options: options)
            let ets: Recipe = .ets(etsFit?.spec ?? .ses)
            candidates = [ets, .theta, sn, .combination([ets, .theta, sn]), .combination([ets, .theta])]
            let eModel: FittedModel = etsFit.map { .ets($0) } ?? fit(ets, train, options: options)
            let tModel = fit(.theta, train, options: options)
            let sModel = fit(sn, train, options: options)
            fitted = [eModel, tModel, sModel, .combination([eModel, tModel, sModel]), .combination([eModel, tModel])]
            if let ar = ARFit.fit(train, m: m) {
                candidates.append(.autoregressive); fitted.append(.ar(ar))
            }
        } else {
            fitted = candidates.map { fit($0, train, options: options) }
        }
        let scale = maseScale(train, m: m)
        var best = 0, bestScore = Double.infinity
        for (i, f) in fitted.enumerated() {
            let fc = f.rollingForecasts(y, origins: origins, h: hb)
            var score = accuracy(of: fc, actual: y, origins: origins, h: hb, scale: scale).mase
            // AR(p) easily wins a short backtest by chance: it must beat the others by 15%.
            if case .ar = f { score /= 0.85 }
            if score < bestScore { bestScore = score; best = i }
        }
        return candidates[best]
    }

    /// Lowest-AICc ETS candidate that applies to `y`.
    static func bestETS(_ y: UnsafeBufferPointer<Double>, options: ForecastOptions) -> ETSFit? {
        var best: ETSFit? = nil
        for spec in options.etsCandidates {
            guard let f = fitETS(y, spec: spec, m: options.seasonLength,
                                 maxEvaluations: options.maxEvaluations) else { continue }
            if best == nil || f.aicc < best!.aicc { best = f }
        }
        return best
    }

    static func fit(_ recipe: Recipe, _ y: UnsafeBufferPointer<Double>, options: ForecastOptions) -> FittedModel {
        let m = max(options.seasonLength, 1), n = y.count
        switch recipe {
        case .constant(let v): return .constant(v)
        case .simple(let kind):
            var k = kind
            if case .seasonalNaive(let mm) = kind, n <= mm { k = .naive }
            if n < 2 { k = .mean }
            return .simple(SimpleFit.fit(y, kind: k))
        case .ets(let spec):
            var s = spec
            if s.hasSeason && !seasonalOK(n: n, m: m) { s.season = .none }
            if let f = fitETS(y, spec: s, m: m, maxEvaluations: options.maxEvaluations) { return .ets(f) }
            if let f = fitETS(y, spec: .ses, m: 1, maxEvaluations: options.maxEvaluations) { return .ets(f) }
            return .simple(SimpleFit.fit(y, kind: n >= 2 ? .naive : .mean))
        case .theta: return .theta(ThetaFit.fit(y, m: m))
        case .croston(let v): return .croston(CrostonFit.fit(y, variant: v))
        case .autoregressive:
            if let a = ARFit.fit(y, m: m) { return .ar(a) }
            return fit(.ets(.ses), y, options: options)
        case .combination(let rs): return .combination(rs.map { fit($0, y, options: options) })
        }
    }

    // MARK: - Intervals

    /// Quantile forecasts per level. Analytic (normal, from the model's h-step variance)
    /// when the model has one; otherwise empirical: quantiles of in-sample h-step errors
    /// of the fitted model from origins across the history (at most ~200 origins), per
    /// step; steps with fewer than 10 errors reuse the last well-covered step's errors
    /// scaled by √(h/h₀).
    static func intervals(_ model: FittedModel, _ y: UnsafeBufferPointer<Double>, point: [Double],
                          levels: [Double], m: Int) -> [[Double]] {
        let h = point.count, n = y.count
        if let v = model.analyticVariances(h: h, n: n) {
            return levels.map { p in
                let z = normalQuantile(p)
                return (0..<h).map { k in point[k] + z * max(v[k], 0).squareRoot() }
            }
        }
        let startOrigin = max(min(n / 4, 2 * m + 2), 1)
        guard h > 0, n - startOrigin >= 2 else {
            return levels.map { _ in point }
        }
        let stride = max(1, (n - startOrigin) / 200)
        let origins = Array(Swift.stride(from: startOrigin, to: n, by: stride))
        let fc = model.rollingForecasts(y, origins: origins, h: h)
        var errors = [[Double]](repeating: [], count: h)
        for (r, o) in origins.enumerated() {
            for k in 0..<h where o + k < n { errors[k].append(y[o + k] - fc[r * h + k]) }
        }
        var lastGood = -1
        var out = levels.map { _ in [Double](repeating: 0, count: h) }
        for k in 0..<h {
            var e = errors[k]
            var scale = 1.0
            if e.count >= 10 { lastGood = k } else if lastGood >= 0 {
                e = errors[lastGood]; scale = (Double(k + 1) / Double(lastGood + 1)).squareRoot()
            }
            e.sort()
            for (i, p) in levels.enumerated() { out[i][k] = point[k] + scale * sortedQuantile(e, p) }
        }
        return out
    }

    static func sortQuantiles(_ q: inout [[Double]], levels: [Double], h: Int) {
        let order = levels.indices.sorted { levels[$0] < levels[$1] }
        var col = [Double](repeating: 0, count: levels.count)
        for k in 0..<h {
            for (j, i) in order.enumerated() { col[j] = q[i][k] }
            col.sort()
            for (j, i) in order.enumerated() { q[i][k] = col[j] }
        }
    }

    // MARK: - Holidays

    static func applyHolidays(_ cal: HolidayCalendar, offset: Int, model: FittedModel,
                              y: UnsafeBufferPointer<Double>, point: inout [Double],
                              q: inout [[Double]]) -> [Int: Double] {
        let n = y.count, h = point.count
        var past: [(Int, Int)] = [], future: [(Int, Int)] = []
        for (i, d) in cal.days.enumerated() {
            let t = d - offset, g = cal.groups.isEmpty ? 0 : cal.groups[i]
            if t >= 1 && t < n { past.append((t, g)) } else if t >= n && t < n + h { future.append((t, g)) }
        }
        past.sort { $0.0 < $1.0 }
        let fitted = model.rollingForecasts(y, origins: past.map(\.0), h: 1)
        var sums: [Int: (Double, Int)] = [:]
        for (r, (t, g)) in past.enumerated() where fitted[r] > 1e-9 {
            let ratio = min(max(y[t] / fitted[r], 0.05), 5)
            let s = sums[g] ?? (0, 0)
            sums[g] = (s.0 + ratio, s.1 + 1)
        }
        var effects: [Int: Double] = [:]
        for (g, s) in sums { effects[g] = min(max((s.0 + 1) / Double(s.1 + 1), 0.05), 5) }
        for (t, g) in future {
            guard let e = effects[g] else { continue }
            let k = t - n
            point[k] *= e
            for i in q.indices { q[i][k] *= e }
        }
        return effects
    }

    // MARK: - Backtest

    /// Reported accuracy (rolling origin, refit per origin): at each of `backtestOrigins`
    /// origins o (spaced `backtestStep`, default the horizon; the last at n − horizon) the
    /// chosen recipe — the same family and ETS spec, e.g. `ETS(A,Ad,M)` or the same
    /// combination — is fitted again on y[0..<o] only (smoothing parameters, initial states,
    /// AR order and coefficients, Theta drift re-estimated) and forecasts y[o..<o+h].
    /// MASE is scaled by the seasonal-naive MAE on y[0..<first origin] (one scale per series).
    /// Not redone per origin: the choice of recipe itself (for `auto` / `etsAuto`, made once
    /// on the whole history, whose tail overlaps the backtest windows).
    ///
    /// `refit: false` is the old, cheaper scheme (fit once before the first origin, then
    /// run with fixed parameters through later origins); kept for tests and comparisons.
    static func backtest(_ recipe: Recipe, _ y: UnsafeBufferPointer<Double>, options: ForecastOptions,
                         warnings: inout [String], refit: Bool = true) -> Accuracy? {
        let n = y.count, m = max(options.seasonLength, 1), h = options.horizon
        let origins = rollingOrigins(n: n, h: h, count: options.backtestOrigins,
                                     step: options.backtestStep ?? h, minTrain: max(4, min(2 * m, n / 2)))
        guard let first = origins.first else {
            warnings.append("history too short for a backtest of \(options.backtestOrigins) origin(s) × \(h) periods")
            return nil
        }
        if origins.count < options.backtestOrigins {
            warnings.append("backtest limited to \(origins.count) origin(s) by the history length")
        }
        let train = UnsafeBufferPointer(rebasing: y[0..<first])
        var fc: [Double]
        if refit {
            fc = []
            fc.reserveCapacity(origins.count * h)
            for o in origins {
                // Only y[0..<o] is visible to the fit and to the forecast.
                let past = UnsafeBufferPointer(rebasing: y[0..<o])
                fc += fit(recipe, past, options: options).rollingForecasts(past, origins: [o], h: h)
            }
        } else {
            fc = fit(recipe, train, options: options).rollingForecasts(y, origins: origins, h: h)
        }
        if options.nonNegative { for i in fc.indices { fc[i] = max(fc[i], 0) } }
        for i in fc.indices where !fc[i].isFinite { fc[i] = 0 }
        return accuracy(of: fc, actual: y, origins: origins, h: h, scale: maseScale(train, m: m))
    }
}
