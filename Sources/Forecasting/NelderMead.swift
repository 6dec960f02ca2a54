// Forecasting — bounded Nelder–Mead simplex minimiser.

/// Something that can be minimised over a box.
///
/// Objectives are value types evaluated through a generic (specialised, no
/// existential or closure in the fitting loop).
protocol Objective {
    /// Value at `x` (count = dimension). Return `.infinity` for infeasible points.
    mutating func value(_ x: UnsafeBufferPointer<Double>) -> Double
}

/// Result of a minimisation: the best point, its value and the number of evaluations.
struct Minimum {
    var x: [Double]
    var value: Double
    var evaluations: Int
}

/// Minimises `f` over the box `[lower, upper]` with the Nelder–Mead simplex method
/// (reflection 1, expansion 2, contraction ½, shrink ½). Trial points are projected onto
/// the box, so every evaluated point is feasible.
///
/// The initial simplex is `start` plus, in each coordinate, a step of 10% of the box
/// width (towards the interior when the step would leave the box). Stops when the spread
/// of simplex values falls below `tolerance · (|f_best| + 1e-12)` or after `maxEvaluations`.
///
///     var f = Quadratic()                      // some Objective
///     let m = nelderMead(&f, start: [0.5], lower: [0], upper: [1])
///
/// - Complexity: O(maxEvaluations · (d + cost of f)) time, O(d²) memory, allocated once.
func nelderMead<F: Objective>(_ f: inout F, start: [Double], lower: [Double], upper: [Double],
                              tolerance: Double = 1e-6, maxEvaluations: Int = 300) -> Minimum {
    let d = start.count
    precondition(d > 0 && lower.count == d && upper.count == d)
    // Simplex stored row-major: (d+1) rows of d coordinates.
    var simplex = [Double](repeating: 0, count: (d + 1) * d)
    var fv = [Double](repeating: 0, count: d + 1)
    var centroid = [Double](repeating: 0, count: d)
    var trial = [Double](repeating: 0, count: d)
    var trial2 = [Double](repeating: 0, count: d)
    var evals = 0

    @inline(__always) func clamp(_ v: Double, _ i: Int) -> Double { min(max(v, lower[i]), upper[i]) }
    @inline(__always) func eval(_ p: [Double]) -> Double {
        evals += 1
        let v = p.withUnsafeBufferPointer { f.value($0) }
        return v.isNaN ? .infinity : v
    }

    for i in 0..<d { simplex[i] = clamp(start[i], i) }
    for k in 1...d {
        for i in 0..<d { simplex[k * d + i] = simplex[i] }
        let i = k - 1
        let step = 0.1 * (upper[i] - lower[i])
        var v = simplex[i] + step
        if v > upper[i] { v = simplex[i] - step }
        simplex[k * d + i] = clamp(v, i)
    }
    for k in 0...d {
        for i in 0..<d { trial[i] = simplex[k * d + i] }
        fv[k] = eval(trial)
    }
    var order = Array(0...d)

    while evals < maxEvaluations {
        // Sort vertex indices by value (d is tiny: insertion sort).
        for a in 1...d {
            let key = order[a]; var b = a - 1
            while b >= 0 && fv[order[b]] > fv[key] { order[b + 1] = order[b]; b -= 1 }
            order[b + 1] = key
        }
        let best = order[0], worst = order[d], second = order[d - 1]
        let fBest = fv[best], fWorst = fv[worst]
        if fWorst.isFinite && fWorst - fBest <= tolerance * (abs(fBest) + 1e-12) { break }

        for i in 0..<d { centroid[i] = 0 }
        for k in 0..<d {
            let r = order[k]
            for i in 0..<d { centroid[i] += simplex[r * d + i] }
        }
        for i in 0..<d { centroid[i] /= Double(d) }

        // Reflection.
        for i in 0..<d { trial[i] = clamp(centroid[i] + (centroid[i] - simplex[worst * d + i]), i) }
        let fr = eval(trial)
        if fr < fBest {
            for i in 0..<d { trial2[i] = clamp(centroid[i] + 2 * (centroid[i] - simplex[worst * d + i]), i) }
            let fe = eval(trial2)
            if fe < fr {
                for i in 0..<d { simplex[worst * d + i] = trial2[i] }; fv[worst] = fe
            } else {
                for i in 0..<d { simplex[worst * d + i] = trial[i] }; fv[worst] = fr
            }
            continue
        }
        if fr < fv[second] {
            for i in 0..<d { simplex[worst * d + i] = trial[i] }; fv[worst] = fr
            continue
        }
        // Contraction (outside if the reflection improved on the worst, else inside).
        let outside = fr < fWorst
        for i in 0..<d {
            let w = outside ? trial[i] : simplex[worst * d + i]
            trial2[i] = clamp(centroid[i] + 0.5 * (w - centroid[i]), i)
        }
        let fc = eval(trial2)
        if fc < min(fr, fWorst) {
            for i in 0..<d { simplex[worst * d + i] = trial2[i] }; fv[worst] = fc
            continue
        }
        // Shrink towards the best vertex.
        for k in 0...d where k != best {
            for i in 0..<d {
                simplex[k * d + i] = simplex[best * d + i] + 0.5 * (simplex[k * d + i] - simplex[best * d + i])
                trial[i] = simplex[k * d + i]
            }
            fv[k] = eval(trial)
        }
    }
    var bi = 0
    for k in 1...d where fv[k] < fv[bi] { bi = k }
    return Minimum(x: Array(simplex[(bi * d)..<(bi * d + d)]), value: fv[bi], evaluations: evals)
}
