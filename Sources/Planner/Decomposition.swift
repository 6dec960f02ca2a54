// Decomposition.swift — Dantzig–Wolfe column generation for the shared (coupling) rows.
import Foundation
import FuelFlowModel
import GLPK
import NetworkFlow

/// Dantzig–Wolfe decomposition of the planning LP over the rows that couple products (shared
/// lane capacities, node throughputs).
///
/// Each product's feasible set X_p is its time-expanded flow polytope (with every shared limit
/// also applied per arc, which the joint rows imply). The master LP (GLPK) chooses a convex
/// combination of proposals x_pk ∈ X_p per product subject to the coupling rows; its duals
/// π ≤ 0 price the coupling rows, and the pricing problem per product is our network simplex
/// with lane costs c + μ, μ = −π rounded to the pricing cost scale (so the pricing is exact for
/// the rounded μ̃). Every pricing round gives the Lagrangian lower bound
/// `LB = Σ_p min_{x ∈ X_p} (c + μ̃A)x − μ̃·cap`, valid for any μ̃ ≥ 0, and the master gives an
/// upper bound UB (a feasible plan once its artificial slacks are 0). The route stops when
/// `UB − LB ≤ gap · max(1, |UB|)` (gap 1e-8 by default): the combined plan is then optimal within that gap — the
/// certificate is independent of how the duals were rounded.
///
/// Only coupling rows that some combination of proposals can violate are put into the master
/// (a row with Σ_p max_k use_pk ≤ cap can never bind, its dual is 0).
enum Decomposition {
    struct Proposal {
        var product: Int
        var cost: Double
        var use: [(Int32, Double)]
        var x: [(Int32, Double)]
    }

    /// `Outcome.stopReason` of a decomposition that stopped after its heuristic rounds for the
    /// caller to go on from its best plan (``LeafDecomposition``'s `handOffBeforeMaster`).
    static let handedOff = "rounds done, handed on before the master"

    struct Outcome {
        /// The best feasible plan found (empty when the master never became feasible).
        var x: [Double]
        var y: [Double]
        /// Objective of `x` (the upper bound), +∞ without a plan.
        var objective: Double
        var lowerBound: Double
        /// (objective − lowerBound) / max(1, |objective|).
        var relativeGap: Double
        /// The gap reached the tolerance: `x` is optimal within it.
        var converged: Bool
        var iterations: Int
        var proposals: Int
        var masterRows: Int
        var stopReason: String
        var masterSeconds = 0.0
        var pricingSeconds = 0.0
        /// Capacity-respecting plans before the first master (station blocks): from shares, and
        /// re-solved with the room their products left handed on (``improvedByRedistribution``).
        var heuristicRounds = 0
        var redistributions = 0
        var heuristicSeconds = 0.0
        /// With ``Decomposition/handedOff``: the sessions the rounds made their plans on (split
        /// nodes, real costs, the last plan's limits as capacities), for the caller to go on from.
        var planSessions: PricingSessions? = nil
    }

    static func columnProducts(_ m: PlanModel) -> [Int32] {
        var cp = [Int32](repeating: 0, count: m.columnCount)
        for l in 0..<m.network.lanes.count where m.laneSpan[l] > 0 {
            for (k, p) in m.laneProducts[l].enumerated() {
                for t in 0..<m.laneSpan[l] { cp[m.laneColumnStart[l] + k * m.laneSpan[l] + t] = Int32(p) }
            }
        }
        for (k, pr) in m.network.production.enumerated() { for t in 0..<m.T { cp[m.productionBase + k * m.T + t] = Int32(pr.product) } }
        for (k, st) in m.network.storage.enumerated() {
            for t in 0..<m.T { cp[m.storageBase + k * m.T + t] = Int32(st.product) }
            if m.safetyColumnStart[k] >= 0 { for t in 0..<m.T { cp[m.safetyColumnStart[k] + t] = Int32(st.product) } }
        }
        for e in 0..<m.demandVolume.count { cp[m.shortfallBase + e] = m.demandProduct[e] }
        return cp
    }

    /// Runs column generation from the relaxation's flows `x0` (objective `relaxationObjective`,
    /// itself the Lagrangian bound at multipliers 0) until the relative gap between the best
    /// feasible master plan and the best Lagrangian bound is ≤ `gapTolerance`, or until
    /// `maxIterations` rounds or the `deadline`. Returns the best feasible plan found with its
    /// certified gap (`converged` tells which); nil only when a subproblem fails.
    ///
    /// The first master already has a feasible plan whenever the capacity-share heuristic's
    /// flows exist for every product (each product limited to an equal share of every shared
    /// limit: together they satisfy every shared row); until the master's artificial columns
    /// (bigM per m³ over a limit) are 0 there is no upper bound.
    static func bigMLimit(_ maxCost: Double) -> Double { 1e4 * maxCost + 1000 }

    /// The pricing problems' cost scale: as fine as the Int64 ranges allow for costs plus shared-row
    /// prices up to the largest dual box (≥ the data's own scale), so a rounded μ̃ stays close to μ.
    static func pricingScaling(_ m: PlanModel, base: FlowScaling) -> FlowScaling {
        var maxCost = 1.0
        for c in m.columnCost { maxCost = max(maxCost, abs(c)) }
        let bigMLimit = bigMLimit(maxCost)
        // Pricing cost scale: as fine as the Int64 ranges allow (≥ the data's own scale).
        var maxNodes = 1
        for p in 0..<m.P { maxNodes = max(maxNodes, m.productRowStart[p + 1] - m.productRowStart[p] + 2) }
        let allowed = Double(MinCostFlowProblem.costRangeLimit) / Double(maxNodes + 1) / (maxCost + 2 * bigMLimit + 1) / 4
        var extraDecimals = 0
        while extraDecimals < 9 && pow10(base.costDecimals + extraDecimals + 1) <= allowed { extraDecimals += 1 }
        let sc = FlowScaling(volumeDecimals: base.volumeDecimals, costDecimals: base.costDecimals + extraDecimals)
        return sc
    }

