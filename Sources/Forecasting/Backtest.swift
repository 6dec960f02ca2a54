// Forecasting — accuracy metrics and rolling-origin evaluation.

/// Forecast accuracy over a backtest (or a holdout).
///
/// - `mase`: mean absolute error divided by the in-sample mean absolute error of the
///   seasonal naive method on the training history (lag m; lag 1 when m = 1 or the
///   history is shorter than m + 1; falls back to the mean |y|, then 1, when that is 0).
/// - `smape`: mean of 200·|y − ŷ| / (|y| + |ŷ|) in percent (0 to 200); a point where both
///   are 0 counts as 0.
/// - `bias`: mean of ŷ − y (positive = over-forecast), in the series' units (m³ for demand).
public struct Accuracy: Sendable, Equatable {
    public var mase: Double
    public var smape: Double
    public var bias: Double
    /// Number of forecast origins and of (origin, step) points evaluated.
    public var origins: Int
    public var points: Int

    public init(mase: Double, smape: Double, bias: Double, origins: Int, points: Int) {
        self.mase = mase; self.smape = smape; self.bias = bias; self.origins = origins; self.points = points
    }

    /// Unweighted mean over series (each series counts once), e.g. the overall accuracy of
    /// a backtest run over many series.
    public static func mean(_ all: [Accuracy]) -> Accuracy? {
        guard !all.isEmpty else { return nil }
        let c = Double(all.count)
        return Accuracy(mase: all.reduce(0) { $0 + $1.mase } / c,
                        smape: all.reduce(0) { $0 + $1.smape } / c,
                        bias: all.reduce(0) { $0 + $1.bias } / c,
                        origins: all.reduce(0) { $0 + $1.origins },
                        points: all.reduce(0) { $0 + $1.points })
    }
}

/// MASE denominator: in-sample MAE of the seasonal naive (lag m) on `y` (see `Accuracy`).
public func maseScale(_ y: UnsafeBufferPointer<Double>, m: Int) -> Double {
    let n = y.count
    func mae(lag: Int) -> Double {
        guard n > lag else { return 0 }
        var s = 0.0
        for t in lag..<n { s += abs(y[t] - y[t - lag]) }
        return s / Double(n - lag)
    }
    var scale = m > 1 && n > m ? mae(lag: m) : 0
    if !(scale > 0) { scale = mae(lag: 1) }
    if !(scale > 0) {
        var s = 0.0
        for v in y { s += abs(v) }
        scale = n > 0 ? s / Double(n) : 0
    }
    return scale > 0 ? scale : 1
}

/// Accuracy of `forecasts` (row-major origins × h, as `rollingForecasts` makes them)
/// against `y`, skipping points past the end of `y`.
///
///     // y = [1, 2, 3, 4], forecasts for y[2..<4] made at origin 2 = [2, 2]:
///     // errors 1, 2 → MAE 1.5; naive scale on [1, 2] = 1 → MASE 1.5
///
/// - Complexity: O(origins · h).
public func accuracy(of forecasts: [Double], actual y: UnsafeBufferPointer<Double>,
                     origins: [Int], h: Int, scale: Double) -> Accuracy {
    var ae = 0.0, sm = 0.0, bias = 0.0, count = 0
    for (r, o) in origins.enumerated() {
        for k in 0..<h where o + k < y.count {
            let a = y[o + k], f = forecasts[r * h + k]
            ae += abs(a - f)
            let d = abs(a) + abs(f)
            if d > 0 { sm += 200 * abs(a - f) / d }
            bias += f - a
            count += 1
        }
    }
    let c = Double(max(count, 1))
    return Accuracy(mase: ae / c / scale, smape: sm / c, bias: bias / c,
                    origins: origins.count, points: count)
}

/// Rolling-origin placement: `count` origins spaced `step` apart, the last one at n − h,
/// keeping only origins that leave at least `minTrain` points before them. Ascending.
///
///     rollingOrigins(n: 100, h: 7, count: 3, step: 7, minTrain: 14)   // [79, 86, 93]
public func rollingOrigins(n: Int, h: Int, count: Int, step: Int, minTrain: Int) -> [Int] {
    guard count > 0, h > 0 else { return [] }
    var out: [Int] = []
    for i in 0..<count {
        let o = n - h - i * max(step, 1)
        if o >= max(minTrain, 1) { out.append(o) }
    }
    return out.reversed()
}
