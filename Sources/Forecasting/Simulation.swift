// Forecasting — simulated daily demand for tests and benchmarks.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Simulated daily station × product demand in m³/day, deterministic in `seed`.
///
/// Regular series (share 1 − `intermittentShare`): level 5–50 m³/day, weekly profile
/// (weekend factors 0.6–1.0), ±15% yearly cycle, slow trend up to ±20% over the span,
/// a random-walk level drift, and ~10% multiplicative noise. Intermittent series: demand
/// on 10–40% of days with sizes 1–10 m³.
///
///     let s = simulatedDailyDemand(count: 100, days: 730, seed: 1)
///
/// - Complexity: O(count · days).
public func simulatedDailyDemand(count: Int, days: Int, seed: UInt64,
                                 intermittentShare: Double = 0.1) -> [DailySeries] {
    var rng = SplitMix64(seed: seed)
    var out: [DailySeries] = []
    out.reserveCapacity(count)
    for _ in 0..<count {
        var v = [Double](repeating: 0, count: days)
        if rng.uniform() < intermittentShare {
            let p = 0.1 + 0.3 * rng.uniform(), size = 1 + 9 * rng.uniform()
            for t in 0..<days where rng.uniform() < p { v[t] = (size * (0.5 + rng.uniform())).rounded() }
        } else {
            let level = 5 + 45 * rng.uniform()
            var week = [Double](repeating: 1, count: 7)
            for d in 0..<7 { week[d] = 0.9 + 0.2 * rng.uniform() }
            week[5] = 0.6 + 0.4 * rng.uniform(); week[6] = 0.6 + 0.4 * rng.uniform()
            let yearly = 0.15 * rng.uniform(), phase = 2 * Double.pi * rng.uniform()
            let trend = (rng.uniform() - 0.5) * 0.4 / Double(max(days, 1))
            var drift = 1.0
            for t in 0..<days {
                drift *= 1 + 0.005 * rng.normal()
                let mean = level * drift * (1 + trend * Double(t)) * week[t % 7]
                    * (1 + yearly * sin(2 * Double.pi * Double(t) / 365.25 + phase))
                v[t] = max(0, mean * (1 + 0.1 * rng.normal()))
            }
        }
        out.append(DailySeries(start: 19_000, values: v))
    }
    return out
}