    /// Capacity-respecting per-product flows (`x0`: flows of at least the lane columns, whose use
    /// of the shared rows sets the shares): per-product limits whose sum over the products
    /// respects every shared row, so together they are a feasible plan (shortfall arcs keep each
    /// product feasible unless a production minimum has nowhere to go; such a product is reported
    /// not `ok` and its columns are 0). A shared lane capacity limits each of its columns; a
    /// throughput limits each product's outflow at the node and day (``FlowRoute/build``'s split
    /// node), so the product's flows choose which lanes use its share. Two kinds of limits:
    /// proportional — the relaxation's use scaled down on violated rows, min(1, cap_r/use_r)·use,
    /// plus spare room max(0, cap_r − use_r) shared equally; equal shares — cap_r/n_r.
    ///
    /// `caps[j]` (lane columns) are per-column limits derived from the plan: its flow plus an
    /// equal part of each shared row's room left, the least over the column's rows. They sum
    /// within every shared row and are exact at the volume scale (`floor(caps[j]·scale)` is the
    /// scaled limit), so the plan is feasible under them.
    ///
    /// With `sessions` that have the throughput split nodes (``PricingSessions/splitThroughput``),
    /// the flows are re-solved warm from the sessions' trees with the shares set as capacities.
    static func capacityRespectingFlows(_ m: PlanModel, x0: [Double], scaling base: FlowScaling, threads: Int,
                                        equalShares: Bool, deadline: ContinuousClock.Instant?,
                                        sessions: PricingSessions? = nil) -> SharedPlan {
        let K = m.couplingRowCount, cb = m.laneCapacityBase, tb = m.throughputBase, P = m.P
        let H = m.safetyRowBase - tb
        let cp = columnProducts(m)
        var use = [Double](repeating: 0, count: K)
        let n = sharedRowColumnCounts(m)
        var productUse = [Double](repeating: 0, count: P * H), present = [Bool](repeating: false, count: P * H)
        for j in 0..<m.productionBase {
            let p = Int(cp[j])
            for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                let r = Int(m.entryRow[e])
                guard r >= cb && r < cb + K else { continue }
                use[r - cb] += x0[j]
                if r >= tb { productUse[p * H + r - tb] += x0[j]; present[p * H + r - tb] = true }
            }
        }
        var share = [Double](repeating: 0, count: P * H)
        for h in 0..<H {
            let r = tb + h, cap = m.rowUpper[r], u = use[r - cb]
            let k = Double((0..<P).filter { present[$0 * H + h] }.count)
            let f = u > cap ? cap / u : 1
            for p in 0..<P where present[p * H + h] {
                share[p * H + h] = equalShares ? cap / k : productUse[p * H + h] * f * (1 - 1e-12) + max(0, cap - u) / k
            }
        }
        var columnCap = [Double](repeating: .infinity, count: m.productionBase)
        for j in 0..<m.productionBase {
            for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                let r = Int(m.entryRow[e])
                guard r >= cb && r < tb else { continue }
                let cap = m.rowUpper[r], u = use[r - cb], k = n[r - cb]
                let f = u > cap ? cap / u : 1
                columnCap[j] = min(columnCap[j], equalShares ? cap / k : x0[j] * f * (1 - 1e-12) + max(0, cap - u) / k)
            }
        }
        return flowsUnderShares(m, columnCap: columnCap, throughputShare: share, scaling: base, threads: threads,
                                deadline: deadline, sessions: sessions, columnProducts: cp, rowColumnCounts: n)
    }

    /// The number of lane columns in each coupling row (index r − laneCapacityBase).
    static func sharedRowColumnCounts(_ m: PlanModel) -> [Double] {
        let K = m.couplingRowCount, cb = m.laneCapacityBase
        var n = [Double](repeating: 0, count: K)
        for j in 0..<m.productionBase {
            for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                let r = Int(m.entryRow[e])
                if r >= cb && r < cb + K { n[r - cb] += 1 }
            }
        }
        return n
    }

    /// A capacity-respecting plan: each product's flows under its own limits (`columnCap` per lane
    /// column, `throughputShare[p·H + h]` per product and throughput row), which must sum within
    /// every shared row. See ``capacityRespectingFlows(_:x0:scaling:threads:equalShares:deadline:sessions:)``.
    /// `columnProducts` and `rowColumnCounts`, when the caller has them, are
    /// ``columnProducts(_:)`` and ``sharedRowColumnCounts(_:)`` of `m`.
    static func flowsUnderShares(_ m: PlanModel, columnCap: [Double], throughputShare share: [Double], scaling base: FlowScaling,
                                 threads: Int, deadline: ContinuousClock.Instant?, sessions: PricingSessions?,
                                 columnProducts known: [Int32]? = nil, rowColumnCounts knownCounts: [Double]? = nil) -> SharedPlan {
        let cp = known ?? columnProducts(m)
        let n = knownCounts ?? sharedRowColumnCounts(m)
        let h = FlowRoute.solve(m, scaling: sessions?.scaling ?? base, relaxCoupling: true, threads: threads, columnCap: columnCap,
                                throughputCap: share, deadline: deadline, sessions: sessions)
        let ok = h.productStatus.map { $0 == .optimal || $0 == .objectiveOverflow }
        var xs = h.x
        for j in 0..<m.columnCount where !ok[Int(cp[j])] { xs[j] = 0 }
        return SharedPlan(x: xs, ok: ok, caps: shareCaps(m, xs, scaling: base, rowColumnCounts: n), sharePrice: h.sharePrice,
                          columnCap: columnCap, throughputShare: share)
    }

    /// Per lane column of the flows `xs`: its flow plus an equal part (among the row's `n` lane
    /// columns, ``sharedRowColumnCounts(_:)``) of each of its shared rows' room left.
    static func shareCaps(_ m: PlanModel, _ xs: [Double], scaling base: FlowScaling, rowColumnCounts n: [Double]) -> [Double] {
        let K = m.couplingRowCount, cb = m.laneCapacityBase
        // Per-column limits around the plan, in scaled units.
        let vs = base.volumeScale
        var room = [Double](repeating: 0, count: K)
        for r in 0..<K { room[r] = (m.rowUpper[cb + r] * vs).rounded(.down) }
        for j in 0..<m.productionBase where xs[j] != 0 {
            for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                let r = Int(m.entryRow[e])
                if r >= cb && r < cb + K { room[r - cb] -= (xs[j] * vs).rounded() }
            }
        }
        var caps = [Double](repeating: .infinity, count: m.productionBase)
        for j in 0..<m.productionBase {
            let v = (xs[j] * vs).rounded()
            for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                let r = Int(m.entryRow[e])
                guard r >= cb && r < cb + K else { continue }
                // Half a unit above the limit: flooring at the volume scale gives it back exactly.
                caps[j] = min(caps[j], (v + (max(0, room[r - cb]) / n[r - cb]).rounded(.down) + 0.5) / vs)
            }
        }
        return caps
    }

    /// Per-product flows under per-product limits on the shared rows (see ``flowsUnderShares``).
    struct SharedPlan {
        /// The flows (0 for a product that is not `ok`).
        var x: [Double]
        /// Per product: its flows are optimal under its limits (after
        /// ``keepingUnfinished(_:_:from:scaling:)``, a kept product's flows only meet them).
        var ok: [Bool]
        /// Per lane column: its flow plus an equal part of each of its shared rows' room left.
        var caps: [Double]
        /// `sharePrice[p·K + r]`: the shadow price of product p's limit on coupling row r.
        var sharePrice: [Double]
        /// The limits the flows were solved under.
        var columnCap: [Double], throughputShare: [Double]
    }

    /// `plan` re-solved under ``redistributingRoom(_:_:scaling:)``'s limits while a re-solve takes
    /// more than `minGain` (relative) off the cost, at most `limit` times (national: the first
    /// re-solve takes 0.026 % off the first plan, the next ones 0.0014 %, 0.0003 %, …). Returns the
    /// cheapest plan found (never dearer than `plan`), its cost, the number of re-solves and the
    /// number of products whose flows it kept from the plan before (a re-solve cut short by the
    /// deadline: the products it finished still count).
    static func improvedByRedistribution(_ m: PlanModel, _ plan: SharedPlan, scaling base: FlowScaling, threads: Int,
                                         limit: Int, minGain: Double = 1e-6, deadline: ContinuousClock.Instant,
                                         sessions: PricingSessions) -> (plan: SharedPlan, cost: Double, resolves: Int, keptProducts: Int) {
        var best = plan, cost = m.objective(of: plan.x), resolves = 0, kept = 0
        let clock = ContinuousClock()
        while resolves < limit, clock.now < deadline, let limits = redistributingRoom(m, best, scaling: base) {
            let t = clock.now
            var next = flowsUnderShares(m, columnCap: limits.columnCap, throughputShare: limits.throughputShare,
                                        scaling: base, threads: threads, deadline: deadline, sessions: sessions)
            resolves += 1
            let unfinished = next.ok.filter { !$0 }.count
            // Products cut short (by the deadline: national `--time-limit 60`) keep their flows,
            // and the others' re-solves still count.
            if unfinished > 0 {
                guard unfinished < m.P else { break }
                next = keepingUnfinished(m, next, from: best, scaling: base)
            }
            let c = m.objective(of: next.x)
            debugLog("room redistributed: \(cost) → \(c) (\(fmt((clock.now - t).seconds)) s, \(unfinished) product(s) kept)")
            guard c < cost else { break }
            let gain = (cost - c) / max(1, abs(cost))
            best = next; cost = c; kept = unfinished
            if gain <= minGain || unfinished > 0 { break }
        }
        return (best, cost, resolves, kept)
    }

    /// `next` (the re-solve under ``redistributingRoom(_:_:scaling:)``'s limits) with the flows of
    /// its unfinished products (`ok` false) taken from `previous`, the plan whose room it
    /// redistributed. Those limits leave every product's previous flows feasible and sum within
    /// every shared row, so the mix respects the shared rows, and costs no more than `previous`
    /// (each finished product is optimal under limits its previous flows meet). The kept products'
    /// share prices are `previous`'s; the caps are recomputed from the mixed flows.
    static func keepingUnfinished(_ m: PlanModel, _ next: SharedPlan, from previous: SharedPlan, scaling base: FlowScaling) -> SharedPlan {
        let K = m.couplingRowCount
        let cp = columnProducts(m)
        var out = next
        for j in 0..<m.columnCount where !next.ok[Int(cp[j])] { out.x[j] = previous.x[j] }
        if out.sharePrice.count == m.P * K && previous.sharePrice.count == m.P * K {
            for p in 0..<m.P where !next.ok[p] {
                for r in 0..<K { out.sharePrice[p * K + r] = previous.sharePrice[p * K + r] }
            }
        }
        out.caps = shareCaps(m, out.x, scaling: base, rowColumnCounts: sharedRowColumnCounts(m))
        out.ok = .init(repeating: true, count: m.P)
        return out
    }

    /// Limits that hand each shared row's room left by `plan` to the products whose limit there
    /// binds with a positive price (in proportion to the price), and trim the other products'
    /// limits to their flows. Every product's flows stay feasible under its new limits, so
    /// re-solving gives a plan at least as cheap; nil when no row has room a priced product could use.
    static func redistributingRoom(_ m: PlanModel, _ plan: SharedPlan, scaling base: FlowScaling) -> (columnCap: [Double], throughputShare: [Double])? {
        let K = m.couplingRowCount, cb = m.laneCapacityBase, tb = m.throughputBase, P = m.P
        guard plan.sharePrice.count == P * K else { return nil }
        let H = m.safetyRowBase - tb
        let cp = columnProducts(m)
        // A quarter unit above each flow (flooring at the volume scale gives it back exactly), and
        // a unit to spare per row.
        let unit = 1 / base.volumeScale, margin = unit / 4, slack = Double(P) * margin + unit
        var use = [Double](repeating: 0, count: P * K)
        for j in 0..<m.productionBase where plan.x[j] != 0 {
            let p = Int(cp[j])
            for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                let r = Int(m.entryRow[e]) - cb
                if r >= 0 && r < K { use[p * K + r] += m.entryValue[e] * plan.x[j] }
            }
        }
        var columnCap = plan.columnCap, share = plan.throughputShare
        var changed = false
        // Room per row, and the price mass of the products that would use more.
        var room = [Double](repeating: 0, count: K), priced = [Double](repeating: 0, count: K)
        for r in 0..<K {
            var u = 0.0, w = 0.0
            for p in 0..<P { u += use[p * K + r]; w += plan.sharePrice[p * K + r] }
            room[r] = m.rowUpper[cb + r] - u
            priced[r] = room[r] > slack + unit ? w : 0
        }
        for h in 0..<H where priced[tb - cb + h] > 0 {
            let r = tb - cb + h
            for p in 0..<P where share[p * H + h] > 0 || plan.sharePrice[p * K + r] > 0 {
                let price = plan.sharePrice[p * K + r]
                share[p * H + h] = use[p * K + r] + margin + (room[r] - slack) * price / priced[r]
            }
            changed = true
        }
        for j in 0..<m.productionBase where columnCap[j].isFinite {
            let p = Int(cp[j])
            for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                let r = Int(m.entryRow[e]) - cb
                guard r >= 0 && r < tb - cb, priced[r] > 0 else { continue }
                columnCap[j] = plan.x[j] + margin + (room[r] - slack) * plan.sharePrice[p * K + r] / priced[r]
                changed = true
            }
        }
        return changed ? (columnCap, share) : nil
    }

    /// Lower bound from the capacity-respecting plan's share prices: the Lagrangian function at
    /// μ_r = the mean over products of the shadow price of each product's share of row r (the
    /// products' marginal values of the limit as the plan divided it), then up to `steps`
    /// steps of Polyak's size θ·(upperBound − best)/‖g‖² (θ from 0.2, halved after 3 steps
    /// without a better bound) along g, the shared rows' excess of the lane flows averaged over
    /// `prior` (the earlier evaluations' average and count) and this phase's evaluations, while
    /// the steps take at most `budget` (default: a tenth of the time left). Each
    /// evaluation re-solves the relaxation's sessions warm (national: 4 s, then ~1.5 s a step).
    /// Returns the best bound, its duals (balance rows: the flows' potentials; shared rows: −μ)
    /// and the lane columns' flows averaged over this phase's evaluations (an ergodic average,
    /// nearer an optimal plan than any one evaluation's vertex) with the number of evaluations in
    /// that average; nil when no evaluation finished. Stops
    /// early once the bound is within `gapTolerance` (relative) of `upperBound`.
    static func lagrangianPhase(_ m: PlanModel, sharePrice: [Double], upperBound: Double, sessions: PricingSessions,
                                threads: Int, steps: Int = 20, budget: Duration? = nil, gapTolerance: Double = 0,
                                prior: (x: [Double], count: Int)? = nil,
                                deadline: ContinuousClock.Instant,
                                progress: (@Sendable (String) -> Void)?) -> (bound: Double, y: [Double], x: [Double], evaluations: Int)? {
        let clock = ContinuousClock()
        let start = clock.now
        let budget = budget ?? (deadline - start) / 10
        let K = m.couplingRowCount, P = m.P, cb = m.laneCapacityBase
        var mu = [Double](repeating: 0, count: K)
        for r in 0..<K {
            var s = 0.0
            for p in 0..<P { s += sharePrice[p * K + r] }
            mu[r] = s / Double(P)
        }
        var best: (bound: Double, y: [Double], x: [Double], evaluations: Int)? = nil
        var average: [Double] = []
        var theta = 0.2, fails = 0, taken = 0, raisedBySteps = false
        func report(_ what: String) {
            guard let b = best?.bound else { return }
            progress?("\(what): \(b) (relative gap \(fmt(100 * (upperBound - b) / max(1, abs(upperBound))))%, \(fmt((clock.now - start).seconds)) s)")
        }
        var g = [Double](repeating: 0, count: K)
        for step in 0...steps {
            if step > 0 && clock.now - start > budget { break }
            let te = clock.now
            guard let l = lagrangianBound(m, mu: mu, scaling: sessions.scaling, threads: threads,
                                          deadline: deadline, sessions: sessions) else { break }
            debugLog("Lagrangian step \(step): \(l.bound), \(l.flows.pivots) pivots, evaluation \(fmt((clock.now - te).seconds)) s")
            // Lane columns only: the shares are computed from them.
            if average.isEmpty { average = Array(l.flows.x[0..<m.productionBase]) } else {
                let w = 1 / Double(step + 1)
                for j in 0..<average.count { average[j] += w * (l.flows.x[j] - average[j]) }
            }
            if l.bound > best?.bound ?? -.infinity {
                var y = l.flows.y
                for r in 0..<K { y[cb + r] = -l.mu[r] }
                best = (l.bound, y, [], 0)
                fails = 0
                if step > 0 { raisedBySteps = true }
            } else {
                fails += 1
                if fails >= 3 { theta /= 2; fails = 0 }
            }
            let b = best!.bound
            taken = step
            if step == 0 { report("Lagrangian bound at the plan's share prices") }
            // Direction: row activity − limit (0 where μ_r = 0 and the row is slack) of the lane
            // flows averaged over every evaluation so far — the earlier rounds' (`prior`) and this
            // phase's — rather than of this evaluation's vertex (the subgradient): the idea of the
            // volume algorithm (Barahona & Anbil 2000). National at 150 s: gap 0.009 % instead of
            // 0.013 %.
            var act = [Double](repeating: 0, count: K)
            let wPrior = prior.map { Double($0.count) / Double($0.count + step + 1) } ?? 0
            for j in 0..<m.productionBase {
                let xj = wPrior > 0 ? wPrior * prior!.x[j] + (1 - wPrior) * average[j] : average[j]
                if xj == 0 { continue }
                for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                    let r = Int(m.entryRow[e]) - cb
                    if r >= 0 && r < K { act[r] += m.entryValue[e] * xj }
                }
            }
            var norm = 0.0
            for r in 0..<K {
                let v = act[r] - m.rowUpper[cb + r]
                g[r] = l.mu[r] <= 0 && v < 0 ? 0 : v
                norm += g[r] * g[r]
            }
            guard norm > 0, upperBound - b > gapTolerance * max(1, abs(upperBound)) else { break }
            let size = theta * (upperBound - b) / norm
            for r in 0..<K { mu[r] = max(0, l.mu[r] + size * g[r]) }
        }
        if raisedBySteps { report("Lagrangian bound after \(taken) subgradient step(s)") }
        if best != nil { best!.x = average; best!.evaluations = taken + 1 }
        return best
    }

    /// The Lagrangian function at shared-row prices μ ≥ 0 (per coupling row):
    /// L(μ) = Σ_p min { (c + μA)x_p : p's flows, shared limits as per-arc bounds } − μ·limits,
    /// a lower bound on the optimum for any μ ≥ 0. μ is rounded to `sc`'s cost unit first, so the
    /// flows' integer costs are exactly c + μA. Nil when a flow problem does not end optimal.
    static func lagrangianBound(_ m: PlanModel, mu: [Double], scaling sc: FlowScaling, threads: Int,
                                deadline: ContinuousClock.Instant?, sessions: PricingSessions? = nil) -> (bound: Double, mu: [Double], flows: FlowOutcome)? {
        let mu = mu.map { max(0, ($0 * sc.costScale).rounded()) / sc.costScale }
        let extra = laneSurcharges(m, mu: mu)
        let out = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: threads, extra: extra,
                                  deadline: deadline, sessions: sessions)
        guard out.status == .optimal || out.status == .objectiveOverflow else { return nil }
        return (lagrangianValue(m, mu: mu, surcharges: extra, flows: out.x), mu, out)
    }

    /// Σ_r μ_r·a_rj for each lane column j (the shared-row prices on its cost; 0 elsewhere).
    static func laneSurcharges(_ m: PlanModel, mu: [Double]) -> [Double] {
        let K = m.couplingRowCount, cb = m.laneCapacityBase
        var extra = [Double](repeating: 0, count: m.columnCount)
        for j in 0..<m.productionBase {
            for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                let r = Int(m.entryRow[e]) - cb
                if r >= 0 && r < K { extra[j] += mu[r] }
            }
        }
        return extra
    }

    /// L(μ) at the per-product flows that minimise (c + surcharges)·x: Σ (c + surcharges)·x − μ·limits.
    static func lagrangianValue(_ m: PlanModel, mu: [Double], surcharges extra: [Double], flows x: [Double]) -> Double {
        var l = 0.0
        for j in 0..<m.columnCount where x[j] != 0 { l += (m.columnCost[j] + extra[j]) * x[j] }
        for r in 0..<m.couplingRowCount where mu[r] != 0 { l -= mu[r] * m.rowUpper[m.laneCapacityBase + r] }
        return l
    }

    /// `sessions`: the relaxation's network simplex sessions at ``pricingScaling(_:base:)`` (its
    /// optimal trees are the pricing's warm start at μ = 0); nil to start the pricing cold.
    static func solve(_ m: PlanModel, scaling base: FlowScaling, x0: [Double], relaxationObjective: Double,
                      threads: Int, maxIterations: Int = 300, deadline: ContinuousClock.Instant,
                      gapTolerance: Double = 1e-8, sessions: PricingSessions? = nil,
                      progress: (@Sendable (String) -> Void)?) -> Outcome? {
        let clock = ContinuousClock()
        let K = m.couplingRowCount, P = m.P, cb = m.laneCapacityBase
        let cp = columnProducts(m)
        var maxCost = 1.0
        for c in m.columnCost { maxCost = max(maxCost, abs(c)) }
        // Cost per m³ of the master's artificial columns (m³ over a shared limit). It bounds the
        // master's duals (|π| ≤ bigM): a box that keeps the early duals, and so the pricing, from
        // overshooting. It only shapes convergence: a plan counts as an upper bound only when its
        // artificials are 0, and the Lagrangian bound is valid for any μ. It starts at the dearest
        // lane cost per m³ (the price of a shared limit is the extra cost of the next-best route,
        // of that order) and grows ×10 whenever the master still needs artificials but no column
        // improves it (the penalised master is then optimal: the box is too tight). On the example
        // this start needs 17 % fewer rounds than 100 × the dearest column cost; on a 3,000-station
        // network the gap after 90 s is 10× smaller. The pricing cost scale is sized for the
        // largest value the box can reach.
        var maxLaneCost = 1.0
        for lane in m.network.lanes { maxLaneCost = max(maxLaneCost, abs(lane.costPerM3)) }
        let bigMLimit = bigMLimit(maxCost)
        var bigM = min(maxLaneCost, bigMLimit)
        let sc = pricingScaling(m, base: base)
        precondition(sessions == nil || sessions!.scaling == sc, "the relaxation's sessions must use the pricing scale")

        var proposals: [Proposal] = []
        var maxUse = [Double](repeating: 0, count: P * K)
        var active = [Bool](repeating: false, count: K)
        var scratch = [Double](repeating: 0, count: K)

        func addProposals(_ x: [Double], only: [Bool]? = nil) {
            var perProduct = [[(Int32, Double)]](repeating: [], count: P)
            var cost = [Double](repeating: 0, count: P)
            for j in 0..<m.columnCount where x[j] != 0 {
                let p = Int(cp[j])
                perProduct[p].append((Int32(j), x[j]))
                cost[p] += m.columnCost[j] * x[j]
            }
            for p in 0..<P where only?[p] ?? true {
                var touched: [Int32] = []
                for (j, v) in perProduct[p] where Int(j) < m.productionBase {
                    for e in m.columnEntryStart[Int(j)]..<m.columnEntryStart[Int(j) + 1] {
                        let r = Int(m.entryRow[e])
                        if r >= cb && r < cb + K {
                            if scratch[r - cb] == 0 { touched.append(Int32(r - cb)) }
                            scratch[r - cb] += v
                        }
                    }
                }
                touched.sort()
                var use: [(Int32, Double)] = []
                use.reserveCapacity(touched.count)
                for r in touched {
                    let v = scratch[Int(r)]; scratch[Int(r)] = 0
                    use.append((r, v))
                    maxUse[p * K + Int(r)] = max(maxUse[p * K + Int(r)], v)
                }
                proposals.append(Proposal(product: p, cost: cost[p], use: use, x: perProduct[p]))
            }
        }
        func refreshActive() {
            for r in 0..<K where !active[r] {
                var s = 0.0
                for p in 0..<P { s += maxUse[p * K + r] }
                let cap = m.rowUpper[cb + r]
                if s > cap + 1e-9 * max(1, abs(cap)) { active[r] = true }
            }
        }
        /// The plan of master weights λ: Σ λ_k x_k, with b = max(0, safety − s) (≤ the
        /// combination's b by convexity, so still feasible and no dearer).
        func combine(_ lambda: [Double]) -> [Double] {
            var x = [Double](repeating: 0, count: m.columnCount)
            for (k, pr) in proposals.enumerated() where k < lambda.count {
                let l = lambda[k]
                if l <= 0 { continue }
                for (j, v) in pr.x { x[Int(j)] += l * v }
            }
            for (k, st) in m.network.storage.enumerated() where m.safetyColumnStart[k] >= 0 {
                for t in 0..<m.T {
                    x[m.safetyColumnStart[k] + t] = max(0, st.safetyM3 - x[m.storageBase + k * m.T + t])
                }
            }
            return x
        }

        addProposals(x0)
        let referenceCost = proposals.map(\.cost)
        // Capacity-respecting heuristic columns (``capacityRespectingFlows``): these columns alone
        // are a feasible master from round 1.
        var lastPricing = 0.0
        var heuristicPlan: [Double] = []  // master weights of the proportional columns, when all P exist
        for name in ["proportional", "equal-share"] {
            // Equal shares only for products without proportional columns (another full solve
            // per product: ~20 s on the national network, for columns 2.5× dearer).
            if name != "proportional" && (!heuristicPlan.isEmpty || clock.now + .seconds(lastPricing) > deadline) { break }
            let t = clock.now
            // The proportional columns always (the plan the time limit returns at worst).
            let h = capacityRespectingFlows(m, x0: x0, scaling: base, threads: threads, equalShares: name != "proportional",
                                            deadline: name == "proportional" ? nil : deadline)
            lastPricing = (clock.now - t).seconds
            if name == "proportional" && h.ok.allSatisfy({ $0 }) {
                heuristicPlan = [Double](repeating: 0, count: proposals.count) + [Double](repeating: 1, count: P)
            }
            addProposals(h.x, only: h.ok)
            progress?("decomposition: \(name) capacity-respecting columns for \(h.ok.filter { $0 }.count) of \(P) product(s), cost \(m.objective(of: h.x)) (\(fmt(lastPricing)) s)")
        }
        refreshActive()
        var bestLB = relaxationObjective
        var bestY: [Double] = []
        // μ = 0 is the relaxation's multiplier vector: the first stability centre of the smoothing.
        var bestMu = [Double](repeating: 0, count: K)
        var bestUB = Double.infinity
        var bestX: [Double] = []
        if !heuristicPlan.isEmpty {  // a feasible plan before any master (whatever the box)
            bestX = combine(heuristicPlan)
            bestUB = m.objective(of: bestX)
        }
        // Rounds since each proposal was last basic in the master; the pool drops proposals
        // idle for `maxIdleRounds` (their columns' nonzeros are most of the master's work: each
        // proposal uses most shared rows). A dropped proposal can come back from the pricing.
        var idle: [Int] = []
        let maxIdleRounds = 30
        var lastRows = 0
        var masterSeconds = 0.0, pricingSeconds = 0.0
        var master: MasterLP? = nil
        let smoothing = 0.7
        var lastArtificial = 0.0
        var iter = 0
        var stop = "round limit"
        var stall = BoundStall(limit: LeafDecomposition.stallRounds)
        func finish(converged: Bool) -> Outcome {
            let x = bestX
            let obj = x.isEmpty ? Double.infinity : m.objective(of: x)
            let gap = x.isEmpty ? Double.infinity : max(0, obj - bestLB) / max(1, abs(obj))
            return Outcome(x: x, y: bestY, objective: obj, lowerBound: bestLB, relativeGap: gap,
                           converged: converged || gap <= gapTolerance, iterations: iter, proposals: proposals.count,
                           masterRows: lastRows, stopReason: stop, masterSeconds: masterSeconds, pricingSeconds: pricingSeconds)
        }
        // Pricing re-solves each product warm from its previous optimal tree (only lane costs change).
        let sessions = sessions ?? PricingSessions(products: P, scaling: sc)
        rounds: while iter < maxIterations {
            // The first master is always solved: with the heuristic columns it is a feasible plan.
            if iter > 0 && clock.now > deadline { stop = "time limit"; break }
            iter += 1
            // --- master
            let tm = clock.now
            var ms: LinearProgram.Solution? = nil
            var masterTimedOut = false
            let remaining = max(1, (deadline - clock.now).seconds)
            // Primal simplex from the previous round's basis (new columns enter nonbasic at 0 and
            // new rows' slacks basic, so it is still primal feasible); on numerical trouble (GLPK
            // fails or ends without an optimum) the master is rebuilt and solved cold, once.
            for cold in [false, true] {
                do {
                    if cold || master == nil { master = try MasterLP(products: P, couplingRows: K) }
                    try master!.sync(proposals, active: active, capacity: { m.rowUpper[cb + $0] }, bigM: bigM, reference: referenceCost)
                    let size = master!.activeRows.count + P + 2 * proposals.count
                    // Scaled: the proposals are whole product flows, entries from a few m³ to 10⁶;
                    // unscaled, GLPK's primal simplex fell into endless "numerical instability"
                    // loops on the example's master (3 in 320 rounds, each ended by the limit).
                    var o = LinearProgram.SolveOptions(method: cold ? .dualSimplex : .primalSimplex, timeLimit: remaining,
                                                       iterationLimit: masterIterationLimit(size))
                    o.scaling = true
                    let s = try master!.problem.solve(o)
                    if s.status == .optimal { ms = s; break }
                    if s.termination == .timeLimit { masterTimedOut = true; break }
                    progress?("decomposition round \(iter): the master LP ended \(s.status) (\(s.termination))\(cold ? "" : "; rebuilding it")")
                } catch {
                    progress?("decomposition round \(iter): the master LP failed (\(error))\(cold ? "" : "; rebuilding it")")
                }
                master = nil
            }
            masterSeconds += (clock.now - tm).seconds
            if masterTimedOut { stop = "time limit"; break }
            // Without a master solution the run ends with the best plan so far.
            guard let ms, let mp = master else { stop = "the master LP failed"; break }
            let activeRows = mp.activeRows
            let A = activeRows.count
            lastRows = A
            var artificial = 0.0
            for c in mp.artificialColumn { artificial += ms.columnValues[c] }
            lastArtificial = artificial
            if artificial <= 1e-9 {
                let x = combine(proposals.indices.map { ms.columnValues[mp.columnOf[$0]] })
                let ub = m.objective(of: x)
                if ub < bestUB { bestUB = ub; bestX = x }
            }
            idle += [Int](repeating: 0, count: proposals.count - idle.count)
            for k in 0..<proposals.count {
                let basic = (try? mp.problem.columnStatus(mp.columnOf[k])) == .basic
                idle[k] = basic ? 0 : idle[k] + 1
            }
            if bestUB.isFinite && bestUB - bestLB <= gapTolerance * max(1, abs(bestUB)) { stop = "gap closed"; return finish(converged: true) }
            // Another pricing round must fit before the deadline (estimate: the last one).
            if clock.now + .seconds(lastPricing) > deadline { stop = "time limit"; break }
            // --- pricing with μ̃ = round(μ · scale) / scale, μ = Wentges-smoothed −π
            var muMaster = [Double](repeating: 0, count: K)
            for (a, r) in activeRows.enumerated() { muMaster[r] = max(0, -mp.sharedRowDual(ms, a)) }
            var sigma = [Double](repeating: 0, count: P)
            for p in 0..<P { sigma[p] = ms.rowDuals[p] + referenceCost[p] }
            var newX = [Double](repeating: 0, count: m.columnCount)
            var improvingProduct = [Bool](repeating: false, count: P)
            var improving = false
            for attempt in 0..<2 {
                if attempt == 1 && clock.now + .seconds(lastPricing) > deadline { break }
                let alpha = attempt == 0 ? smoothing : 0
                var mu = [Double](repeating: 0, count: K)
                for r in 0..<K {
                    let v = alpha > 0 ? alpha * bestMu[r] + (1 - alpha) * muMaster[r] : muMaster[r]
                    mu[r] = (v * sc.costScale).rounded() / sc.costScale
                }
                let extra = laneSurcharges(m, mu: mu)
                let tp = clock.now
                let out = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: threads, extra: extra,
                                          deadline: deadline, sessions: sessions)
                lastPricing = (clock.now - tp).seconds
                pricingSeconds += lastPricing
                if out.status == .timeLimit { stop = "time limit"; break rounds }
                guard out.status == .optimal || out.status == .objectiveOverflow else {
                    progress?("decomposition: a pricing problem ended \(out.status) (\(out.productStatus))")
                    return nil
                }
                // Lagrangian bound at μ̃ (valid for any μ̃ ≥ 0).
                let l = lagrangianValue(m, mu: mu, surcharges: extra, flows: out.x)
                if l > bestLB || bestY.isEmpty {
                    if l > bestLB { bestLB = l; bestMu = mu }
                    var y = out.y
                    for r in 0..<K { y[cb + r] = -mu[r] }
                    bestY = y
                }
                // Reduced cost of each product's proposal under the master duals.
                for p in 0..<P {
                    var rc = -sigma[p]
                    for j in 0..<m.columnCount where out.x[j] != 0 && Int(cp[j]) == p {
                        var dj = m.columnCost[j]
                        if j < m.productionBase {
                            for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                                let r = Int(m.entryRow[e])
                                if r >= cb && r < cb + K { dj += muMaster[r - cb] }
                            }
                        }
                        rc += dj * out.x[j]
                    }
                    if rc < -1e-11 * max(1, abs(ms.objective + referenceCost.reduce(0, +))) {
                        improving = true
                        improvingProduct[p] = true
                        for j in 0..<m.columnCount where Int(cp[j]) == p && out.x[j] != 0 { newX[j] = out.x[j] }
                    }
                }
                if improving { break }
            }
            if iter == 1 || iter % 10 == 0 {
                progress?("decomposition round \(iter): \(proposals.count) proposals, \(A) master rows, UB \(bestUB), LB \(bestLB)")
            }
            if bestUB.isFinite && bestUB - bestLB <= gapTolerance * max(1, abs(bestUB)) { stop = "gap closed"; return finish(converged: true) }
            if stall.stalled(ub: bestUB, lb: bestLB) { stop = stall.reason; break }
            if !improving && lastArtificial > 1e-9 && bigM < bigMLimit {
                // The penalised master is optimal but still over some limits: widen the box.
                bigM = min(bigMLimit, bigM * 10)
                progress?("decomposition round \(iter): the master still needs \(lastArtificial) m³ over shared limits; artificial cost raised to \(bigM)")
                continue
            }
            if !improving {
                // No improving column although the bounds differ: the rounding of μ stalls.
                stop = "no improving column (rounded multipliers stall)"
                break
            }
            // Drop idle proposals (never the basic ones: the warm basis stays valid).
            if idle.contains(where: { $0 > maxIdleRounds }) {
                let keep = (0..<proposals.count).filter { idle[$0] <= maxIdleRounds }
                proposals = keep.map { proposals[$0] }
                idle = keep.map { idle[$0] }
                do { try master?.keepProposals(keep) } catch { master = nil }  // rebuilt next round
            }
            addProposals(newX, only: improvingProduct)
            refreshActive()
        }
        return finish(converged: false)
    }
}

