// PrimalPartitioningSimplex.swift — primal simplex for bundled multi-commodity flow, with the
// basis kept as one spanning tree per commodity plus a small dense "working basis".
//
// A basis of the coupled problem has one spanning tree per commodity (over its nodes and a root,
// with artificial arcs root↔node) and, for every bundle, one more basic variable: the bundle's
// slack, or an *extra* arc. The bundles whose slack is nonbasic (full bundles) are the working
// set B; there are as many extra arcs E as bundles in B, and the |B|×|B| matrix
// W[r][e] = coefficient of bundle r in the fundamental cycle of extra e is the working basis
// (Kennington & Helgason's primal partitioning). Everything else is the network simplex:
//
// - duals: μ_B solves Wᵀμ = −C (C[e] = cost of e's cycle), so every extra arc prices out at 0;
//   node potentials make every tree arc's *modified* cost c + μ_bundle price out at 0;
// - pricing: reduced cost d_a = c_a + μ_bundle(a) + π(tail) − π(head); a full bundle's slack
//   prices at μ_r (it enters when μ_r < 0);
// - direction: the entering arc's cycle in its tree; if that cycle crosses bundles of B, the
//   extras compensate (W δ = −w) so full bundles stay full;
// - ratio test over every arc of those cycles and the slacks of the other bundles;
// - the leaving variable is a bundle slack (the bundle joins B, the entering arc becomes an
//   extra), an extra, or a tree arc (replaced in its tree by the entering arc or by an extra whose
//   cycle holds it).
//
// Phase 1 starts from the all-artificial star trees and minimises the artificial flow (costs 1);
// phase 2 fixes the artificial arcs at 0 and minimises the real cost. Pricing is LEMON's block
// search; after a long run of degenerate pivots the entering and leaving choices switch to
// Bland's smallest-index rule until the objective moves again.
import Foundation

/// Primal simplex for ``BundledFlowProblem`` (primal partitioning over per-commodity spanning
/// trees). Exact in the LP sense (within floating-point tolerances); see the file's header.
public struct PrimalPartitioningSimplex: Sendable {
    /// Stop after this many pivots (status ``BundledFlowStatus/limitReached``).
    public var maxPivots: Int? = nil
    /// Reduced costs within this tolerance (relative to 1 + the largest |cost|) count as zero.
    public var optimalityTolerance = 1e-9
    /// Called every ``progressInterval`` seconds of pivoting (for long solves' progress lines).
    public var progress: (@Sendable (Progress) -> Void)? = nil
    public var progressInterval = 5.0
    /// Potentials follow μ lazily (synced every 200 pivots, or after 4 chosen arcs in a row
    /// whose exact reduced cost, checked on their cycle, shows they do not improve); false:
    /// shifted under every bundle whose μ moves, at every pivot.
    public var lazyPotentials = true

    /// Where a solve stands.
    public struct Progress: Sendable, Equatable {
        /// Pivots so far.
        public var pivots: Int
        /// 1: phase 1 (cold) or the composite phase (warm); 2: the cost with every bundle kept.
        public var phase: Int
        /// Bundles the warm start overfilled that are still overfull.
        public var overfullBundles: Int
        /// Full bundles (the working basis's size).
        public var fullBundles: Int
        /// Σ cost · flow of the current flows.
        public var cost: Double
    }

    public init() {}

    public func solve(_ problem: BundledFlowProblem, deadline: ContinuousClock.Instant? = nil) -> BundledFlowResult {
        solve(problem, start: nil, deadline: deadline)
    }

    /// Solves from per-commodity spanning trees (e.g. each commodity's optimal basis without the
    /// bundles, ``NetworkSimplexSession/basis()``): tree flows follow from the supplies and the
    /// non-tree arcs' bounds; a tree arc that cannot carry its subtree's balance is replaced by an
    /// artificial arc. Overfull bundles and artificial flow are then priced at a big M (one
    /// composite phase) instead of the cold start's phase 1. A start whose counts do not match,
    /// or whose parent arcs do not form a tree, is ignored (cold start; `startAdopted` false).
    ///
    /// `startCapacity` (per commodity and arc, at most the arc's capacity) gives the bounds the
    /// start trees are optimal under, e.g. each commodity's share of the bundles: a non-tree arc
    /// at its upper bound then carries its start capacity, strictly inside its bounds where that
    /// is below the capacity (a *superbasic* arc, which pricing moves up or down until it reaches
    /// a bound or enters the basis). Shares that keep every bundle give a start with no
    /// overfull bundle, so the composite phase has nothing to repair.
    public func solve(_ problem: BundledFlowProblem, start: [NetworkSimplexSession.Basis]?,
                      startCapacity: [[Int64]]? = nil,
                      deadline: ContinuousClock.Instant? = nil) -> BundledFlowResult {
        if let e = problem.validate() { return BundledFlowResult(status: .invalid(e)) }
        let engine = PartitionEngine(problem, tolerance: optimalityTolerance)
        let warm = start.map { engine.adopt($0, problem, startCapacity: startCapacity) } ?? false
        engine.progress = progress; engine.progressInterval = progressInterval
        if !lazyPotentials { engine.refreshEvery = 0 }
        var r = engine.run(maxPivots: maxPivots ?? .max, deadline: deadline, warm: warm)
        r.startAdopted = warm
        return r
    }
}

/// The solver's state. Arcs and nodes of all commodities share one index space: commodity k's
/// nodes are `nodeStart[k] ..< nodeStart[k+1] − 1` and its root is `nodeStart[k+1] − 1`; its
/// real arcs are `arcStart[k] ..< arcStart[k+1]`; the artificial arc of node g is `artBase + g`.
final class PartitionEngine {
    let K: Int
    let nodeStart: [Int]
    let arcStart: [Int]
    let artBase: Int
    let nodeCount: Int
    let arcCount: Int
    let bundleCount: Int

    // Arcs.
    var tail: [Int32], head: [Int32]
    var cost: [Double], realCost: [Double]
    var lower: [Double], upper: [Double]
    var flow: [Double]
    /// 0 at lower bound, 1 at upper bound, 2 tree arc, 3 extra arc, 4 superbasic (nonbasic
    /// strictly between its bounds: a warm start's capacity share).
    var state: [UInt8]
    var bundle: [Int32]
    // Nodes.
    var parent: [Int32], pred: [Int32], depth: [Int32]
    var firstChild: [Int32], nextSib: [Int32], prevSib: [Int32]
    var pi: [Double]
    var nodeCommodity: [Int32]
    /// Supply of each node (0 at the roots).
    var supply: [Double] = []
    // Bundles.
    var capacity: [Double], slack: [Double], mu: [Double]
    /// The μ the potentials are consistent with (see ``refreshEvery``): pricing reads reduced
    /// costs against them; a chosen arc's exact reduced cost is checked on its cycle.
    var muHat: [Double]
    var pending: [Bool], pendingList: [Int32] = []
    var inB: [Bool]
    /// Overfull at a warm start and not yet full (priced at M in the composite phase).
    var overfull: [Bool]
    var memberStart: [Int], members: [Int32]
    // Working basis.
    var B: [Int32] = []          // full bundles (slack nonbasic at 0)
    var E: [Int32] = []          // extra arcs, as many as B
    var posB: [Int32]            // bundle → index in B or −1
    var cycleArcs: [[Int32]] = []     // per extra (parallel to E)
    var cycleCoef: [[Double]] = []
    var cycleValid: [Bool] = []
    var lu: BlockLU? = nil
    var wDirty = true

