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
    /// Potentials follow μ lazily: pricing keeps each block's 32 best arcs by their stale
    /// reduced cost and checks them on their cycles; the best that really improves enters. The
    /// potentials are synced every 1,000 pivots, or after 512 blocks in a row without such an
    /// arc (sooner when those checks cost more than the last sync). false: shifted under every
    /// bundle whose μ moves, at every pivot.
    public var lazyPotentials = true
    /// Threads for recomputing the potentials (the commodities' trees are disjoint; the result
    /// does not depend on it).
    public var threads = 1
    /// The working basis is factored afresh once the changes since its last factorisation
    /// border it with more than this many rows (0: at every change). See
    /// BorderedWorkingBasis.swift.
    public var maxBorder = PartitionEngine.defaultMaxBorder
    /// Test aid: every solve with the working basis is checked against its entries.
    var checkSolves = false
    /// When a full bundle whose price turned negative gives up its capacity (its slack enters).
    public enum SlackPricing: Sendable {
        /// Before any arc is priced (every such bundle leaves the working basis at once).
        case first
        /// Only once no arc improves against the current potentials (or they need a sync).
        case last
    }
    /// `.last` by default (`FUELFLOW_PP_SLACKS=first` for the other); see the engine's
    /// `slackPricing` for the measurements.
    public var slackPricing = PartitionEngine.defaultSlackPricing

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
        engine.threads = threads
        engine.maxBorder = maxBorder; engine.checkSolves = checkSolves
        engine.slackPricing = slackPricing
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
    /// The bundles a sync shifts the potentials for, and by how much (``syncPotentials()``).
    var syncShifts: [(bundle: Int32, by: Double)] = []
    /// Scratch for a sync (0 between syncs): the shift at each re-priced tree arc's child node.
    var syncMark: [Double]
    /// The serial of the last sync whose shifts covered a node (see ``TreePotentials/sync(_:)``).
    var syncCovered: [UInt32]
    var syncSerial: UInt32 = 0
    /// Extras (by arc) whose row of Wᵀμ = −C may have a residual since the last correction: a
    /// new cycle, or a bundle of theirs left or joined B. Between W's factorisations only their
    /// rows are corrected; each fresh factorisation checks every row (rounding: corrections at
    /// most ``muTolerance`` are skipped, and may add up).
    var residualMarked: [Bool] = [], residualList: [Int32] = []
    var residualCheckedAt = -1
    var inB: [Bool]
    /// Overfull at a warm start and not yet full (priced at M in the composite phase).
    var overfull: [Bool]
    var overfullCount = 0
    var memberStart: [Int], members: [Int32]
    // Working basis.
    var B: [Int32] = []          // full bundles (slack nonbasic at 0)
    var E: [Int32] = []          // extra arcs, as many as B
    var posB: [Int32]            // bundle → index in B or −1
    var posE: [Int32]            // arc → index in E or −1
    /// The extra (index in E) each bundle was matched to in W's last factorisation, −1 once
    /// that extra left or was replaced: the next one starts its matching from these (W changes
    /// little from one pivot to the next). Kept for the bundles in B only (−1 when one joins).
    var matchedExtra: [Int32]
    var cycleArcs: [[Int32]] = []     // per extra (parallel to E)
    var cycleCoef: [[Double]] = []
    var cycleValid: [Bool] = []
    /// Each extra's commodity and end nodes (parallel to E): ``invalidateCycles(commodity:)``
    /// reads them in one stream instead of looking each arc's ends up.
    struct SlotEnds { var commodity: Int32, tail: Int32, head: Int32 }
    var slotEnds: [SlotEnds] = []
    @inline(__always) func ends(of q: Int32) -> SlotEnds {
        SlotEnds(commodity: nodeCommodity[Int(tail[Int(q)])], tail: tail[Int(q)], head: head[Int(q)])
    }
    /// Per extra, its cycle's arcs that belong to a bundle (W's column before the rows outside
    /// B are dropped) and the cycle's cost; refactoring W and solving for μ read these, not the
    /// whole cycles.
    var column = PackedLists()
    var cycleCost: [Double] = []
    /// The part of each column in B's rows (W's column, by bundle): kept as bundles join and
    /// leave B, so a refactorisation reads W's entries only (most pivots change no row of W).
    var inW = PackedLists()
    /// Nodes of the subtree the last exchange re-hung carry `stampNow` (see invalidateCycles).
    var stamp: [UInt32]
    var stampNow: UInt32 = 0
    /// Scratch: the extras whose cycle ``ensureCycles()`` recomputes.
    var invalidScratch: [Int32] = []
    /// Scratch (−1 between uses): a bundle's entry in the column being built.
    var bundleSlot: [Int32]
    /// W's factors: the last factorisation and the border of changes since (see
    /// BorderedWorkingBasis.swift).
    var border = WorkingBasisBorder()
    /// Per extra (parallel to E): its column's index in W₀, −1 when it joined or changed since;
    /// a serial number that changes whenever its cycle is recomputed.
    var slotBase: [Int32] = [], slotSerial: [Int] = []
    var nextSerial = 0
    /// Per bundle: its row's index in W₀ (−1 outside R₀); scratch for the border's row and
    /// column indices.
    var rowBase: [Int32], rowBorder: [Int32], slotBorder: [Int32] = []
    var maxBorder = PartitionEngine.defaultMaxBorder
    /// Test aid: every solve with W is checked against W's entries (``WorkingBasisBorder/worstResidual``),
    /// and every potential sync against a recomputation (`worstSyncError`, `syncsChecked`).
    var checkSolves = false
    var worstSyncError = 0.0, syncsChecked = 0
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
    /// Pivot counts by kind (debug notes): [entering superbasic, entering slack, degenerate,
    /// leaving own bound, slack, extra, tree].
    var kinds = [Int](repeating: 0, count: 7)
    /// `.last`: bundles leave B only when nothing else improves. With `.first` most pivots on
    /// national-like networks moved capacity from bundle to bundle: on the 6,000-station network
    /// 107,588 of 241,665 pivots entered a slack, and 113,097 filled one, some bundles 500 times;
    /// with `.last` 6,005 and 11,531 of 165,672 (docs/network-simplex.md, "Which slack enters").
    var slackPricing = PartitionEngine.defaultSlackPricing
    static let defaultSlackPricing: PrimalPartitioningSimplex.SlackPricing = ProcessInfo.processInfo.environment["FUELFLOW_PP_SLACKS"] == "first" ? .first : .last
    var blockStart = 0
    let blockSize: Int
    var largestB = 0
    var progress: (@Sendable (PrimalPartitioningSimplex.Progress) -> Void)? = nil
    var progressInterval = 5.0
    var lastProgress = ContinuousClock.now
    /// Potentials are synced with μ (muHat = μ) after this many pivots, or when
    /// ``syncAfterRejections`` blocks in a row had no candidate whose exact reduced cost improves;
    /// between syncs μ changes cost nothing. 0: potentials shifted under every bundle whose μ
    /// changes (eager). National: 200 pivots and 4 rejections gave 45,056 pivots in 150 s
    /// (2,482 syncs); 1,000 and 64 blocks of 32 candidates 62,464 in 95 s (68 syncs) and a
    /// lower cost per pivot (docs/benchmarks.md, session 18).
    var refreshEvery = ProcessInfo.processInfo.environment["FUELFLOW_PP_REFRESH"].flatMap { Int($0) } ?? 1000
    var pivotsSinceRefresh = 0
    var threads = 1
    var rejected = 0, refreshes = 0
    /// Blocks in a row whose checked candidates all fail before the potentials are synced, at
    /// most; earlier when the work those blocks cost (arcs scanned, cycles walked) exceeds what
    /// the last sync cost (nodes visited): stale potentials are worth keeping only while
    /// checking is cheaper than syncing. 512 since session 21 (64 before): national's late
    /// pivots then synced 757 times instead of 917, its partitioning 176 → 166 s.
    let syncAfterRejections = ProcessInfo.processInfo.environment["FUELFLOW_PP_REJECTS"].flatMap { Int($0) } ?? 512
    var staleWork = 0, lastSyncCost = 0
    /// How many of a block's best arcs (by stale reduced cost) are checked on their cycles.
    let candidatesChecked = ProcessInfo.processInfo.environment["FUELFLOW_PP_CANDIDATES"].flatMap { Int($0) } ?? 32
    var candidates: [(arc: Int32, sigma: Double, value: Double)] = []
    /// Overfull bundles that became full in the current pivot without leaving the basis.
    var relieved: [Int32] = []
    /// Bundles that left B in the current pivot (their μ goes back to 0).
    var leftB: [Int32] = []
    // Scratch for W's solves (no arrays allocated per pivot).
    var wRhs: [Double] = [], wSol: [Double] = []
    var dualRhs: [Double] = [], dualSol: [Double] = []
    var rhs0: [Double] = [], sol0: [Double] = []
    /// Where `wRhs`, `dualRhs` and `rhs0` may be nonzero (sparse right-hand sides: the solves
    /// then skip a pass over all of B).
    var wRhsNonzeros: [Int32] = [], dualRhsNonzeros: [Int32] = [], rhs0Nonzeros: [Int32] = []
    let luScratch = BlockLU.Scratch()

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
        stamp = .init(repeating: 0, count: nodeCount)
        syncMark = .init(repeating: 0, count: nodeCount)
        syncCovered = .init(repeating: 0, count: nodeCount)
        capacity = p.bundleCapacity.map(Double.init)
        slack = .init(repeating: 0, count: bundleCount); mu = .init(repeating: 0, count: bundleCount)
        muHat = mu
        pending = .init(repeating: false, count: bundleCount)
        inB = .init(repeating: false, count: bundleCount)
        overfull = .init(repeating: false, count: bundleCount)
        posB = .init(repeating: -1, count: bundleCount)
        matchedExtra = .init(repeating: -1, count: bundleCount)
        rowBase = .init(repeating: -1, count: bundleCount); rowBorder = .init(repeating: -1, count: bundleCount)
        bundleSlot = .init(repeating: -1, count: bundleCount)
        posE = .init(repeating: -1, count: arcCount)
        residualMarked = .init(repeating: false, count: arcCount)
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
        staleWork = 0; lastSyncCost = nodeCount
        pi.withUnsafeMutableBufferPointer { buffer in
            let job = TreePotentials(engine: self, pi: buffer.baseAddress!)
            if threads > 1 && K > 1 && nodeCount >= 100_000 {
                DispatchQueue.concurrentPerform(iterations: K) { k in job.recompute(k) }
            } else {
                for k in 0 ..< K { job.recompute(k) }
            }
        }
    }

    /// One commodity's potentials from its root, written through `pi` (the engine's array,
    /// held by the caller). Sendable because each commodity's task writes only its own nodes'
    /// potentials and only reads the tree and the costs, which nothing changes meanwhile.
    struct TreePotentials: @unchecked Sendable {
        unowned let engine: PartitionEngine
        let pi: UnsafeMutablePointer<Double>
        /// ``PartitionEngine/syncMark`` and ``PartitionEngine/syncCovered`` (syncs only).
        var mark: UnsafeMutablePointer<Double>! = nil
        var covered: UnsafeMutablePointer<UInt32>! = nil
        var serial: UInt32 = 0

        func recompute(_ k: Int) {
            let e = engine, pi = pi
            let root = Int32(e.nodeStart[k + 1] - 1)
            pi[Int(root)] = 0
            e.forSubtree(root) { x in
                let a = Int(e.pred[x])
                guard a >= 0 else { return }
                let p = Int(e.parent[x])
                pi[x] = e.tail[a] == Int32(p) ? pi[p] + e.modifiedCost(a) : pi[p] - e.modifiedCost(a)
            }
        }

        /// Commodity k's share of ``PartitionEngine/syncPotentials()``: every node below a tree
        /// arc of a synced bundle moves by the sum of the shifts above it. The arcs' child nodes
        /// are marked with their shifts and taken shallowest first; each walks its subtree once,
        /// carrying the sum of the marks met on the way down, and covers the marked nodes below
        /// it, so every node of the union of the subtrees is visited once. (Shifting subtree by
        /// subtree visited nested subtrees again and again: national's late syncs walked more
        /// nodes than the trees hold and then recomputed them from the roots, ~64 % of a late
        /// pivot.) Returns the nodes visited.
        func sync(_ k: Int) -> Int {
            let e = engine, pi = pi, mark = mark!, covered = covered!, serial = serial
            var marked: [Int32] = []
            for (r, d) in e.syncShifts {
                let ri = Int(r)
                for m in e.memberStart[ri] ..< e.memberStart[ri + 1] {
                    let a = Int(e.members[m])
                    guard e.state[a] == 2, Int(e.nodeCommodity[Int(e.tail[a])]) == k else { continue }
                    let child = Int(e.childOf(a))
                    if mark[child] == 0 { marked.append(Int32(child)) }
                    mark[child] += e.tail[a] == Int32(child) ? -d : d
                    // Shifts that cancel keep the node marked (it is listed once).
                    if mark[child] == 0 { mark[child] = .leastNonzeroMagnitude }
                }
            }
            // An ancestor is shallower: it covers its marked descendants before they come up.
            marked.sort { e.depth[Int($0)] < e.depth[Int($1)] }
            var visited = 0
            var sums: [Double] = []   // per level below the walk's top: the marks' sum down to it
            for top in marked where covered[Int(top)] != serial {
                var x = top, level = 0
                sums.removeAll(keepingCapacity: true)
                sums.append(mark[Int(top)])
                while true {   // preorder through top's subtree
                    let xi = Int(x)
                    pi[xi] += sums[level]
                    if mark[xi] != 0 { covered[xi] = serial }
                    visited += 1
                    let c = e.firstChild[xi]
                    if c >= 0 {
                        x = c; level += 1
                        let s = sums[level - 1] + mark[Int(c)]
                        if level < sums.count { sums[level] = s } else { sums.append(s) }
                        continue
                    }
                    while x != top && e.nextSib[Int(x)] < 0 { x = e.parent[Int(x)]; level -= 1 }
                    if x == top { break }
                    x = e.nextSib[Int(x)]
                    sums[level] = sums[level - 1] + mark[Int(x)]
                }
            }
            for x in marked { mark[Int(x)] = 0 }
            return visited
        }
    }

    // MARK: Working basis

    /// Recomputes every invalid cycle (one pass over the flags, then the few that need it).
    func ensureCycles() {
        invalidScratch.removeAll(keepingCapacity: true)
        cycleValid.withUnsafeBufferPointer { valid in
            for i in 0 ..< valid.count where !valid[i] { invalidScratch.append(Int32(i)) }
        }
        for i in invalidScratch { ensureCycle(Int(i)) }
    }

    func ensureCycle(_ i: Int) {
        if !cycleValid[i] {
            if slotBase[i] >= 0 {
                border.deadColumns.append(slotBase[i])
                slotBase[i] = -1; border.unbasedSlots.append(Int32(i))
            }
            slotSerial[i] = nextSerial; nextSerial += 1
            cycle(E[i], &cycleArcs[i], &cycleCoef[i])
            column.clear(i)
            var c = 0.0
            let arcs = cycleArcs[i], coef = cycleCoef[i]
            for j in 0 ..< arcs.count {
                let a = Int(arcs[j])
                c += coef[j] * cost[a]
                let r = Int(bundle[a])
                guard r >= 0 else { continue }
                // One entry per bundle: a cycle through two of its arcs sums them (they may cancel).
                if bundleSlot[r] >= 0 {
                    column.add(coef[j], to: i, at: Int(bundleSlot[r]))
                } else {
                    bundleSlot[r] = column.count[i]
                    column.append(to: i, key: Int32(r), value: coef[j])
                }
            }
            let n = Int(column.count[i])
            var zero = false
            for j in 0 ..< n {
                bundleSlot[Int(column.key(i, j))] = -1
                if column.value(i, j) == 0 { zero = true }
            }
            if zero { column.dropZeros(i) }
            inW.clear(i)
            for j in 0 ..< Int(column.count[i]) where inB[Int(column.key(i, j))] {
                inW.append(to: i, key: column.key(i, j), value: column.value(i, j))
            }
            cycleCost[i] = c
            cycleValid[i] = true
            residualMoved(i)
        }
    }

    /// The cycles' costs are cached: every cycle is recomputed after the costs change.
    func invalidateAllCycles() {
        for i in cycleValid.indices { cycleValid[i] = false }
        wDirty = true
    }

    /// A tree arc of commodity `k` left its tree and the subtree below it was re-hung (its nodes
    /// stamped by ``exchange(leaving:entering:shift:)``): the extras whose cycle held the arc,
    /// those with exactly one end in that subtree, have a new one (the others' tree paths are
    /// unchanged).
    func invalidateCycles(commodity k: Int32) {
        slotEnds.withUnsafeBufferPointer { ends in
            for i in 0 ..< ends.count where ends[i].commodity == k && cycleValid[i] {
                if (stamp[Int(ends[i].tail)] == stampNow) != (stamp[Int(ends[i].head)] == stampNow) {
                    cycleValid[i] = false; wDirty = true
                }
            }
        }
    }

    /// Sizes (rows) of W's connected blocks, largest first (debug notes).
    func blockSizes() -> [Int] {
        if wDirty { _ = refactor() }
        return (border.base?.blockSizes ?? []).sorted(by: >)
    }

    /// Extra slot i's cycle cost with the penalties of the overfull bundles it crosses (the
    /// right-hand side of its row of Wᵀμ = −C, negated).
    @inline(__always) func rowCost(_ i: Int) -> Double {
        var s = cycleCost[i]
        // Bundles outside B have μ = 0 but while overfull (priced at M).
        if overfullCount > 0 {
            for j in 0 ..< Int(column.count[i]) where !inB[Int(column.key(i, j))] {
                s += column.value(i, j) * mu[Int(column.key(i, j))]
            }
        }
        return s
    }

    /// Row i's residual of Wᵀμ = −C at the current μ.
    @inline(__always) func rowResidual(_ i: Int) -> Double {
        var s = rowCost(i)
        for j in 0 ..< Int(inW.count[i]) { s += inW.value(i, j) * mu[Int(inW.key(i, j))] }
        return s
    }

    /// New μ from Wᵀμ = −C; the bundles whose μ changed are marked for the next potential sync
    /// (``syncPotentials()``; at once when eager). `old` holds the bundles whose μ may have been
    /// nonzero before (they leave B or change).
    ///
    /// Between exact solves (`exact`: at a phase's start and before optimality is declared) μ
    /// is corrected instead: δ solves Wᵀδ = −C − Wᵀμ, whose right-hand side is nonzero only at
    /// the extras that changed (new cycles, rows gone) — residuals within ``muTolerance`` are
    /// dropped — so the solve reaches few of W's blocks (see ``BlockLU/solve(_:into:transposed:scratch:)``).
    /// Only the rows marked since (``residualMoved(_:)``) are recomputed, and every row after a
    /// fresh factorisation (6,000 stations: 142.7 → 126.5 s, the same pivots).
    func updateDuals(previouslyPriced old: [Int32], exact: Bool = false) {
        // Bundles that left B first: their μ is 0 again (and no longer a cost in the cycles).
        for r in old where !inB[Int(r)] && mu[Int(r)] != 0 && !overfull[Int(r)] {
            mu[Int(r)] = 0; muMoved(r)
        }
        if !B.isEmpty {
            dualRhs.setZero(count: B.count)
            dualRhsNonzeros.removeAll(keepingCapacity: true)
            ensureCycles()
            var nonzero = 0, sparse = false
            // Between fresh factorisations only the marked rows can have moved.
            if !exact && overfullCount == 0 && border.factorizations == residualCheckedAt {
                sparse = true
                for a in residualList {
                    let i = Int(posE[Int(a)])
                    guard i >= 0 else { continue }
                    let s = rowResidual(i)
                    if abs(s) > muTolerance { dualRhs[i] = -s; nonzero += 1; dualRhsNonzeros.append(Int32(i)) }
                }
            } else {
                for i in 0 ..< E.count {
                    if exact { dualRhs[i] = -rowCost(i); continue }
                    let s = rowResidual(i)
                    if abs(s) > muTolerance { dualRhs[i] = -s; nonzero += 1 }
                }
                residualCheckedAt = border.factorizations
            }
            for a in residualList { residualMarked[Int(a)] = false }
            residualList.removeAll(keepingCapacity: true)
            if exact {
                solveWTransposed(dualRhs, into: &dualSol)
                for (i, r) in B.enumerated() {
                    // A refactored W gives every μ new rounding: changes below a thousandth of the
                    // pricing tolerance keep the old μ (and spare the shifts under its tree arcs).
                    if abs(dualSol[i] - mu[Int(r)]) > muTolerance { mu[Int(r)] = dualSol[i]; muMoved(r) }
                }
            } else if nonzero > 0 {
                solveWTransposed(dualRhs, nonzeros: sparse ? dualRhsNonzeros : nil, into: &dualSol)
                for (i, r) in B.enumerated() where abs(dualSol[i]) > muTolerance {
                    mu[Int(r)] += dualSol[i]; muMoved(r)
                }
            }
            if checkSolves {
                var worst = 0.0
                for i in 0 ..< E.count { worst = max(worst, abs(rowResidual(i))) }
                border.worstDualResidual = max(border.worstDualResidual, worst / muTolerance)
            }
        }
        // Lazy potentials: they stay consistent with muHat until the next sync.
        if refreshEvery == 0 { syncPotentials() }
    }

    /// Marks extra slot i's row for the next dual correction (``updateDuals``).
    @inline(__always) func residualMoved(_ i: Int) {
        let e = Int(E[i])
        if !residualMarked[e] { residualMarked[e] = true; residualList.append(E[i]) }
    }

    /// Marks bundle r for the next potential sync (its μ moved).
    @inline(__always) func muMoved(_ r: Int32) {
        if !pending[Int(r)] { pending[Int(r)] = true; pendingList.append(r) }
    }

    /// Shifts the potentials under the tree arcs of every bundle whose μ moved since the last
    /// sync (muHat → μ), each bundle once however often it moved.
    /// Subtrees under tree arcs high in a tree hold most of its nodes and the deeper ones: each
    /// node of their union is visited once (``TreePotentials/sync(_:)``). The commodities' trees
    /// are disjoint, so with `threads` > 1 and many shifts they are synced in parallel
    /// (national: the syncs were ~70 % of a late pivot).
    func syncPotentials() {
        syncShifts.removeAll(keepingCapacity: true)
        for r in pendingList {
            let ri = Int(r)
            pending[ri] = false
            let d = mu[ri] - muHat[ri]
            muHat[ri] = mu[ri]
            if d != 0 { syncShifts.append((r, d)) }
        }
        pendingList.removeAll(keepingCapacity: true)
        var visited = 0
        if !syncShifts.isEmpty {
            syncSerial &+= 1
            if syncSerial == 0 { for i in syncCovered.indices { syncCovered[i] = 0 }; syncSerial = 1 }
            let serial = syncSerial
            pi.withUnsafeMutableBufferPointer { buffer in
                syncMark.withUnsafeMutableBufferPointer { mark in
                    syncCovered.withUnsafeMutableBufferPointer { covered in
                        let job = TreePotentials(engine: self, pi: buffer.baseAddress!, mark: mark.baseAddress!,
                                                 covered: covered.baseAddress!, serial: serial)
                        if threads > 1 && K > 1 && nodeCount >= 100_000 && syncShifts.count >= 64 {
                            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: K)
                            defer { counts.deallocate() }
                            let out = SendableCounts(base: counts.baseAddress!)
                            DispatchQueue.concurrentPerform(iterations: K) { k in out.base[k] = job.sync(k) }
                            visited = counts.reduce(0, +)
                        } else {
                            for k in 0 ..< K { visited += job.sync(k) }
                        }
                    }
                }
            }
            if checkSolves { checkSync() }
        }
        pivotsSinceRefresh = 0
        staleWork = 0; lastSyncCost = visited
    }

    /// Test aid: the synced potentials against the trees' potentials recomputed from the roots
    /// (``BundledFlowResult/worstSyncError``).
    func checkSync() {
        var fresh = [Double](repeating: 0, count: nodeCount)
        fresh.withUnsafeMutableBufferPointer { buffer in
            let job = TreePotentials(engine: self, pi: buffer.baseAddress!)
            for k in 0 ..< K { job.recompute(k) }
        }
        var scale = 1.0, worst = 0.0
        for v in 0 ..< nodeCount { scale = max(scale, abs(fresh[v])); worst = max(worst, abs(pi[v] - fresh[v])) }
        worstSyncError = max(worstSyncError, worst / scale)
        syncsChecked += 1
    }

    /// Per-commodity results of a parallel sync (each task writes its own slot).
    struct SendableCounts: @unchecked Sendable { let base: UnsafeMutablePointer<Int> }

    // MARK: Pivoting

    enum Entering { case arc(Int32, Double), slack(Int32) }
    enum Leaving { case ownBound, slack(Int32), extra(Int), tree(Int32) }

    enum Pricing { case enter(Entering), optimal, stale }

    /// Full bundles' slacks with a negative μ first or last (``slackPricing``), then
    /// LEMON's block search (or Bland's first candidate). With stale potentials (lazy, see
    /// ``refreshEvery``) each block's best few arcs by their stale reduced cost are checked on
    /// their cycles and the best that really improves enters; a block with none goes on to the
    /// next, and after ``syncAfterRejections`` such blocks in a row (or once they cost more work
    /// than the last sync) the potentials need a sync (`.stale`). `.optimal`: no arc prices out against the current potentials.
    func price() -> Pricing {
        // The full bundles' slacks: few, and a negative μ must go, first or last.
        var best: Entering? = nil
        var bestV = epsD
        for r in B where -mu[Int(r)] > bestV {
            if bland { return .enter(.slack(r)) }
            bestV = -mu[Int(r)]; best = .slack(r)
        }
        if let best, slackPricing == .first { return .enter(best) }
        if bland {
            for a in 0 ..< arcCount {
                if let e = candidate(a) { return .enter(e.0) }
            }
            return .optimal
        }
        let stale = refreshEvery > 0 && pivotsSinceRefresh > 0
        let keep = stale ? candidatesChecked : 1
        candidates.removeAll(keepingCapacity: true)
        var a = blockStart, scanned = 0, inBlock = 0, emptyBlocks = 0
        while scanned < arcCount {
            if let (e, v) = candidate(a), case let .arc(q, sigma) = e,
               candidates.count < keep || v > candidates[candidates.count - 1].value {
                // Kept sorted by value, best first.
                if candidates.count == keep { candidates.removeLast() }
                var i = candidates.count
                while i > 0 && candidates[i - 1].value < v { i -= 1 }
                candidates.insert((q, sigma, v), at: i)
            }
            a += 1; if a == arcCount { a = 0 }
            scanned += 1; inBlock += 1
            if inBlock >= blockSize || scanned == arcCount {
                inBlock = 0
                guard !candidates.isEmpty else { continue }
                if !stale { blockStart = a; return .enter(.arc(candidates[0].arc, candidates[0].sigma)) }
                // The exact reduced costs decide.
                var chosen = -1, chosenV = epsD, walked = 0
                for (i, c) in candidates.enumerated() {
                    let d = c.sigma * exactReducedCost(c.arc)
                    walked += tmpArcs.count
                    if -d > chosenV { chosen = i; chosenV = -d }
                }
                if chosen >= 0 {
                    blockStart = a
                    return .enter(.arc(candidates[chosen].arc, candidates[chosen].sigma))
                }
                rejected += candidates.count
                candidates.removeAll(keepingCapacity: true)
                emptyBlocks += 1
                staleWork += walked + blockSize
                if emptyBlocks >= syncAfterRejections || staleWork > lastSyncCost { blockStart = a; if let best { return .enter(best) }; return .stale }
            }
        }
        blockStart = a
        if let best { return .enter(best) }
        return .optimal
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
        // W's right-hand side, negated: W dE = −b.
        wRhs.setZero(count: B.count)
        wRhsNonzeros.removeAll(keepingCapacity: true)
        var enteringArc: Int32 = -1, sigma = 1.0
        switch entering {
        case let .arc(q, s):
            enteringArc = q; sigma = s
            cycle(q, &tmpArcs, &tmpCoef)
            for j in 0 ..< tmpArcs.count {
                let a = tmpArcs[j]
                add(a, s * tmpCoef[j])
                let r = bundle[Int(a)]
                if r >= 0, posB[Int(r)] >= 0 { wRhs[Int(posB[Int(r)])] -= s * tmpCoef[j]; wRhsNonzeros.append(posB[Int(r)]) }
            }
        case let .slack(r):
            wRhs[Int(posB[Int(r)])] = -1; wRhsNonzeros.append(posB[Int(r)])
        }
        if wRhsNonzeros.contains(where: { wRhs[Int($0)] != 0 }) {
            solveW(wRhs, nonzeros: wRhsNonzeros, into: &wSol)
        } else {
            wSol.setZero(count: B.count)
        }
        let dE = wSol
        if !B.isEmpty {
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
            if state[ai] == 2 { l = .tree(a) } else if posE[ai] >= 0 { l = .extra(Int(posE[ai])) } else {
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
                    clearOverfull(r); slack[Int(r)] = max(0, slack[Int(r)])
                    relieved.append(r); wDirty = true
                }
            }
            if case let .slack(r) = entering { slack[Int(r)] += theta }
        }
        if enteringArc >= 0 { if state[Int(enteringArc)] == 4 { kinds[0] += 1 } } else { kinds[1] += 1 }
        switch leaving { case .ownBound: kinds[3] += 1; case .slack: kinds[4] += 1; case .extra: kinds[5] += 1; case .tree: kinds[6] += 1 }
        if theta > 1e-12 { degenerateRun = 0; bland = false } else {
            kinds[2] += 1
            degenerateRun += 1
            if degenerateRun > 2000 { bland = true }
        }
        pivots += 1
        // Basis change.
        leftB.append(contentsOf: relieved)
        relieved.removeAll(keepingCapacity: true)
        defer { leftB.removeAll(keepingCapacity: true) }
        switch leaving {
        case .ownBound:
            let q = Int(enteringArc)
            flow[q] = sigma > 0 ? upper[q] : lower[q]
            state[q] = sigma > 0 ? 1 : 0
        case let .slack(r):
            slack[Int(r)] = 0
            clearOverfull(r)
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
                replaceExtra(at: i, by: q)
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
                    replaceExtra(at: extraSlot, by: q)
                case let .slack(r2):
                    removeExtra(at: extraSlot); removeFromB(r2)
                }
            }
            invalidateCycles(commodity: k)
        }
        clearScratch()
        guard wDirty else { return }
        if !refactor() { note("W singular, |B| = \(B.count)"); trouble = .numericalTrouble; return }
        updateDuals(previouslyPriced: leftB)
    }

    func snapNonbasic(_ a: Int) {
        if abs(flow[a] - lower[a]) <= abs(flow[a] - upper[a]) { flow[a] = lower[a]; state[a] = 0 } else { flow[a] = upper[a]; state[a] = 1 }
    }

    func clearOverfull(_ r: Int32) {
        if overfull[Int(r)] { overfull[Int(r)] = false; overfullCount -= 1 }
    }

    func addToB(_ r: Int32) {
        inB[Int(r)] = true; posB[Int(r)] = Int32(B.count); B.append(r); wDirty = true
        matchedExtra[Int(r)] = -1
        if rowBase[Int(r)] < 0 { border.joinedRows.append(r) } else { border.leftRows.removeFirstOccurrence(of: rowBase[Int(r)]) }
        // μ is corrected from its current value (updateDuals): start from 0, not the M an
        // overfull bundle was priced at.
        if mu[Int(r)] != 0 { mu[Int(r)] = 0; muMoved(r) }
        for i in 0 ..< E.count where cycleValid[i] {
            if let j = column.firstIndex(in: i, of: r) { inW.append(to: i, key: r, value: column.value(i, j)); residualMoved(i) }
        }
    }

    func removeFromB(_ r: Int32) {
        let i = Int(posB[Int(r)])
        B.remove(at: i)
        for j in i ..< B.count { posB[Int(B[j])] = Int32(j) }
        inB[Int(r)] = false; posB[Int(r)] = -1; wDirty = true
        leftB.append(r)
        if rowBase[Int(r)] < 0 { border.joinedRows.removeFirstOccurrence(of: r) } else { border.leftRows.append(rowBase[Int(r)]) }
        for i in 0 ..< E.count where cycleValid[i] {
            if let j = inW.firstIndex(in: i, of: r) { inW.remove(from: i, at: j); residualMoved(i) }
        }
    }

    func replaceExtra(at i: Int, by q: Int32) {
        posE[Int(E[i])] = -1; posE[Int(q)] = Int32(i)
        E[i] = q; state[Int(q)] = 3; cycleValid[i] = false; wDirty = true
        slotEnds[i] = ends(of: q)
        for r in B where matchedExtra[Int(r)] == Int32(i) { matchedExtra[Int(r)] = -1 }
    }

    func addExtra(_ q: Int32) {
        state[Int(q)] = 3
        posE[Int(q)] = Int32(E.count)
        E.append(q); cycleArcs.append([]); cycleCoef.append([]); cycleValid.append(false)
        slotEnds.append(ends(of: q))
        slotBase.append(-1); slotSerial.append(nextSerial); nextSerial += 1
        border.unbasedSlots.append(Int32(E.count - 1))
        column.appendList(); cycleCost.append(0)
        inW.appendList(); wDirty = true
    }

    func removeExtra(at i: Int) {
        posE[Int(E[i])] = -1
        E.remove(at: i); cycleArcs.remove(at: i); cycleCoef.remove(at: i); cycleValid.remove(at: i)
        slotEnds.remove(at: i)
        if slotBase[i] >= 0 {
            border.deadColumns.append(slotBase[i])
        } else {
            border.unbasedSlots.removeFirstOccurrence(of: Int32(i))
        }
        // The slots after i move down one.
        for j in border.unbasedSlots.indices where border.unbasedSlots[j] > Int32(i) { border.unbasedSlots[j] -= 1 }
        slotBase.remove(at: i); slotSerial.remove(at: i)
        for j in i ..< E.count { posE[Int(E[j])] = Int32(j) }
        column.removeList(at: i); cycleCost.remove(at: i)
        inW.removeList(at: i); wDirty = true
        for r in B where matchedExtra[Int(r)] >= Int32(i) {
            let r = Int(r)
            matchedExtra[r] = matchedExtra[r] == Int32(i) ? -1 : matchedExtra[r] - 1
        }
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
        stampNow &+= 1
        if stampNow == 0 { for i in stamp.indices { stamp[i] = 0 }; stampNow = 1 }
        let now = stampNow
        forSubtree(inside) { y in
            self.depth[y] = self.depth[Int(self.parent[y])] + 1
            self.pi[y] += piShift
            self.stamp[y] = now
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
            for r in 0 ..< bundleCount where slack[r] < 0 { mu[r] = bigM; overfull[r] = true; overfullCount += 1 }
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
            if Self.debug { note("phase \(phase) starts at pivot \(pivots)") }
            invalidateAllCycles()
            _ = refactor(fresh: true)
            updateDuals(previouslyPriced: [], exact: true)
            recomputePotentials()
            var stop: BundledFlowStatus? = nil
            var verified = false
            loop: while stop == nil {
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
                let e: Entering
                switch price() {
                case let .enter(chosen):
                    e = chosen
                case .stale:
                    syncPotentials(); refreshes += 1
                    continue
                case .optimal:
                    if Self.debug { note("phase \(phase): no candidate at pivot \(pivots)\(verified ? ", verified" : ": refreshing the duals to verify")") }
                    if verified { break loop }
                    // Refresh the duals once and look again before declaring optimality.
                    if !refactor(fresh: true) { stop = .numericalTrouble; break loop }
                    updateDuals(previouslyPriced: B, exact: true); recomputePotentials()
                    verified = true
                    continue
                }
                verified = false
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
        r.workingBasisFactorizations = border.factorizations; r.workingBasisUpdates = border.updates
        r.worstSolveResidual = border.worstResidual
        r.worstDualResidual = border.worstDualResidual
        r.worstSyncError = worstSyncError; r.syncsChecked = syncsChecked
        if Self.debug { let blocks = blockSizes(); note("end: \(pivots) pivots (entering superbasic \(kinds[0]), slack \(kinds[1]); degenerate \(kinds[2]); leaving own bound \(kinds[3]), slack \(kinds[4]), extra \(kinds[5]), tree \(kinds[6])), W factored \(border.factorizations) times and bordered \(border.updates), \(refreshes) refreshes (\(rejected) rejected), |B| \(B.count), W blocks \(blocks.count), largest \(blocks.prefix(8))") }
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
/// whose right-hand side is zero is skipped. W is refactored at almost every pivot, so the
/// storage is flat (a few arrays for all blocks, none per block).
struct BlockLU {
    let n: Int
    /// W's rows block by block, in dependency order for ``solve(_:)`` (a block's rows use only
    /// its own columns and earlier blocks'); ``solveTransposed(_:)`` runs the blocks backwards.
    /// Block b holds `rows[blockStart[b] ..< blockStart[b + 1]]`; its columns are the rows'
    /// matched columns, in the same order.
    var rows: [Int32] = []
    var blockStart: [Int32] = [0]
    var matchRow: [Int32] = []
    /// Each block's dense LU (m² values at `factorStart[b]`; a one-row block keeps its entry)
    /// and row permutation (at `blockStart[b]`); blocks of ``sparseFrom`` rows or more have
    /// sparse factors instead (`sparse[sparseIndex[b]]`, no dense values).
    var factor: [Double] = []
    var sparse: [SparseLU] = [], sparseIndex: [Int32] = []
    /// Blocks of at least this many rows get sparse factors (``SparseLU``).
    static let defaultSparseFrom = ProcessInfo.processInfo.environment["FUELFLOW_PP_SPARSE_FROM"].flatMap { Int($0) } ?? 32
    var factorStart: [Int] = []
    var permutation: [Int32] = []
    /// Entries of a block's rows in other blocks' columns, (local row, column, value), at
    /// `rowCouplingStart[b] ..< rowCouplingStart[b + 1]`.
    var rowCouplingLocal: [Int32] = [], rowCouplingColumn: [Int32] = [], rowCouplingValue: [Double] = []
    var rowCouplingStart: [Int32] = []
    /// Entries of a block's columns in other blocks' rows, (local column, row, value).
    var columnCouplingLocal: [Int32] = [], columnCouplingRow: [Int32] = [], columnCouplingValue: [Double] = []
    var columnCouplingStart: [Int32] = []
    /// The block of each row, and of each column (its matched row's).
    var blockOfRow: [Int32] = [], blockOfColumn: [Int32] = []

    var blockCount: Int { blockStart.count - 1 }
    /// Rows per diagonal block, in dependency order.
    var blockSizes: [Int] { (0 ..< blockCount).map { Int(blockStart[$0 + 1] - blockStart[$0]) } }

    /// nil when W is singular (no perfect matching, or a singular diagonal block).
    /// `initialMatch` (row → column, −1 for none) seeds the matching: the pairs that are
    /// nonzero entries of W, each column once, are kept.
    init?(n: Int, entries: [(row: Int32, column: Int32, value: Double)], initialMatch: [Int32]? = nil,
          sparseFrom: Int = BlockLU.defaultSparseFrom) {
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
        if let initialMatch, initialMatch.count == n {
            for r in 0 ..< n {
                let c = initialMatch[r]
                guard c >= 0, Int(c) < n, matchColumn[Int(c)] < 0 else { continue }
                for k in rowStart[r] ..< rowStart[r + 1] where col[k] == c && val[k] != 0 {
                    matchRow[r] = c; matchColumn[Int(c)] = Int32(r); break
                }
            }
        }
        for r in 0 ..< n where matchRow[r] < 0 {
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
        var order = [Int32](), starts: [Int32] = [0]
        order.reserveCapacity(n)
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
                    let first = order.count
                    while true {
                        let w = sccStack.removeLast()
                        onStack[Int(w)] = false; component[Int(w)] = Int32(starts.count - 1); order.append(w)
                        if w == Int32(v) { break }
                    }
                    if order.count - first > 1 { order[first...].sort() }
                    starts.append(Int32(order.count))
                }
            }
        }
        let blocks = starts.count - 1
        // Each row's index in its block (and each column's, through the matching).
        var local = [Int32](repeating: 0, count: n)
        for b in 0 ..< blocks {
            for i in Int(starts[b]) ..< Int(starts[b + 1]) { local[Int(order[i])] = Int32(i) - starts[b] }
        }
        // The diagonal blocks' entries into their dense factors; the others counted, then placed.
        var fStart = [Int](repeating: 0, count: blocks + 1)
        var sparseRows: [[[(column: Int32, value: Double)]]] = []
        var sparseOf = [Int32](repeating: -1, count: blocks)
        for b in 0 ..< blocks {
            let m = Int(starts[b + 1] - starts[b])
            if m >= max(2, sparseFrom) {
                sparseOf[b] = Int32(sparseRows.count)
                sparseRows.append(.init(repeating: [], count: m))
                fStart[b + 1] = fStart[b]
            } else {
                fStart[b + 1] = fStart[b] + m * m
            }
        }
        var dense = [Double](repeating: 0, count: fStart[blocks])
        var rcStart = [Int32](repeating: 0, count: blocks + 1), ccStart = [Int32](repeating: 0, count: blocks + 1)
        for r in 0 ..< n {
            let b = Int(component[r]), m = Int(starts[b + 1] - starts[b])
            for k in rowStart[r] ..< rowStart[r + 1] where val[k] != 0 {
                let c = Int(col[k]), owner = Int(matchColumn[c]), cb = Int(component[owner])
                if cb == b, sparseOf[b] >= 0 {
                    // Duplicates summed, as in the dense blocks.
                    let i = Int(local[r]), j = local[owner]
                    if let d = sparseRows[Int(sparseOf[b])][i].firstIndex(where: { $0.column == j }) {
                        sparseRows[Int(sparseOf[b])][i][d].value += val[k]
                    } else {
                        sparseRows[Int(sparseOf[b])][i].append((j, val[k]))
                    }
                } else if cb == b {
                    dense[fStart[b] + Int(local[r]) * m + Int(local[owner])] += val[k]
                } else {
                    rcStart[b + 1] += 1; ccStart[cb + 1] += 1
                }
            }
        }
        for b in 0 ..< blocks { rcStart[b + 1] += rcStart[b]; ccStart[b + 1] += ccStart[b] }
        let couplings = Int(rcStart[blocks])
        var rcLocal = [Int32](repeating: 0, count: couplings), rcColumn = [Int32](repeating: 0, count: couplings)
        var rcValue = [Double](repeating: 0, count: couplings)
        var ccLocal = [Int32](repeating: 0, count: couplings), ccRow = [Int32](repeating: 0, count: couplings)
        var ccValue = [Double](repeating: 0, count: couplings)
        var rcFill = rcStart, ccFill = ccStart
        for r in 0 ..< n {
            let b = Int(component[r])
            for k in rowStart[r] ..< rowStart[r + 1] where val[k] != 0 {
                let c = Int(col[k]), owner = Int(matchColumn[c]), cb = Int(component[owner])
                guard cb != b else { continue }
                let i = Int(rcFill[b]); rcFill[b] += 1
                rcLocal[i] = local[r]; rcColumn[i] = Int32(c); rcValue[i] = val[k]
                let j = Int(ccFill[cb]); ccFill[cb] += 1
                ccLocal[j] = local[owner]; ccRow[j] = Int32(r); ccValue[j] = val[k]
            }
        }
        // Factor the blocks of more than one row (LU with partial pivoting, in place).
        var perm = [Int32](repeating: 0, count: n)
        var singular = false
        dense.withUnsafeMutableBufferPointer { dense in
            perm.withUnsafeMutableBufferPointer { perm in
                for b in 0 ..< blocks where !singular && sparseOf[b] < 0 {
                    let m = Int(starts[b + 1] - starts[b])
                    let a = dense.baseAddress! + fStart[b], p = perm.baseAddress! + Int(starts[b])
                    if m == 1 { singular = abs(a[0]) < 1e-10; continue }
                    singular = !DenseLU.factor(a, p, m)
                }
            }
        }
        if singular { return nil }
        for rows in sparseRows {
            guard let f = SparseLU(m: rows.count, rows: rows) else { return nil }
            sparse.append(f)
        }
        sparseIndex = sparseOf
        rows = order; blockStart = starts; self.matchRow = matchRow
        blockOfRow = component
        blockOfColumn = (0 ..< n).map { component[Int(matchColumn[$0])] }
        factor = dense; factorStart = fStart; permutation = perm
        rowCouplingLocal = rcLocal; rowCouplingColumn = rcColumn; rowCouplingValue = rcValue; rowCouplingStart = rcStart
        columnCouplingLocal = ccLocal; columnCouplingRow = ccRow; columnCouplingValue = ccValue; columnCouplingStart = ccStart
    }

    /// x (over W's columns) with W x = b (over its rows).
    func solve(_ b: [Double]) -> [Double] {
        var x = [Double]()
        solve(b, into: &x)
        return x
    }

    /// ``solve(_:)`` into `x` (resized to n).
    func solve(_ b: [Double], into x: inout [Double]) { substitute(b, into: &x, transposed: false) }

    /// μ (over W's rows) with Wᵀ μ = c (over its columns).
    func solveTransposed(_ c: [Double]) -> [Double] {
        var mu = [Double]()
        solveTransposed(c, into: &mu)
        return mu
    }

    /// ``solveTransposed(_:)`` into `mu` (resized to n).
    func solveTransposed(_ c: [Double], into mu: inout [Double]) { substitute(c, into: &mu, transposed: true) }

    /// Scratch for ``solve(_:into:transposed:scratch:)``, kept between solves (zero between uses).
    final class Scratch {
        var accumulated: [Double] = []
        var mark: [UInt32] = []
        var stamp: UInt32 = 0
        var seeds: [Int32] = [], order: [Int32] = []
        var stack: [(block: Int32, next: Int32)] = []
        var local: [Double] = []

        /// A stamp no block carries yet (marks cleared when the counter wraps).
        func freshStamp() -> UInt32 {
            stamp &+= 1
            if stamp == 0 { for i in mark.indices { mark[i] = 0 }; stamp = 1 }
            return stamp
        }
    }

    /// W x = b (or Wᵀ x = b): when b has few nonzeros, only the blocks they reach (Gilbert &
    /// Peierls: a depth-first search through the couplings gives them in dependency order, and
    /// each solved block pushes its values into the blocks after it); else ``substitute``.
    /// `nonzeros`, when the caller knows them: every index where b may be nonzero (repeats and
    /// zeros allowed), which spares the pass over b (national: a third of this solve's time).
    func solve(_ b: [Double], nonzeros: [Int32]? = nil, into x: inout [Double], transposed: Bool, scratch: Scratch) {
        let blocks = blockCount
        if scratch.mark.count < blocks { scratch.mark = .init(repeating: 0, count: blocks); scratch.stamp = 0 }
        if scratch.accumulated.count < n { scratch.accumulated = .init(repeating: 0, count: n) }
        let stamp = scratch.freshStamp()
        let blockOfInput = transposed ? blockOfColumn : blockOfRow
        scratch.seeds.removeAll(keepingCapacity: true)
        let limit = max(8, n / 8)
        @inline(__always) func seed(_ i: Int) -> Bool {
            let blk = blockOfInput[i]
            if scratch.mark[Int(blk)] != stamp {
                scratch.mark[Int(blk)] = stamp; scratch.seeds.append(blk)
                if scratch.seeds.count > limit { substitute(b, into: &x, transposed: transposed); return false }
            }
            return true
        }
        if let nonzeros {
            for i in nonzeros where b[Int(i)] != 0 { guard seed(Int(i)) else { return } }
        } else {
            for i in 0 ..< n where b[i] != 0 { guard seed(i) else { return } }
        }
        // Blocks reached, in reverse postorder of the search along the couplings (a block's
        // values feed the blocks of the rows — columns when transposed — it couples to).
        let edgeStart = transposed ? rowCouplingStart : columnCouplingStart
        let edgeTarget = transposed ? rowCouplingColumn : columnCouplingRow
        scratch.order.removeAll(keepingCapacity: true)
        let visited = scratch.freshStamp()
        for seed in scratch.seeds where scratch.mark[Int(seed)] != visited {
            scratch.mark[Int(seed)] = visited
            scratch.stack.append((seed, edgeStart[Int(seed)]))
            while let top = scratch.stack.last {
                let blk = Int(top.block)
                var k = Int(top.next)
                let end = Int(edgeStart[blk + 1])
                var descended = false
                while k < end {
                    let target = blockOfInput[Int(edgeTarget[k])]; k += 1
                    if scratch.mark[Int(target)] != visited {
                        scratch.mark[Int(target)] = visited
                        scratch.stack[scratch.stack.count - 1].next = Int32(k)
                        scratch.stack.append((target, edgeStart[Int(target)]))
                        descended = true
                        break
                    }
                }
                if descended { continue }
                scratch.stack.removeLast()
                scratch.order.append(top.block)
            }
        }
        x.setZero(count: n)
        let pushLocal = transposed ? rowCouplingLocal : columnCouplingLocal
        let pushValue = transposed ? rowCouplingValue : columnCouplingValue
        @inline(__always) func input(_ i: Int) -> Int { transposed ? Int(matchRow[Int(rows[i])]) : Int(rows[i]) }
        @inline(__always) func output(_ i: Int) -> Int { transposed ? Int(rows[i]) : Int(matchRow[Int(rows[i])]) }
        for blk in scratch.order.reversed() {
            let bi = Int(blk)
            let s = Int(blockStart[bi]), m = Int(blockStart[bi + 1]) - s
            if m == 1 {
                let inp = input(s)
                let r = b[inp] - scratch.accumulated[inp]
                scratch.accumulated[inp] = 0
                let v = r / factor[factorStart[bi]]
                x[output(s)] = v
                if v != 0 {
                    for k in Int(edgeStart[bi]) ..< Int(edgeStart[bi + 1]) {
                        scratch.accumulated[Int(edgeTarget[k])] += pushValue[k] * v
                    }
                }
                continue
            }
            scratch.local.removeAll(keepingCapacity: true)
            for i in s ..< s + m {
                let inp = input(i)
                scratch.local.append(b[inp] - scratch.accumulated[inp])
                scratch.accumulated[inp] = 0
            }
            solveBlock(bi, &scratch.local, transposed: transposed)
            for i in 0 ..< m { x[output(s + i)] = scratch.local[i] }
            for k in Int(edgeStart[bi]) ..< Int(edgeStart[bi + 1]) {
                let v = scratch.local[Int(pushLocal[k])]
                if v != 0 { scratch.accumulated[Int(edgeTarget[k])] += pushValue[k] * v }
            }
        }
    }

    /// Diagonal block b's own solve (its sparse or dense factors) on `v`, its m values in the
    /// block's local order.
    @inline(__always) func solveBlock(_ b: Int, _ v: inout [Double], transposed: Bool) {
        if sparseIndex[b] >= 0 {
            let f = sparse[Int(sparseIndex[b])]
            if transposed { f.solveTransposed(&v) } else { f.solve(&v) }
            return
        }
        let s = Int(blockStart[b]), m = Int(blockStart[b + 1]) - s
        factor.withUnsafeBufferPointer { f in
            permutation.withUnsafeBufferPointer { p in
                let a = f.baseAddress! + factorStart[b], pp = p.baseAddress! + s
                if transposed { DenseLU.solveTransposed(a, pp, m, &v) } else { DenseLU.solve(a, pp, m, &v) }
            }
        }
    }

    /// Block substitution: W x = b through the blocks in dependency order (a block's rows, its
    /// couplings to earlier blocks' columns); Wᵀ μ = c backwards (a block's columns, its
    /// couplings to later blocks' rows). One-row blocks need no array.
    private func substitute(_ b: [Double], into x: inout [Double], transposed: Bool) {
        x.setZero(count: n)
        let couplingStart = transposed ? columnCouplingStart : rowCouplingStart
        let couplingLocal = transposed ? columnCouplingLocal : rowCouplingLocal
        let couplingIndex = transposed ? columnCouplingRow : rowCouplingColumn
        let couplingValue = transposed ? columnCouplingValue : rowCouplingValue
        // The right-hand side is indexed by W's rows (by its columns when transposed), the
        // solution by its columns (rows).
        @inline(__always) func input(_ i: Int) -> Int { transposed ? Int(matchRow[Int(rows[i])]) : Int(rows[i]) }
        @inline(__always) func output(_ i: Int) -> Int { transposed ? Int(rows[i]) : Int(matchRow[Int(rows[i])]) }
        var rhs = [Double]()
        for step in 0 ..< blockCount {
            let blk = transposed ? blockCount - 1 - step : step
            let s = Int(blockStart[blk]), m = Int(blockStart[blk + 1]) - s
            let couplings = Int(couplingStart[blk]) ..< Int(couplingStart[blk + 1])
            if m == 1 {
                var r = b[input(s)]
                for k in couplings {
                    let j = Int(couplingIndex[k])
                    if x[j] != 0 { r -= couplingValue[k] * x[j] }
                }
                if r != 0 { x[output(s)] = r / factor[factorStart[blk]] }
                continue
            }
            rhs.removeAll(keepingCapacity: true)
            for i in s ..< s + m { rhs.append(b[input(i)]) }
            for k in couplings {
                let j = Int(couplingIndex[k])
                if x[j] != 0 { rhs[Int(couplingLocal[k])] -= couplingValue[k] * x[j] }
            }
            if !rhs.contains(where: { $0 != 0 }) { continue }
            solveBlock(blk, &rhs, transposed: transposed)
            for i in 0 ..< m { x[output(s + i)] = rhs[i] }
        }
    }
}

/// Dense LU with partial pivoting of an m × m block stored by rows, in place: P M = L U, L unit
/// lower (below the diagonal), U upper; `perm[i]` is the row of M in row i of P M.
enum DenseLU {
    static func factor(_ a: UnsafeMutablePointer<Double>, _ perm: UnsafeMutablePointer<Int32>, _ n: Int) -> Bool {
        for i in 0 ..< n { perm[i] = Int32(i) }
        for k in 0 ..< n {
            var p = k, best = abs(a[k * n + k])
            for i in k + 1 ..< n where abs(a[i * n + k]) > best { best = abs(a[i * n + k]); p = i }
            if best < 1e-10 { return false }
            if p != k {
                for j in 0 ..< n { let t = a[k * n + j]; a[k * n + j] = a[p * n + j]; a[p * n + j] = t }
                let t = perm[k]; perm[k] = perm[p]; perm[p] = t
            }
            let pivot = a[k * n + k]
            for i in k + 1 ..< n {
                let f = a[i * n + k] / pivot
                if f == 0 { continue }
                a[i * n + k] = f
                for j in k + 1 ..< n { a[i * n + j] -= f * a[k * n + j] }
            }
        }
        return true
    }

    /// x with M x = b, in `b`.
    static func solve(_ a: UnsafePointer<Double>, _ perm: UnsafePointer<Int32>, _ n: Int, _ b: inout [Double]) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { y in
            for i in 0 ..< n { y[i] = b[Int(perm[i])] }
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
            for i in 0 ..< n { b[i] = y[i] }
        }
    }

    /// x with Mᵀ x = b, in `b`: Uᵀ Lᵀ (P x) = b, both triangles by rows of `a` (contiguous).
    static func solveTransposed(_ a: UnsafePointer<Double>, _ perm: UnsafePointer<Int32>, _ n: Int, _ b: inout [Double]) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { z in
            for i in 0 ..< n { z[i] = b[i] }
            for j in 0 ..< n {
                let zj = z[j] / a[j * n + j]
                z[j] = zj
                if zj != 0 { for i in j + 1 ..< n { z[i] -= a[j * n + i] * zj } }
            }
            for j in stride(from: n - 1, through: 0, by: -1) {
                let zj = z[j]
                if zj != 0 { for i in 0 ..< j { z[i] -= a[j * n + i] * zj } }
            }
            for i in 0 ..< n { b[Int(perm[i])] = z[i] }
        }
    }
}