/// The restricted master LP of ``Decomposition``, kept in GLPK between rounds: the rounds only
/// append rows (shared rows that become violable, each with its artificial column), append
/// columns (new proposals) and delete idle proposals' columns, so each round's primal simplex
/// starts from the previous optimal basis and its factorization instead of loading a new problem.
///
/// GLPK rows: the P convexity rows first (Σ_k λ_pk = 1), then the shared rows in activation
/// order, each divided by its limit (coefficients ~1 instead of m³ in the 10⁵s: the national
/// master failed numerically without it); ``sharedRowDual(_:_:)`` undoes the scaling.
/// Thread-confined like its ``GLPKProblem``.
final class MasterLP {
    let problem: GLPKProblem
    let products: Int
    /// GLPK row `products + a` is shared row `activeRows[a]`.
    private(set) var activeRows: [Int] = []
    /// Divisor of each active row (its limit, or 1 for a limit ≤ 0).
    private var rowScale: [Double] = []
    /// GLPK column of the artificial of `activeRows[a]`.
    private(set) var artificialColumn: [Int] = []
    /// GLPK column of each proposal (in the caller's proposal order).
    private(set) var columnOf: [Int] = []
    private var rowPosition: [Int]
    private var bigM = Double.nan

    init(products P: Int, couplingRows K: Int) throws {
        var lp = LinearProgram(direction: .minimize)
        for _ in 0..<P { lp.rows.append(.init(bounds: .fixed(1))) }
        problem = try GLPKProblem(lp)
        products = P
        rowPosition = [Int](repeating: -1, count: K)
    }