    // Scratch.
    var delta: [Double]
    var touched: [Int32] = []
    var rowDelta: [Double]
    var touchedRows: [Int32] = []
    var tmpArcs: [Int32] = []
    var tmpCoef: [Double] = []

    let epsD: Double
    /// μ changes at most this small are rounding, not a new price (see updateDuals).
    let muTolerance: Double
    /// The composite phase's price of artificial flow and of overfull bundles.
    var bigM: Double
    let maxBigM: Double
    var pivots = 0
    var degenerateRun = 0
    var bland = false
    var blockStart = 0
    let blockSize: Int
    var largestB = 0
    var progress: (@Sendable (PrimalPartitioningSimplex.Progress) -> Void)? = nil
    var progressInterval = 5.0
    var lastProgress = ContinuousClock.now
    /// Potentials are recomputed from the roots (muHat = μ) after this many pivots, or when a
    /// chosen arc's exact reduced cost shows it does not improve; between refreshes μ changes
    /// cost nothing. 0: potentials shifted under every bundle whose μ changes (eager).
    var refreshEvery = ProcessInfo.processInfo.environment["FUELFLOW_PP_REFRESH"].flatMap { Int($0) } ?? 200
    var pivotsSinceRefresh = 0
    var rejected = 0, refreshes = 0, rejectedInARow = 0
    let syncAfterRejections = ProcessInfo.processInfo.environment["FUELFLOW_PP_REJECTS"].flatMap { Int($0) } ?? 4
    /// Overfull bundles that became full in the current pivot without leaving the basis.
    var relieved: [Int32] = []

    init(_ p: BundledFlowProblem, tolerance: Double) {
        K = p.commodities.count
        var ns = [0], as_ = [0]
        for c in p.commodities {
            ns.append(ns.last! + c.nodeCount + 1)
            as_.append(as_.last! + c.arcCount)
        }
        nodeStart = ns; arcStart = as_
        nodeCount = ns.last!
        artBase = as_.last!
        arcCount = artBase + nodeCount
        bundleCount = p.bundleCount
        tail = .init(repeating: 0, count: arcCount); head = .init(repeating: 0, count: arcCount)
        cost = .init(repeating: 0, count: arcCount); realCost = .init(repeating: 0, count: arcCount)
        lower = .init(repeating: 0, count: arcCount); upper = .init(repeating: 0, count: arcCount)
        flow = .init(repeating: 0, count: arcCount)
        state = .init(repeating: 0, count: arcCount)
        bundle = .init(repeating: -1, count: arcCount)
        parent = .init(repeating: -1, count: nodeCount); pred = .init(repeating: -1, count: nodeCount)
        depth = .init(repeating: 0, count: nodeCount)
        firstChild = .init(repeating: -1, count: nodeCount)
        nextSib = .init(repeating: -1, count: nodeCount); prevSib = .init(repeating: -1, count: nodeCount)
        pi = .init(repeating: 0, count: nodeCount)
        nodeCommodity = .init(repeating: 0, count: nodeCount)
        capacity = p.bundleCapacity.map(Double.init)
        slack = .init(repeating: 0, count: bundleCount); mu = .init(repeating: 0, count: bundleCount)
        muHat = mu
        pending = .init(repeating: false, count: bundleCount)
        inB = .init(repeating: false, count: bundleCount)
        overfull = .init(repeating: false, count: bundleCount)
        posB = .init(repeating: -1, count: bundleCount)
        delta = .init(repeating: 0, count: arcCount)
        rowDelta = .init(repeating: 0, count: bundleCount)
        var maxCost = 0.0
        for (k, c) in p.commodities.enumerated() {
            let n0 = ns[k], a0 = as_[k]
            for v in 0 ..< c.nodeCount + 1 { nodeCommodity[n0 + v] = Int32(k) }
            for a in 0 ..< c.arcCount {
                let g = a0 + a
                tail[g] = Int32(n0 + Int(c.tail[a])); head[g] = Int32(n0 + Int(c.head[a]))
                realCost[g] = Double(c.cost[a]); maxCost = max(maxCost, abs(realCost[g]))
                lower[g] = Double(c.lower[a])
                upper[g] = c.capacity[a] == MinCostFlowProblem.unbounded ? .infinity : Double(c.capacity[a])
                flow[g] = lower[g]
            }
        }
        epsD = tolerance * (1 + maxCost)
        muTolerance = 1e-3 * epsD
        // Small enough for the potentials to keep their precision; raised when it proves cheaper
        // than the real costs (see run).
        bigM = 10 * (1 + maxCost)
        maxBigM = 1e7 * (1 + maxCost)
        var ms = [0], mem = [Int32]()
        for r in 0 ..< bundleCount {
            for i in Int(p.memberStart[r]) ..< Int(p.memberStart[r + 1]) {
                let g = Int32(as_[Int(p.memberCommodity[i])] + Int(p.memberArc[i]))
                mem.append(g); bundle[Int(g)] = Int32(r)
            }
            ms.append(mem.count)
        }
        memberStart = ms; members = mem
        blockSize = max(10, Int(Double(arcCount).squareRoot()))
        // Artificial star trees carrying every node's imbalance with the arcs at their lower bounds.
        var imbalance = [Double](repeating: 0, count: nodeCount)
        for (k, c) in p.commodities.enumerated() {
            for v in 0 ..< c.nodeCount { imbalance[ns[k] + v] = Double(c.supply[v]) }
        }
        supply = imbalance
        for a in 0 ..< artBase where lower[a] != 0 {
            imbalance[Int(tail[a])] -= lower[a]; imbalance[Int(head[a])] += lower[a]
        }
        for k in 0 ..< K {
            let root = ns[k + 1] - 1
            for g in ns[k] ..< root {
                let a = artBase + g
                if imbalance[g] >= 0 {
                    tail[a] = Int32(g); head[a] = Int32(root); flow[a] = imbalance[g]
                } else {
                    tail[a] = Int32(root); head[a] = Int32(g); flow[a] = -imbalance[g]
                }
                lower[a] = 0; upper[a] = .infinity
                state[a] = 2
                attach(Int32(g), to: Int32(root)); pred[g] = Int32(a); depth[g] = 1
            }
            // The root's artificial arc index is unused: a fixed arc of no consequence.
            let a = artBase + root
            tail[a] = Int32(root); head[a] = Int32(root); upper[a] = 0
        }
        for r in 0 ..< bundleCount {
            var used = 0.0
            for i in memberStart[r] ..< memberStart[r + 1] { used += flow[Int(members[i])] }
            slack[r] = capacity[r] - used
        }
    }

    // MARK: Tree plumbing

    @inline(__always) func detach(_ x: Int32) {
        let xi = Int(x), p = Int(parent[xi])
        if prevSib[xi] >= 0 { nextSib[Int(prevSib[xi])] = nextSib[xi] } else if p >= 0 { firstChild[p] = nextSib[xi] }
        if nextSib[xi] >= 0 { prevSib[Int(nextSib[xi])] = prevSib[xi] }
        prevSib[xi] = -1; nextSib[xi] = -1
    }

    @inline(__always) func attach(_ x: Int32, to p: Int32) {
        let xi = Int(x), pi_ = Int(p)
        nextSib[xi] = firstChild[pi_]; prevSib[xi] = -1
        if firstChild[pi_] >= 0 { prevSib[Int(firstChild[pi_])] = x }
        firstChild[pi_] = x; parent[xi] = p
    }

    /// Visits the subtree of `s` in preorder (parents before children).
    @inline(__always) func forSubtree(_ s: Int32, _ body: (Int) -> Void) {
        var x = s
        body(Int(x))
        while true {
            if firstChild[Int(x)] >= 0 {
                x = firstChild[Int(x)]
            } else {
                while x != s && nextSib[Int(x)] < 0 { x = parent[Int(x)] }
                if x == s { return }
                x = nextSib[Int(x)]
            }
            body(Int(x))
        }
    }

