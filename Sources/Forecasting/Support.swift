// Forecasting — small numeric helpers shared by every method (the seeded RNG is
// FuelFlowSupport's SplitMix64): normal quantiles, empirical quantiles, seasonality test, classical decomposition.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }

/// Inverse of the standard normal CDF (Acklam's rational approximation,
/// relative error < 1.2e-9), for quantile levels in (0, 1).
///
///     normalQuantile(0.9)   // ≈ 1.2816
public func normalQuantile(_ p: Double) -> Double {
    let p = min(max(p, 1e-12), 1 - 1e-12)
    let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
             6.680131188771972e+01, -1.328068155288572e+01]
    let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
             3.754408661907416e+00]
    let plow = 0.02425
    if p < plow {
        let q = (-2 * _log(p)).squareRoot()
        return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
    }
    if p > 1 - plow {
        let q = (-2 * _log(1 - p)).squareRoot()
        return -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
    }
    let q = p - 0.5, r = q * q
    return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r+a[5])*q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r+1)
}

/// Empirical quantile of sorted values (type 7, linear interpolation, as R's default).
func sortedQuantile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let h = Double(sorted.count - 1) * min(max(p, 0), 1)
    let lo = Int(h), hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
}

/// Whether `y` shows seasonality at lag `m` (ACF test at 90%, as `forecast::thetaf`):
/// |r_m| > 1.645 · sqrt((1 + 2 Σ_{k<m} r_k²) / n).
func isSeasonal(_ y: UnsafeBufferPointer<Double>, m: Int) -> Bool {
    let n = y.count
    guard m > 1, n >= 3 * m else { return false }
    var mean = 0.0
    for v in y { mean += v }
    mean /= Double(n)
    var c0 = 0.0
    for v in y { c0 += (v - mean) * (v - mean) }
    guard c0 > 0 else { return false }
    var sumSq = 0.0, rm = 0.0
    for k in 1...m {
        var ck = 0.0
        for t in k..<n { ck += (y[t] - mean) * (y[t - k] - mean) }
        let r = ck / c0
        if k < m { sumSq += r * r } else { rm = r }
    }
    return abs(rm) > 1.645 * ((1 + 2 * sumSq) / Double(n)).squareRoot()
}

/// Classical decomposition seasonal indices over the first `count` points:
/// centred moving average of order m (2×m when m is even) as trend, then the
/// average ratio (multiplicative) or difference (additive) per season position,
/// normalised to mean 1 (or 0). Index j applies to times t with t % m == j.
///
/// - Complexity: O(count · m).
func classicalSeasonalIndices(_ y: UnsafeBufferPointer<Double>, m: Int, count: Int,
                              multiplicative: Bool) -> [Double] {
    let n = min(count, y.count)
    var idx = [Double](repeating: multiplicative ? 1 : 0, count: max(m, 1))
    guard m > 1, n >= 2 * m else { return idx }
    let half = m / 2
    var sums = [Double](repeating: 0, count: m)
    var counts = [Int](repeating: 0, count: m)
    for t in half..<(n - half) {
        var trend = 0.0
        if m % 2 == 0 {
            trend = 0.5 * y[t - half] + 0.5 * y[t + half]
            for k in (t - half + 1)..<(t + half) { trend += y[k] }
            trend /= Double(m)
        } else {
            for k in (t - half)...(t + half) { trend += y[k] }
            trend /= Double(m)
        }
        if multiplicative {
            guard trend > 0 else { continue }
            sums[t % m] += y[t] / trend
        } else {
            sums[t % m] += y[t] - trend
        }
        counts[t % m] += 1
    }
    for j in 0..<m where counts[j] > 0 { idx[j] = sums[j] / Double(counts[j]) }
    if multiplicative {
        let mean = idx.reduce(0, +) / Double(m)
        if mean > 0 { for j in 0..<m { idx[j] = max(idx[j] / mean, 0.01) } }
    } else {
        let mean = idx.reduce(0, +) / Double(m)
        for j in 0..<m { idx[j] -= mean }
    }
    return idx
}

/// Least-squares line through (i+1, v_i), i = 0..<n: returns (intercept at 0, slope).
func linearFit(_ v: UnsafeBufferPointer<Double>) -> (intercept: Double, slope: Double) {
    let n = v.count
    guard n > 1 else { return (n == 1 ? v[0] : 0, 0) }
    var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
    for i in 0..<n {
        let x = Double(i + 1)
        sx += x; sy += v[i]; sxx += x * x; sxy += x * v[i]
    }
    let dn = Double(n)
    let den = dn * sxx - sx * sx
    let slope = den != 0 ? (dn * sxy - sx * sy) / den : 0
    return ((sy - slope * sx) / dn, slope)
}