    /// Brings GLPK up to date: rows for newly active shared rows (with the existing proposals'
    /// entries) and their artificials, the artificials' cost, and columns for proposals beyond
    /// those already loaded (costs relative to `reference[product]`).
    func sync(_ proposals: [Decomposition.Proposal], active: [Bool], capacity: (Int) -> Double,
              bigM newBigM: Double, reference: [Double]) throws {
        let newRows = active.indices.filter { active[$0] && rowPosition[$0] < 0 }
        if !newRows.isEmpty {
            let a0 = activeRows.count
            for (i, r) in newRows.enumerated() { rowPosition[r] = a0 + i }
            activeRows += newRows
            rowScale += newRows.map { capacity($0) > 0 ? capacity($0) : 1 }
            var entries = LinearProgram.Matrix()
            for (k, pr) in proposals.enumerated() where k < columnOf.count {
                for (r, v) in pr.use where rowPosition[Int(r)] >= a0 {
                    let a = rowPosition[Int(r)]
                    entries.append(row: a - a0, column: columnOf[k], value: v / rowScale[a])
                }
            }
            try problem.addRows(newRows.indices.map { .init(bounds: .atMost(capacity(newRows[$0]) / rowScale[a0 + $0])) }, matrix: entries)
            var minusOne = LinearProgram.Matrix()
            for i in 0..<newRows.count { minusOne.append(row: products + a0 + i, column: i, value: -1 / rowScale[a0 + i]) }
            let c0 = try problem.addColumns(Array(repeating: .init(bounds: .nonNegative, objective: newBigM), count: newRows.count),
                                            matrix: minusOne)
            artificialColumn += (0..<newRows.count).map { c0 + $0 }
        }
        if newBigM != bigM {
            for c in artificialColumn { try problem.setObjectiveCoefficient(c, newBigM) }
            bigM = newBigM
        }
        if columnOf.count < proposals.count {
            let k0 = columnOf.count
            var columns: [LinearProgram.Column] = []
            var entries = LinearProgram.Matrix()
            for k in k0..<proposals.count {
                let pr = proposals[k]
                columns.append(.init(bounds: .nonNegative, objective: pr.cost - reference[pr.product]))
                for (r, v) in pr.use where rowPosition[Int(r)] >= 0 {
                    let a = rowPosition[Int(r)]
                    entries.append(row: products + a, column: k - k0, value: v / rowScale[a])
                }
                entries.append(row: pr.product, column: k - k0, value: 1)
            }
            let c0 = try problem.addColumns(columns, matrix: entries)
            columnOf += (0..<columns.count).map { c0 + $0 }
        }
    }