    /// The child endpoint of tree arc `a`.
    @inline(__always) func childOf(_ a: Int) -> Int32 {
        let t = tail[a]
        return pred[Int(t)] == Int32(a) && parent[Int(t)] == head[a] ? t : head[a]
    }

    @inline(__always) func modifiedCost(_ a: Int) -> Double {
        let r = bundle[a]
        return r >= 0 ? cost[a] + muHat[Int(r)] : cost[a]
    }

    /// The reduced cost of non-tree arc `a` under the current μ, whatever the potentials lag:
    /// the modified cost around its fundamental cycle (tree arcs' reduced costs are 0, so the
    /// potentials telescope away).
    func exactReducedCost(_ a: Int32) -> Double {
        cycle(a, &tmpArcs, &tmpCoef)
        var d = 0.0
        for j in 0 ..< tmpArcs.count {
            let e = Int(tmpArcs[j]), r = bundle[e]
            d += tmpCoef[j] * (r >= 0 ? cost[e] + mu[Int(r)] : cost[e])
        }
        return d
    }

    @inline(__always) func reducedCost(_ a: Int) -> Double {
        modifiedCost(a) + pi[Int(tail[a])] - pi[Int(head[a])]
    }

    /// The fundamental cycle of arc `a` (+1 on a) into `arcs`/`coef`.
    func cycle(_ a: Int32, _ arcs: inout [Int32], _ coef: inout [Double]) {
        arcs.removeAll(keepingCapacity: true); coef.removeAll(keepingCapacity: true)
        arcs.append(a); coef.append(1)
        var u = tail[Int(a)], v = head[Int(a)]
        while u != v {
            if depth[Int(u)] > depth[Int(v)] {
                let e = pred[Int(u)]
                arcs.append(e); coef.append(head[Int(e)] == u ? 1 : -1)
                u = parent[Int(u)]
            } else {
                let e = pred[Int(v)]
                arcs.append(e); coef.append(tail[Int(e)] == v ? 1 : -1)
                v = parent[Int(v)]
            }
        }
    }

    /// Recomputes every potential from the roots with the current μ.
    func recomputePotentials() {
        muHat = mu
        for r in pendingList { pending[Int(r)] = false }
        pendingList.removeAll(keepingCapacity: true)
        pivotsSinceRefresh = 0
        for k in 0 ..< K {
            let root = Int32(nodeStart[k + 1] - 1)
            pi[Int(root)] = 0
            forSubtree(root) { x in
                let e = Int(self.pred[x])
                guard e >= 0 else { return }
                let p = Int(self.parent[x])
                self.pi[x] = self.tail[e] == Int32(p) ? self.pi[p] + self.modifiedCost(e) : self.pi[p] - self.modifiedCost(e)
            }
        }
    }

    // MARK: Working basis

    func ensureCycle(_ i: Int) {
        if !cycleValid[i] {
            cycle(E[i], &cycleArcs[i], &cycleCoef[i])
            cycleValid[i] = true
        }
    }

    /// Tree arc `f` of commodity `k` left its tree: the extras whose cycle held it have a new one
    /// (the others' tree paths did not use f, so they are unchanged).
    func invalidateCycles(through f: Int32, commodity k: Int32) {
        for i in 0 ..< E.count where cycleValid[i] && nodeCommodity[Int(tail[Int(E[i])])] == k && cycleArcs[i].contains(f) {
            cycleValid[i] = false; wDirty = true
        }
    }

    /// Rebuilds W (rows B, columns E) and factors it block by block; returns false when singular.
    func refactor() -> Bool {
        let n = B.count
        precondition(E.count == n)
        largestB = max(largestB, n)
        if n == 0 { lu = nil; wDirty = false; return true }
        var entries = [(row: Int32, column: Int32, value: Double)]()
        for i in 0 ..< n {
            ensureCycle(i)
            let arcs = cycleArcs[i], coef = cycleCoef[i]
            for j in 0 ..< arcs.count {
                let r = bundle[Int(arcs[j])]
                if r >= 0, posB[Int(r)] >= 0 { entries.append((posB[Int(r)], Int32(i), coef[j])) }
            }
        }
        guard let f = BlockLU(n: n, entries: entries) else { return false }
        lu = f; wDirty = false
        return true
    }

    /// Sizes (rows) of W's connected blocks, largest first (debug notes).
    func blockSizes() -> [Int] {
        if wDirty { _ = refactor() }
        return (lu?.blocks.map { $0.rows.count } ?? []).sorted(by: >)
    }

    /// New μ from Wᵀμ = −C; the bundles whose μ changed are marked for the next potential sync
    /// (``syncPotentials()``; at once when eager). `old` holds the bundles whose μ may have been
    /// nonzero before (they leave B or change).
    func updateDuals(previouslyPriced old: [Int32]) {
        @inline(__always) func moved(_ r: Int32) {
            if !pending[Int(r)] { pending[Int(r)] = true; pendingList.append(r) }
        }
        // Bundles that left B first: their μ is 0 again (and no longer a cost in the cycles).
        for r in old where !inB[Int(r)] && mu[Int(r)] != 0 && !overfull[Int(r)] {
            mu[Int(r)] = 0; moved(r)
        }
        var newMu = [Double](repeating: 0, count: B.count)
        if let lu {
            var c = [Double](repeating: 0, count: B.count)
            for i in 0 ..< E.count {
                ensureCycle(i)
                var s = 0.0
                let arcs = cycleArcs[i], coef = cycleCoef[i]
                for j in 0 ..< arcs.count {
                    // Full bundles' μ are the unknowns; an overfull bundle's penalty is a cost.
                    let a = Int(arcs[j]), r = bundle[a]
                    s += coef[j] * (r >= 0 && !inB[Int(r)] ? cost[a] + mu[Int(r)] : cost[a])
                }
                c[i] = -s
            }
            newMu = lu.solveTransposed(c)
        }
        for (i, r) in B.enumerated() {
            // A refactored W gives every μ new rounding: changes below a thousandth of the
            // pricing tolerance keep the old μ (and spare the shifts under its tree arcs).
            if abs(newMu[i] - mu[Int(r)]) > muTolerance { mu[Int(r)] = newMu[i]; moved(r) }
        }
        // Lazy potentials: they stay consistent with muHat until the next sync.
        if refreshEvery == 0 { syncPotentials() }
    }

    /// Shifts the potentials under the tree arcs of every bundle whose μ moved since the last
    /// sync (muHat → μ), each bundle once however often it moved.
    func syncPotentials() {
        for r in pendingList {
            let ri = Int(r)
            pending[ri] = false
            let d = mu[ri] - muHat[ri]
            muHat[ri] = mu[ri]
            if d == 0 { continue }
            for m in memberStart[ri] ..< memberStart[ri + 1] {
                let a = Int(members[m])
                guard state[a] == 2 else { continue }
                let child = childOf(a)
                let shift = tail[a] == child ? -d : d
                forSubtree(child) { self.pi[$0] += shift }
            }
        }
        pendingList.removeAll(keepingCapacity: true)
        pivotsSinceRefresh = 0
    }

    // MARK: Pivoting

    enum Entering { case arc(Int32, Double), slack(Int32) }
    enum Leaving { case ownBound, slack(Int32), extra(Int), tree(Int32) }

