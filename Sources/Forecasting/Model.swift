// Forecasting — the public method choice and the fitted model that every method becomes.

/// Which forecasting method to use.
///
/// `auto` picks per series (see `Forecaster`); every other case forces one method.
public enum ForecastMethod: Sendable, Hashable, CustomStringConvertible {
    /// Automatic choice: AICc within ETS, then rolling-origin MASE across families.
    case auto
    /// Best ETS model by AICc (no cross-family backtest).
    case etsAuto
    /// One given ETS model.
    case ets(ETSSpec)
    case naive
    case seasonalNaive
    /// Mean of the last `window` points (window ≤ 0: one season).
    case movingAverage(window: Int)
    case theta
    case croston(CrostonVariant)
    /// Autoregression with order chosen by AIC.
    case autoregressive
    /// Equal-weight mean of ETS (best by AICc), Theta and seasonal naive.
    case combination

    public var description: String {
        switch self {
        case .auto: "auto"
        case .etsAuto: "ets"
        case .ets(let s): s.description
        case .naive: "naive"
        case .seasonalNaive: "snaive"
        case .movingAverage(let w): "ma(\(w))"
        case .theta: "theta"
        case .croston(.classic): "croston"
        case .croston(.sba): "sba"
        case .croston(.tsb): "tsb"
        case .autoregressive: "ar"
        case .combination: "combo"
        }
    }

    /// Parses a command-line name: auto, ets, ses, holt, hw, hwm, ETS(A,Ad,A)-style names,
    /// naive, snaive, ma, ma7 (any window), theta, croston, sba, tsb, ar, combo.
    public init?(name: String) {
        let s = name.lowercased()
        switch s {
        case "auto": self = .auto
        case "ets": self = .etsAuto
        case "ses": self = .ets(.ses)
        case "holt": self = .ets(.holtDamped)
        case "hw", "hwa": self = .ets(ETSSpec(trend: .damped, season: .additive))
        case "hwm": self = .ets(ETSSpec(trend: .damped, season: .multiplicative))
        case "naive": self = .naive
        case "snaive": self = .seasonalNaive
        case "ma": self = .movingAverage(window: 0)
        case "theta": self = .theta
        case "croston": self = .croston(.classic)
        case "sba": self = .croston(.sba)
        case "tsb": self = .croston(.tsb)
        case "combo", "combination": self = .combination
        case "ar": self = .autoregressive
        default:
            if s.hasPrefix("ma"), let w = Int(s.dropFirst(2)), w > 0 { self = .movingAverage(window: w); return }
            if (s.hasPrefix("ets(a,") || s.hasPrefix("ets(m,")) && s.hasSuffix(")") {
                let error: ErrorKind = s.hasPrefix("ets(m,") ? .multiplicative : .additive
                let parts = s.dropFirst(6).dropLast().split(separator: ",").map(String.init)
                guard parts.count == 2 else { return nil }
                let t: TrendKind
                switch parts[0] { case "n": t = .none; case "a": t = .additive; case "ad": t = .damped; default: return nil }
                let se: SeasonKind
                switch parts[1] { case "n": se = .none; case "a": se = .additive; case "m": se = .multiplicative; default: return nil }
                self = .ets(ETSSpec(error: error, trend: t, season: se)); return
            }
            return nil
        }
    }
}

/// A fitted model of any family. Every case can forecast from any origin with its fitted
/// parameters, which is what backtests and empirical intervals need.
indirect enum FittedModel: Sendable {
    case constant(Double)
    case simple(SimpleFit)
    case ets(ETSFit)
    case theta(ThetaFit)
    case croston(CrostonFit)
    case ar(ARFit)
    case combination([FittedModel])

    var name: String {
        switch self {
        case .constant(let v): v == 0 ? "Zero" : "Constant"
        case .simple(let s):
            switch s.kind {
            case .naive: "Naive"
            case .seasonalNaive(let m): "SeasonalNaive(\(m))"
            case .movingAverage(let w): "MovingAverage(\(w))"
            case .mean: "Mean"
            }
        case .ets(let f): f.spec.description
        case .theta: "Theta"
        case .croston(let c):
            switch c.variant { case .classic: "Croston"; case .sba: "CrostonSBA"; case .tsb: "TSB" }
        case .ar(let a): a.name
        case .combination(let ms): "Combination(" + ms.map(\.name).joined(separator: "+") + ")"
        }
    }

    /// Forecasts made at each origin for the next h periods, origins ascending, flattened
    /// row-major (origin r, step k at r·h + k).
    func rollingForecasts(_ y: UnsafeBufferPointer<Double>, origins: [Int], h: Int) -> [Double] {
        switch self {
        case .constant(let v): return [Double](repeating: v, count: origins.count * h)
        case .simple(let s): return s.rollingForecasts(y, origins: origins, h: h)
        case .ets(let f): return f.rollingForecasts(y, origins: origins, h: h)
        case .theta(let f): return f.rollingForecasts(y, origins: origins, h: h)
        case .croston(let f): return f.rollingForecasts(y, origins: origins, h: h)
        case .ar(let f): return f.rollingForecasts(y, origins: origins, h: h)
        case .combination(let ms):
            var acc = [Double](repeating: 0, count: origins.count * h)
            for m in ms {
                let f = m.rollingForecasts(y, origins: origins, h: h)
                for i in acc.indices { acc[i] += f[i] }
            }
            let w = 1 / Double(max(ms.count, 1))
            for i in acc.indices { acc[i] *= w }
            return acc
        }
    }

    /// Analytic h-step forecast variances from the end of a history of length n, when the
    /// model has them (class-1 ETS, Theta, benchmarks); nil otherwise.
    func analyticVariances(h: Int, n: Int) -> [Double]? {
        switch self {
        case .constant(let v): return v == 0 ? [Double](repeating: 0, count: h) : nil
        case .simple(let s): return s.variances(h: h, n: n)
        case .ets(let f): return f.analyticVariances(h: h)
        case .theta(let f): return f.variances(h: h, origin: n)
        case .ar(let f): return f.variances(h: h)
        case .croston, .combination: return nil
        }
    }
}