    /// The dual (≤ 0) of the a-th active shared row per m³, from the solution's scaled row.
    func sharedRowDual(_ solution: LinearProgram.Solution, _ a: Int) -> Double {
        solution.rowDuals[products + a] / rowScale[a]
    }

    /// Keeps the proposals at `keep` (increasing indices into the loaded ones) and deletes the
    /// others' columns; the caller's proposal list must shrink the same way.
    func keepProposals(_ keep: [Int]) throws {
        var kept = [Bool](repeating: false, count: columnOf.count)
        for k in keep { kept[k] = true }
        let dropped = columnOf.indices.filter { !kept[$0] }.map { columnOf[$0] }.sorted()
        if dropped.isEmpty { return }
        try problem.deleteColumns(dropped)
        func shifted(_ c: Int) -> Int { GLPKProblem.columnIndex(c, afterDeleting: dropped) }
        columnOf = keep.map { shifted(columnOf[$0]) }
        artificialColumn = artificialColumn.map(shifted)
    }
}

/// Simplex iterations allowed for one solve of a decomposition master with about `size` rows and
/// columns. A healthy solve needs a small multiple of its size (the national station-block master:
/// 17,000–52,000 iterations for ~160,000 rows and columns); on a numerically unstable basis GLPK's
/// primal simplex can instead alternate between phases without end ("numerical instability
/// (primal simplex, phase II)", hundreds of thousands of iterations on a 100-row master). The
/// limit ends such a solve so that the master is rebuilt and solved cold, as for any other
/// failure, instead of spinning until the deadline.
func masterIterationLimit(_ size: Int) -> Int { 50_000 + 20 * size }

/// Counts decomposition rounds in which neither the best plan (UB) nor the bound (LB) moved by
/// more than 10⁻¹² relative. Rounded pricing costs can keep "improving" columns coming while
/// neither bound moves — fuzzing found a station-block run at a gap of 2·10⁻⁷ for 36,000
/// rounds (shortage penalty 10⁶) and a product-block run at 7 % for 57,000 (a free shortage):
/// after `limit` such rounds in a row the route stops as stalled, and small models hand over
/// to the full LP. Converging runs move one bound or the other every few rounds.
struct BoundStall {
    let limit: Int
    private var rounds = 0
    private var last = (ub: Double.infinity, lb: -Double.infinity)

    init(limit: Int) { self.limit = limit }

    /// Records this round's bounds; true once `limit` rounds in a row moved neither.
    mutating func stalled(ub: Double, lb: Double) -> Bool {
        let moved = 1e-12 * max(1, abs(ub.isFinite ? ub : lb))
        if ub < last.ub - moved || lb > last.lb + moved {
            rounds = 0
            last = (ub, lb)
            return false
        }
        rounds += 1
        return rounds >= limit
    }

    var reason: String { "stalled (no better plan or bound in \(limit) rounds)" }
}