    /// LEMON's block search (or Bland's first candidate). nil when optimal.
    func price() -> Entering? {
        // Full bundles' slacks first: few, and a negative price must go.
        var best: Entering? = nil
        var bestV = epsD
        for r in B where -mu[Int(r)] > bestV {
            if bland { return .slack(r) }
            bestV = -mu[Int(r)]; best = .slack(r)
        }
        if best != nil { return best }
        if bland {
            for a in 0 ..< arcCount {
                if let e = candidate(a) { return e.0 }
            }
            return nil
        }
        var a = blockStart, scanned = 0, inBlock = 0
        while scanned < arcCount {
            if let (e, v) = candidate(a), v > bestV { best = e; bestV = v }
            a += 1; if a == arcCount { a = 0 }
            scanned += 1; inBlock += 1
            if inBlock >= blockSize {
                if best != nil { break }
                inBlock = 0
            }
        }
        blockStart = a
        return best
    }

    @inline(__always) func candidate(_ a: Int) -> (Entering, Double)? {
        let s = state[a]
        if s == 2 || s == 3 || upper[a] - lower[a] <= 0 { return nil }
        let d = reducedCost(a)
        if s == 0 { return d < -epsD ? (.arc(Int32(a), 1), -d) : nil }
        if s == 4 {
            // Superbasic: either way.
            if d < -epsD { return (.arc(Int32(a), 1), -d) }
            return d > epsD ? (.arc(Int32(a), -1), d) : nil
        }
        return d > epsD ? (.arc(Int32(a), -1), d) : nil
    }

    @inline(__always) func add(_ a: Int32, _ v: Double) {
        let ai = Int(a)
        if delta[ai] == 0 { touched.append(a) }
        delta[ai] += v
        if delta[ai] == 0 { delta[ai] = .leastNonzeroMagnitude }  // keep it marked as touched
    }

    /// One pivot. Returns false when the problem is unbounded or W singular (`trouble` says which).
    func pivot(_ entering: Entering, trouble: inout BundledFlowStatus?) {
        // Direction: the entering variable's cycle, extras compensating on full bundles.
        var b = [Double](repeating: 0, count: B.count)
        var enteringArc: Int32 = -1, sigma = 1.0
        switch entering {
        case let .arc(q, s):
            enteringArc = q; sigma = s
            cycle(q, &tmpArcs, &tmpCoef)
            for j in 0 ..< tmpArcs.count {
                let a = tmpArcs[j]
                add(a, s * tmpCoef[j])
                let r = bundle[Int(a)]
                if r >= 0, posB[Int(r)] >= 0 { b[Int(posB[Int(r)])] += s * tmpCoef[j] }
            }
        case let .slack(r):
            b[Int(posB[Int(r)])] = 1
        }
        var dE = [Double](repeating: 0, count: B.count)
        if b.contains(where: { $0 != 0 }), let lu {
            dE = lu.solve(b.map { -$0 })
            for i in 0 ..< E.count where abs(dE[i]) > 1e-12 {
                ensureCycle(i)
                let arcs = cycleArcs[i], coef = cycleCoef[i]
                for j in 0 ..< arcs.count { add(arcs[j], dE[i] * coef[j]) }
            }
        }
        for a in touched {
            let r = bundle[Int(a)]
            if r >= 0, !inB[Int(r)] {
                if rowDelta[Int(r)] == 0 { touchedRows.append(r) }
                rowDelta[Int(r)] -= delta[Int(a)]
                if rowDelta[Int(r)] == 0 { rowDelta[Int(r)] = .leastNonzeroMagnitude }
            }
        }
        // Ratio test.
        var theta = Double.infinity
        var leaving = Leaving.ownBound
        var leavingD = 0.0
        var leavingIndex = Int.max
        if enteringArc >= 0 {
            let q = Int(enteringArc)
            theta = sigma > 0 ? upper[q] - flow[q] : flow[q] - lower[q]
            leavingD = 1; leavingIndex = q
        }
        let tieTol = 1e-12
        @inline(__always) func consider(_ lim: Double, _ d: Double, _ index: Int, _ l: Leaving) {
            let lim = max(lim, 0)
            if theta == .infinity || lim < theta - tieTol * (1 + theta) {
                theta = lim; leaving = l; leavingD = abs(d); leavingIndex = index
            } else if lim <= theta + tieTol * (1 + theta) {
                if bland ? index < leavingIndex : abs(d) > leavingD {
                    theta = min(theta, lim); leaving = l; leavingD = abs(d); leavingIndex = index
                }
            }
        }
        for a in touched where a != enteringArc {
            let ai = Int(a)
            let d = delta[ai]
            if abs(d) < 1e-11 { continue }
            let lim = d > 0 ? upper[ai] - flow[ai] : flow[ai] - lower[ai]
            if lim == .infinity { continue }
            let l: Leaving
            if state[ai] == 2 { l = .tree(a) } else if let i = E.firstIndex(of: a) { l = .extra(i) } else {
                note("touched arc \(a) state \(state[ai]) not basic")
                trouble = .numericalTrouble; clearScratch(); return   // a stale cycle: cannot happen
            }
            consider(lim / abs(d), d, ai, l)
        }
        for r in touchedRows {
            let d = rowDelta[Int(r)]
            if overfull[Int(r)] {
                // Overfull (warm start): the bundle blocks when it becomes exactly full.
                if d > 1e-11 { consider(-slack[Int(r)] / d, d, arcCount + Int(r), .slack(r)) }
            } else if d < -1e-11 { consider(max(0, slack[Int(r)]) / -d, d, arcCount + Int(r), .slack(r)) }
        }
        if theta == .infinity { trouble = .unbounded; clearScratch(); return }
        // Move.
        if theta > 0 {
            for a in touched {
                let ai = Int(a)
                if abs(delta[ai]) >= 1e-300 { flow[ai] += theta * delta[ai] }
            }
            for r in touchedRows {
                slack[Int(r)] += theta * rowDelta[Int(r)]
                // An overfull bundle that became full with another variable leaving: no longer
                // priced at M (its slack stays basic; updateDuals sets μ to 0).
                if overfull[Int(r)] && slack[Int(r)] >= -1e-9 {
                    overfull[Int(r)] = false; slack[Int(r)] = max(0, slack[Int(r)])
                    relieved.append(r); wDirty = true
                }
            }
            if case let .slack(r) = entering { slack[Int(r)] += theta }
        }
        if theta > 1e-12 { degenerateRun = 0; bland = false } else {
            degenerateRun += 1
            if degenerateRun > 2000 { bland = true }
        }
        pivots += 1
        // Basis change.
        var old: [Int32] = B + relieved
        relieved.removeAll()
        switch leaving {
        case .ownBound:
            let q = Int(enteringArc)
            flow[q] = sigma > 0 ? upper[q] : lower[q]
            state[q] = sigma > 0 ? 1 : 0
        case let .slack(r):
            slack[Int(r)] = 0
            overfull[Int(r)] = false
            addToB(r)
            switch entering {
            case let .arc(q, _): addExtra(q)
            case let .slack(r2): removeFromB(r2)
            }
        case let .extra(i):
            let e = Int(E[i])
            snapNonbasic(e)
            switch entering {
            case let .arc(q, _):
                E[i] = q; state[Int(q)] = 3; cycleValid[i] = false; wDirty = true
            case let .slack(r2):
                removeExtra(at: i); removeFromB(r2)
            }
        case let .tree(f):
            let fi = Int(f)
            let k = nodeCommodity[Int(tail[fi])]
            var replacer: Int32 = -1
            if enteringArc >= 0, nodeCommodity[Int(tail[Int(enteringArc)])] == k, tmpArcs.contains(f),
               case .arc = entering {
                replacer = enteringArc
            }
            var extraSlot = -1
            if replacer < 0 {
                for i in 0 ..< E.count where abs(dE[i]) > 1e-12 && nodeCommodity[Int(tail[Int(E[i])])] == k {
                    ensureCycle(i)
                    if cycleArcs[i].contains(f) { extraSlot = i; replacer = E[i]; break }
                }
            }
            guard replacer >= 0 else { note("no replacer for tree arc \(f)"); trouble = .numericalTrouble; clearScratch(); return }
            let shift = reducedCost(Int(replacer))
            snapNonbasic(fi)
            exchange(leaving: f, entering: replacer, shift: shift)
            state[Int(replacer)] = 2
            if extraSlot >= 0 {
                switch entering {
                case let .arc(q, _):
                    E[extraSlot] = q; state[Int(q)] = 3; cycleValid[extraSlot] = false; wDirty = true
                case let .slack(r2):
                    removeExtra(at: extraSlot); removeFromB(r2)
                }
            }
            invalidateCycles(through: f, commodity: k)
        }
        clearScratch()
        guard wDirty else { return }
        if !refactor() { note("W singular, |B| = \(B.count)"); trouble = .numericalTrouble; return }
        old.append(contentsOf: B)
        updateDuals(previouslyPriced: old)
    }

    func snapNonbasic(_ a: Int) {
        if abs(flow[a] - lower[a]) <= abs(flow[a] - upper[a]) { flow[a] = lower[a]; state[a] = 0 } else { flow[a] = upper[a]; state[a] = 1 }
    }

    func addToB(_ r: Int32) {
        inB[Int(r)] = true; posB[Int(r)] = Int32(B.count); B.append(r); wDirty = true
    }

    func removeFromB(_ r: Int32) {
        let i = Int(posB[Int(r)])
        B.remove(at: i)
        for j in i ..< B.count { posB[Int(B[j])] = Int32(j) }
        inB[Int(r)] = false; posB[Int(r)] = -1; wDirty = true
    }

    func addExtra(_ q: Int32) {
        state[Int(q)] = 3
        E.append(q); cycleArcs.append([]); cycleCoef.append([]); cycleValid.append(false); wDirty = true
    }

    func removeExtra(at i: Int) {
        E.remove(at: i); cycleArcs.remove(at: i); cycleCoef.remove(at: i); cycleValid.remove(at: i); wDirty = true
    }

    func clearScratch() {
        for a in touched { delta[Int(a)] = 0 }
        touched.removeAll(keepingCapacity: true)
        for r in touchedRows { rowDelta[Int(r)] = 0 }
        touchedRows.removeAll(keepingCapacity: true)
    }

    /// Replaces tree arc `f` by arc `g` (same commodity; `f` on g's cycle) and shifts the
    /// potentials of the re-hung subtree by `shift` (g's reduced cost, so that it prices at 0).
    func exchange(leaving f: Int32, entering g: Int32, shift: Double) {
        let b = childOf(Int(f))
        let u = tail[Int(g)], v = head[Int(g)]
        // Which endpoint of g lies in b's subtree?
        var x = u
        while depth[Int(x)] > depth[Int(b)] { x = parent[Int(x)] }
        let inside = x == b ? u : v, outside = inside == u ? v : u
        let piShift = inside == v ? shift : -shift
        detach(b)
        var node = inside, newParent = outside, newPred = g
        while true {
            let oldParent = parent[Int(node)], oldPred = pred[Int(node)]
            if node != b { detach(node) }
            attach(node, to: newParent); pred[Int(node)] = newPred
            if node == b { break }
            newParent = node; newPred = oldPred; node = oldParent
        }
        forSubtree(inside) { y in
            self.depth[y] = self.depth[Int(self.parent[y])] + 1
            self.pi[y] += piShift
        }
    }

    // MARK: Warm start

    /// Replaces the artificial star trees by the given spanning trees (see
    /// ``PrimalPartitioningSimplex/solve(_:start:startCapacity:deadline:)``). Returns false, nothing changed
    /// that matters, when a start does not fit.
    func adopt(_ start: [NetworkSimplexSession.Basis], _ p: BundledFlowProblem, startCapacity: [[Int64]]? = nil) -> Bool {
        guard start.count == K else { return false }
        for k in 0 ..< K {
            guard start[k].parentArc.count == p.commodities[k].nodeCount,
                  start[k].atUpper.count == p.commodities[k].arcCount else { return false }
            if let startCapacity {
                guard startCapacity.count == K, startCapacity[k].count == p.commodities[k].arcCount else { return false }
            }
        }
        // Parents first, checked for a tree (every node reached from its root).
        var newParent = [Int32](repeating: -1, count: nodeCount)
        var newPred = [Int32](repeating: -1, count: nodeCount)
        for k in 0 ..< K {
            let n0 = nodeStart[k], root = Int32(nodeStart[k + 1] - 1), a0 = arcStart[k]
            for v in 0 ..< p.commodities[k].nodeCount {
                let pa = Int(start[k].parentArc[v])
                let g = n0 + v
                if pa < 0 { newParent[g] = root; newPred[g] = Int32(artBase + g); continue }
                guard pa < p.commodities[k].arcCount else { return false }
                let a = a0 + pa
                let t = Int(tail[a]), h = Int(head[a])
                guard t != h, t == g || h == g else { return false }
                newParent[g] = Int32(t == g ? h : t); newPred[g] = Int32(a)
            }
        }
        for g in 0 ..< nodeCount { firstChild[g] = -1; nextSib[g] = -1; prevSib[g] = -1; parent[g] = -1 }
        for g in 0 ..< nodeCount where newParent[g] >= 0 { attach(Int32(g), to: newParent[g]); pred[g] = newPred[g] }
        var order = [Int32]()
        order.reserveCapacity(nodeCount)
        for k in 0 ..< K {
            let root = Int32(nodeStart[k + 1] - 1)
            depth[Int(root)] = 0
            forSubtree(root) { x in
                order.append(Int32(x))
                if self.parent[x] >= 0 { self.depth[x] = self.depth[Int(self.parent[x])] + 1 }
            }
        }
        if order.count != nodeCount {
            // A cycle among the parent arcs: back to the star trees.
            for g in 0 ..< nodeCount { firstChild[g] = -1; nextSib[g] = -1; prevSib[g] = -1; parent[g] = -1; depth[g] = 0 }
            for k in 0 ..< K {
                let root = Int32(nodeStart[k + 1] - 1)
                for g in nodeStart[k] ..< Int(root) { attach(Int32(g), to: root); pred[g] = Int32(artBase + g); depth[g] = 1 }
            }
            return false
        }
        // Non-tree arcs at their bounds; node balances left for the tree.
        var balance = [Double](repeating: 0, count: nodeCount)
        for (k, c) in p.commodities.enumerated() {
            for v in 0 ..< c.nodeCount { balance[nodeStart[k] + v] = Double(c.supply[v]) }
            for a in 0 ..< c.arcCount {
                let g = arcStart[k] + a
                if start[k].atUpper[a], let startCapacity, startCapacity[k][a] != MinCostFlowProblem.unbounded {
                    // At its start capacity: a bound, or superbasic strictly inside the bounds.
                    let f = min(max(Double(startCapacity[k][a]), lower[g]), upper[g])
                    flow[g] = f
                    state[g] = f == upper[g] ? 1 : f == lower[g] ? 0 : 4
                    continue
                }
                let up = start[k].atUpper[a] && upper[g].isFinite
                flow[g] = up ? upper[g] : lower[g]
                state[g] = up ? 1 : 0
            }
        }
        for a in artBase ..< arcCount { flow[a] = 0; state[a] = 0 }
        for g in 0 ..< nodeCount where pred[g] >= 0 { state[Int(pred[g])] = 2 }
        for a in 0 ..< artBase where state[a] != 2 && flow[a] != 0 {
            balance[Int(tail[a])] -= flow[a]; balance[Int(head[a])] += flow[a]
        }
        // Children before parents: each node sends its subtree's balance up its tree arc.
        for x in order.reversed() {
            let g = Int(x)
            guard parent[g] >= 0 else { continue }
            let b = balance[g], pa = Int(pred[g]), up = Int(parent[g])
            if pa < artBase {
                let f = tail[pa] == x ? b : -b
                if f >= lower[pa] - 1e-9 && f <= upper[pa] + 1e-9 {
                    flow[pa] = min(max(f, lower[pa]), upper[pa])
                    balance[up] += b
                    continue
                }
                // Cannot carry it: hang the subtree from the root by its artificial arc.
                state[pa] = abs(f - lower[pa]) <= abs(f - upper[pa]) ? 0 : 1
                flow[pa] = state[pa] == 0 ? lower[pa] : upper[pa]
                let moved = flow[pa]
                // The arc's bound flow stays on the arc: the balances at its ends change.
                balance[Int(tail[pa])] -= moved; balance[Int(head[pa])] += moved
                let root = Int32(nodeStart[Int(nodeCommodity[g]) + 1] - 1)
                detach(x); attach(x, to: root)
                let art = artBase + g
                pred[g] = Int32(art); state[art] = 2
            }
            // Artificial arc to the root, oriented by the balance it carries.
            let art = artBase + g, root = nodeStart[Int(nodeCommodity[g]) + 1] - 1
            let bb = balance[g]
            if bb >= 0 { tail[art] = Int32(g); head[art] = Int32(root); flow[art] = bb } else { tail[art] = Int32(root); head[art] = Int32(g); flow[art] = -bb }
            upper[art] = .infinity
            balance[root] += bb
        }
        for k in 0 ..< K {
            let root = Int32(nodeStart[k + 1] - 1)
            forSubtree(root) { x in if self.parent[x] >= 0 { self.depth[x] = self.depth[Int(self.parent[x])] + 1 } }
        }
        for r in 0 ..< bundleCount {
            var used = 0.0
            for i in memberStart[r] ..< memberStart[r + 1] { used += flow[Int(members[i])] }
            slack[r] = capacity[r] - used
        }
        if Self.debug {
            var art = 0.0, artArcs = 0, repaired = 0, rootChildren = 0
            for a in artBase ..< arcCount where flow[a] > 0 { art += flow[a]; artArcs += 1 }
            for g in 0 ..< nodeCount where parent[g] >= 0 && Int(pred[g]) >= artBase { rootChildren += 1 }
            for k in 0 ..< K { for v in 0 ..< p.commodities[k].nodeCount where start[k].parentArc[v] >= 0 && Int(pred[nodeStart[k] + v]) >= artBase { repaired += 1 } }
            note("start: artificial flow \(art) on \(artArcs) arcs, \(rootChildren) nodes on artificial arcs, \(repaired) repaired, overfull \(slack.filter { $0 < 0 }.count)")
        }
        return true
    }

    // MARK: Driver

    static let debug = ProcessInfo.processInfo.environment["FUELFLOW_DEBUG_PP"] != nil
    func note(_ s: @autoclosure () -> String) {
        if Self.debug { FileHandle.standardError.write(Data("pp: \(s())\n".utf8)) }
    }

    func run(maxPivots: Int, deadline: ContinuousClock.Instant?, warm: Bool) -> BundledFlowResult {
        var status = BundledFlowStatus.optimal
        if warm {
            // Composite phase: real costs, artificial flow and overfull bundles at M.
            for a in 0 ..< artBase { cost[a] = realCost[a] }
            for a in artBase ..< arcCount { cost[a] = bigM }
            for r in 0 ..< bundleCount where slack[r] < 0 { mu[r] = bigM; overfull[r] = true }
            // Trees that carry every balance need no artificial flow later either.
            if !(artBase ..< arcCount).contains(where: { flow[$0] > 0 }) {
                for a in artBase ..< arcCount { upper[a] = 0 }
            }
            note("composite start: overfull \(overfull.filter { $0 }.count), artificial fixed \(upper[artBase] == 0)")
        } else {
            for a in 0 ..< artBase { cost[a] = 0 }
            for a in artBase ..< arcCount { cost[a] = 1 }
            // Lower bounds alone overfill a bundle: no flow fits.
            if slack.contains(where: { $0 < 0 }) { return result(.infeasible) }
        }
        var phase = 1
        while phase <= 2 {
            if phase == 2 {
                var artificial = 0.0
                for a in artBase ..< arcCount { artificial += flow[a] }
                if artificial > 1e-7 * Double(max(1, nodeCount)) { status = .infeasible; break }
                if overfull.contains(true) { note("infeasible: overfull \(overfull.enumerated().filter { $0.1 }.map { ($0.0, slack[$0.0]) }) M \(bigM)"); status = .infeasible; break }
                for r in 0 ..< bundleCount where !inB[r] { mu[r] = 0; slack[r] = max(0, slack[r]) }
                for a in artBase ..< arcCount { cost[a] = 0; flow[a] = 0; upper[a] = 0 }
                for a in 0 ..< artBase { cost[a] = realCost[a] }
            }
            _ = refactor()
            updateDuals(previouslyPriced: [])
            recomputePotentials()
            var stop: BundledFlowStatus? = nil
            var verified = false
            while stop == nil {
                if pivots >= maxPivots { stop = .limitReached; break }
                if pivots & 1023 == 0 {
                    let now = ContinuousClock.now
                    if let deadline, now >= deadline { stop = .limitReached; break }
                    if let progress, (now - lastProgress) >= .seconds(progressInterval) {
                        lastProgress = now
                        var c = 0.0
                        for a in 0 ..< artBase { c += realCost[a] * flow[a] }
                        progress(.init(pivots: pivots, phase: phase, overfullBundles: overfull.lazy.filter { $0 }.count,
                                       fullBundles: B.count, cost: c))
                    }
                }
                if pivots % 10_000 == 9_999 {
                    recomputePotentials()
                    if Self.debug {
                        var obj = 0.0, art = 0.0, over = 0, degenerate = 0
                        for a in 0 ..< artBase { obj += realCost[a] * flow[a] }
                        for a in artBase ..< arcCount { art += flow[a] }
                        for r in 0 ..< bundleCount where slack[r] < 0 { over += 1 }
                        degenerate = degenerateRun
                        let blocks = blockSizes()
                        note("phase \(phase) pivot \(pivots + 1): cost \(obj), artificial \(art), overfull \(over), |B| \(B.count), degenerate run \(degenerate), bland \(bland), W blocks \(blocks.count), largest \(blocks.prefix(5))")
                    }
                }
                if refreshEvery > 0 && pivotsSinceRefresh >= refreshEvery { syncPotentials(); refreshes += 1 }
                guard let e = price() else {
                    if verified { break }
                    // Refresh the duals once and look again before declaring optimality.
                    if !refactor() { stop = .numericalTrouble; break }
                    updateDuals(previouslyPriced: B); recomputePotentials()
                    verified = true
                    continue
                }
                verified = false
                if refreshEvery > 0, pivotsSinceRefresh > 0, case let .arc(q, sigma) = e {
                    // Priced against stale potentials: pivot only if it really improves.
                    let d = exactReducedCost(q)
                    if sigma > 0 ? d >= -epsD : d <= epsD {
                        // The next search starts past it: sync only when stale prices keep
                        // choosing arcs that do not improve.
                        rejected += 1; rejectedInARow += 1
                        if rejectedInARow >= syncAfterRejections { syncPotentials(); refreshes += 1; rejectedInARow = 0 }
                        continue
                    }
                }
                rejectedInARow = 0
                pivotsSinceRefresh += 1
                var trouble: BundledFlowStatus? = nil
                pivot(e, trouble: &trouble)
                if let trouble { stop = trouble }
            }
            if let stop { status = stop; break }
            if phase == 1 && warm && bigM < maxBigM && !compositeDone() {
                // M was too cheap against the real costs: raise it and go on.
                bigM *= 100
                for a in artBase ..< arcCount { cost[a] = bigM }
                for r in 0 ..< bundleCount where overfull[r] { mu[r] = bigM }
                note("composite phase: M raised to \(bigM); overfull \(slack.enumerated().filter { $0.1 < -1e-9 }.prefix(5)), artificial \((artBase ..< arcCount).filter { flow[$0] > 1e-9 }.prefix(5).map { flow[$0] })")
                phase = 1
                continue
            }
            phase += 1
        }
        return result(status)
    }

    /// No artificial flow and no overfull bundle.
    func compositeDone() -> Bool {
        for a in artBase ..< arcCount where flow[a] > 1e-9 { return false }
        return !overfull.contains(true)
    }

    func result(_ status: BundledFlowStatus) -> BundledFlowResult {
        var r = BundledFlowResult(status: status)
        r.pivots = pivots
        r.workingBasisSize = B.count
        r.largestWorkingBasis = largestB
        if Self.debug { let blocks = blockSizes(); note("end: \(pivots) pivots, \(refreshes) refreshes (\(rejected) rejected), |B| \(B.count), W blocks \(blocks.count), largest \(blocks.prefix(8))") }
        if case .invalid = status { return r }
        var objective = 0.0
        for a in 0 ..< artBase { objective += realCost[a] * flow[a] }
        r.objective = objective
        r.flow = (0 ..< K).map { k in Array(flow[arcStart[k] ..< arcStart[k + 1]]) }
        r.potential = (0 ..< K).map { k in
            let root = pi[nodeStart[k + 1] - 1]
            return pi[nodeStart[k] ..< nodeStart[k + 1] - 1].map { $0 - root }
        }
        r.bundlePrice = mu.map { max(0, $0) }
        r.feasible = isFeasible()
        return r
    }

    /// Supplies met at every node, bounds and bundles kept, no artificial flow (within 10⁻⁶).
    func isFeasible() -> Bool {
        var excess = supply
        for a in 0 ..< arcCount {
            if flow[a] < lower[a] - 1e-6 || flow[a] > upper[a] + 1e-6 { return false }
            if a >= artBase && flow[a] > 1e-6 { return false }
            excess[Int(tail[a])] -= flow[a]; excess[Int(head[a])] += flow[a]
        }
        for k in 0 ..< K {
            for g in nodeStart[k] ..< nodeStart[k + 1] - 1 where abs(excess[g]) > 1e-6 * (1 + abs(supply[g])) { return false }
        }
        for r in 0 ..< bundleCount {
            var used = 0.0
            for i in memberStart[r] ..< memberStart[r + 1] { used += flow[Int(members[i])] }
            if used > capacity[r] + 1e-6 * (1 + capacity[r]) { return false }
        }
        return true
    }
}

/// The working basis W in block triangular form: a perfect matching of rows to columns, then the
/// strongly connected components of "row i uses the column matched to row j" (Tarjan), each a
/// diagonal block with its own dense LU; the entries between blocks are kept as lists. A solve
/// runs through the blocks in dependency order, substituting what earlier blocks gave. This
/// refines W's connected blocks (n3k's 220 full rows fall into 118 of at most 9), and a block
/// whose right-hand side is zero is skipped.
struct BlockLU {
    struct Block {
        /// Positions in B (W's rows) and in E (its columns), in the order of `lu`'s rows/columns.
        var rows: [Int32], columns: [Int32]
        var lu: DenseLU
        /// Entries of the block's rows in other blocks' columns: (local row, column, value).
        var rowCoupling: [(Int32, Int32, Double)]
        /// Entries of the block's columns in other blocks' rows: (local column, row, value).
        var columnCoupling: [(Int32, Int32, Double)]
    }
    /// In dependency order for ``solve(_:)`` (a block's rows use only its own columns and
    /// earlier blocks'); ``solveTransposed(_:)`` runs them backwards.
    var blocks: [Block]
    let n: Int

    /// nil when W is singular (no perfect matching, or a singular diagonal block).
    init?(n: Int, entries: [(row: Int32, column: Int32, value: Double)]) {
        self.n = n
        // Rows' entries, duplicates summed.
        var rowStart = [Int](repeating: 0, count: n + 1)
        for e in entries { rowStart[Int(e.row) + 1] += 1 }
        for r in 0 ..< n { rowStart[r + 1] += rowStart[r] }
        var fill = rowStart
        var col = [Int32](repeating: 0, count: entries.count), val = [Double](repeating: 0, count: entries.count)
        for e in entries { let k = fill[Int(e.row)]; col[k] = e.column; val[k] = e.value; fill[Int(e.row)] += 1 }
        // Perfect matching rows → columns (greedy, then augmenting paths), over nonzero entries.
        var matchRow = [Int32](repeating: -1, count: n), matchColumn = [Int32](repeating: -1, count: n)
        for r in 0 ..< n {
            for k in rowStart[r] ..< rowStart[r + 1] where val[k] != 0 && matchColumn[Int(col[k])] < 0 {
                matchRow[r] = col[k]; matchColumn[Int(col[k])] = Int32(r); break
            }
        }
        var seen = [Int32](repeating: -1, count: n)
        var stack = [(row: Int32, next: Int)]()
        for r0 in 0 ..< n where matchRow[r0] < 0 {
            // DFS for an augmenting path from row r0 (columns visited once per search).
            stack.removeAll(keepingCapacity: true)
            stack.append((Int32(r0), rowStart[r0]))
            var found = false
            while let top = stack.last, !found {
                let r = Int(top.row)
                var k = top.next
                var pushed = false
                while k < rowStart[r + 1] {
                    let c = Int(col[k]); k += 1
                    if val[k - 1] == 0 || seen[c] == Int32(r0) { continue }
                    seen[c] = Int32(r0)
                    stack[stack.count - 1].next = k
                    let owner = matchColumn[c]
                    if owner < 0 {
                        // Augment along the stack: each row takes the column it reached.
                        var cc = Int32(c)
                        for i in stride(from: stack.count - 1, through: 0, by: -1) {
                            let rr = Int(stack[i].row), prev = matchRow[rr]
                            matchRow[rr] = cc; matchColumn[Int(cc)] = Int32(rr); cc = prev
                        }
                        found = true
                    } else {
                        stack.append((owner, rowStart[Int(owner)]))
                    }
                    pushed = true
                    break
                }
                if !pushed && !found { stack.removeLast() }
            }
            if !found { return nil }
        }
        // Tarjan's strongly connected components over rows: i → j when row i has an entry in
        // the column matched to row j. Components come out sinks first: dependency order.
        var index = [Int32](repeating: -1, count: n), low = [Int32](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n), sccStack = [Int32](), counter: Int32 = 0
        var component = [Int32](repeating: -1, count: n)
        var members = [[Int32]]()
        var call = [(node: Int32, next: Int)]()
        for s in 0 ..< n where index[s] < 0 {
            call.append((Int32(s), rowStart[s]))
            index[s] = counter; low[s] = counter; counter += 1
            sccStack.append(Int32(s)); onStack[s] = true
            while let top = call.last {
                let v = Int(top.node)
                var k = top.next
                var descended = false
                while k < rowStart[v + 1] {
                    let w = Int(matchColumn[Int(col[k])]); k += 1
                    if w == v || val[k - 1] == 0 { continue }
                    if index[w] < 0 {
                        call[call.count - 1].next = k
                        index[w] = counter; low[w] = counter; counter += 1
                        sccStack.append(Int32(w)); onStack[w] = true
                        call.append((Int32(w), rowStart[w]))
                        descended = true
                        break
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                }
                if descended { continue }
                call.removeLast()
                if let parent = call.last { low[Int(parent.node)] = min(low[Int(parent.node)], low[v]) }
                if low[v] == index[v] {
                    var comp = [Int32]()
                    while true {
                        let w = sccStack.removeLast()
                        onStack[Int(w)] = false; component[Int(w)] = Int32(members.count); comp.append(w)
                        if w == Int32(v) { break }
                    }
                    members.append(comp.sorted())
                }
            }
        }
        // Each component's diagonal block, factored; the entries outside it as couplings.
        var local = [Int32](repeating: 0, count: n)            // row → its index in its block
        var localColumn = [Int32](repeating: 0, count: n)      // column → index in its block
        for comp in members {
            for (i, r) in comp.enumerated() { local[Int(r)] = Int32(i); localColumn[Int(matchRow[Int(r)])] = Int32(i) }
        }
        var blocks = [Block]()
        blocks.reserveCapacity(members.count)
        var columnCoupling = [[(Int32, Int32, Double)]](repeating: [], count: members.count)
        var dense = members.map { [Double](repeating: 0, count: $0.count * $0.count) }
        var rowCoupling = [[(Int32, Int32, Double)]](repeating: [], count: members.count)
        for r in 0 ..< n {
            let b = Int(component[r]), m = members[b].count
            for k in rowStart[r] ..< rowStart[r + 1] where val[k] != 0 {
                let c = Int(col[k]), cb = Int(component[Int(matchColumn[c])])
                if cb == b {
                    dense[b][Int(local[r]) * m + Int(localColumn[c])] += val[k]
                } else {
                    rowCoupling[b].append((local[r], Int32(c), val[k]))
                    columnCoupling[cb].append((localColumn[c], Int32(r), val[k]))
                }
            }
        }
        for (b, comp) in members.enumerated() {
            guard let f = DenseLU(dense[b], comp.count) else { return nil }
            blocks.append(Block(rows: comp, columns: comp.map { matchRow[Int($0)] }, lu: f,
                                rowCoupling: rowCoupling[b], columnCoupling: columnCoupling[b]))
        }
        self.blocks = blocks
    }

    /// x (over W's columns) with W x = b (over its rows).
    func solve(_ b: [Double]) -> [Double] {
        var x = [Double](repeating: 0, count: n)
        for block in blocks {
            if block.rows.count == 1 {
                // Most blocks are one row: no arrays for them (this runs every pivot).
                var r = b[Int(block.rows[0])]
                for (_, c, v) in block.rowCoupling where x[Int(c)] != 0 { r -= v * x[Int(c)] }
                if r != 0 { x[Int(block.columns[0])] = r / block.lu.a[0] }
                continue
            }
            var rhs = block.rows.map { b[Int($0)] }
            for (i, c, v) in block.rowCoupling where x[Int(c)] != 0 { rhs[Int(i)] -= v * x[Int(c)] }
            if !rhs.contains(where: { $0 != 0 }) { continue }
            let y = block.lu.solve(rhs)
            for (i, c) in block.columns.enumerated() { x[Int(c)] = y[i] }
        }
        return x
    }

    /// μ (over W's rows) with Wᵀ μ = c (over its columns).
    func solveTransposed(_ c: [Double]) -> [Double] {
        var mu = [Double](repeating: 0, count: n)
        for block in blocks.reversed() {
            if block.rows.count == 1 {
                var r = c[Int(block.columns[0])]
                for (_, row, v) in block.columnCoupling where mu[Int(row)] != 0 { r -= v * mu[Int(row)] }
                if r != 0 { mu[Int(block.rows[0])] = r / block.lu.a[0] }
                continue
            }
            var rhs = block.columns.map { c[Int($0)] }
            for (i, r, v) in block.columnCoupling where mu[Int(r)] != 0 { rhs[Int(i)] -= v * mu[Int(r)] }
            if !rhs.contains(where: { $0 != 0 }) { continue }
            let y = block.lu.solveTransposed(rhs)
            for (i, r) in block.rows.enumerated() { mu[Int(r)] = y[i] }
        }
        return mu
    }
}

/// Dense LU factorisation with partial pivoting of an n×n row-major matrix (P M = L U, L unit
/// lower triangular below the diagonal of `a`, U on and above it).
struct DenseLU {
    var a: [Double]
    var perm: [Int]
    let n: Int

    init?(_ m: [Double], _ n: Int) {
        self.n = n; a = m; perm = Array(0 ..< n)
        var singular = false
        perm.withUnsafeMutableBufferPointer { perm in
            a.withUnsafeMutableBufferPointer { a in
                for k in 0 ..< n {
                    var p = k, best = abs(a[k * n + k])
                    for i in k + 1 ..< n where abs(a[i * n + k]) > best { best = abs(a[i * n + k]); p = i }
                    if best < 1e-10 { singular = true; return }
                    if p != k {
                        for j in 0 ..< n { a.swapAt(k * n + j, p * n + j) }
                        perm.swapAt(k, p)
                    }
                    let pivot = a[k * n + k]
                    for i in k + 1 ..< n {
                        let f = a[i * n + k] / pivot
                        if f == 0 { continue }
                        a[i * n + k] = f
                        for j in k + 1 ..< n { a[i * n + j] -= f * a[k * n + j] }
                    }
                }
            }
        }
        if singular { return nil }
    }

    /// x with M x = b.
    func solve(_ b: [Double]) -> [Double] {
        var y = perm.map { b[$0] }
        a.withUnsafeBufferPointer { a in
            y.withUnsafeMutableBufferPointer { y in
                for i in 0 ..< n {
                    var s = y[i]
                    for j in 0 ..< i { s -= a[i * n + j] * y[j] }
                    y[i] = s
                }
                for i in stride(from: n - 1, through: 0, by: -1) {
                    var s = y[i]
                    for j in i + 1 ..< n { s -= a[i * n + j] * y[j] }
                    y[i] = s / a[i * n + i]
                }
            }
        }
        return y
    }

    /// x with Mᵀ x = b: Uᵀ Lᵀ (P x) = b, both triangles by rows of `a` (contiguous).
    func solveTransposed(_ b: [Double]) -> [Double] {
        var z = b
        a.withUnsafeBufferPointer { a in
            z.withUnsafeMutableBufferPointer { z in
                for j in 0 ..< n {
                    let zj = z[j] / a[j * n + j]
                    z[j] = zj
                    if zj != 0 { for i in j + 1 ..< n { z[i] -= a[j * n + i] * zj } }
                }
                for j in stride(from: n - 1, through: 0, by: -1) {
                    let zj = z[j]
                    if zj != 0 { for i in 0 ..< j { z[i] -= a[j * n + i] * zj } }
                }
            }
        }
        var x = [Double](repeating: 0, count: n)
        for i in 0 ..< n { x[perm[i]] = z[i] }
        return x
    }
}
