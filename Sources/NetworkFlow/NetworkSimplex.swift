// NetworkSimplex.swift — primal network simplex (spanning-tree form, block-search pivoting).
//
// Theory in brief (see docs/network-simplex.md for more):
// A basic solution of a min-cost-flow problem is a spanning tree T of the nodes plus an
// artificial root; every non-tree arc sits at its lower or upper bound and tree arcs carry the
// flow forced by the supplies. Node potentials π make the reduced cost c_ij + π_i − π_j zero on
// tree arcs. A non-tree arc with the "wrong" sign of reduced cost closes a cycle with T whose
// cost decreases when flow is pushed around it; the simplex pushes the largest possible amount,
// the blocking arc leaves T, and the potentials of the re-hung subtree shift by a constant.
//
// The data layout follows LEMON's NetworkSimplex (Király & Kovács 2012): arcs and nodes are
// dense integers, every attribute is its own array, and the tree is kept with parent/pred/thread
// lists so that a pivot touches only the cycle and the moved subtree.


/// Primal network simplex solver for ``MinCostFlowProblem``.
///
/// The algorithm starts from an artificial spanning tree: every node hangs from an extra root by
/// an artificial arc (node → root with cost 0 for supply nodes, root → node with cost
/// `M = (max|cost| + 1)·(n + 1)` for demand nodes). `M` exceeds the cost of any simple path, so
/// an optimal basis carries flow on an artificial arc only if the problem is infeasible. Lower
/// bounds are removed by the usual substitution `flow = lower + flow'`. Entering arcs are chosen
/// by block search (blocks of ≈ √m arcs, best candidate of the first block that has one), the
/// rule LEMON found fastest in practice; arcs are visited in a mixed order so that a block
/// samples many tails.
///
/// Supplies must sum to zero (equality form); otherwise the result is `.infeasible` without
/// any pivoting. A negative-cost cycle of uncapacitated arcs makes the result `.unbounded`.
///
/// ```swift
/// let result = NetworkSimplex().solve(problem)
/// if result.status == .optimal { print(result.objective) }
/// ```
///
/// - Complexity: Each pivot costs O(block + cycle length + moved subtree); the number of pivots
///   is not polynomially bounded in theory but is typically a small multiple of n. Memory is
///   O(n + m).
public struct NetworkSimplex: Sendable {
    /// Block size multiplier: block = max(10, factor · √m), with √m scaled by 0.75 when
    /// m ≥ 500,000. Non-finite or non-positive values mean 1.
    public var blockSizeFactor: Double = 1.0
    /// Visit arcs in a strided order (recommended; NETGEN-like inputs list arcs by tail).
    public var arcMixing: Bool = true
    /// Renumber the nodes in thread (preorder) order every this many pivots, so that the
    /// subtree walks of the potential and tree updates touch consecutive memory. `nil`
    /// (default) means automatic: every n/16 pivots when n ≥ 16,384, never below. `0` disables;
    /// any other value is used as given (small values are for testing).
    public var relabelInterval: Int? = nil
    /// Start from a crash basis (see ``SimplexCore/crashStart()``): a shortest-path forest from
    /// the supply nodes, cut wherever a tree arc could not carry its subtree's demand, the cut
    /// pieces hung from the artificial root. `nil` (default) means automatic (on); falls back to
    /// the all-artificial start when the label-correcting search exceeds its work budget.
    public var crashStart: Bool? = nil
    /// Testing aid: verify the spanning-tree invariants after the start and every this many
    /// pivots (0 = never). See ``solveChecked(_:deadline:)``.
    var checkInvariantsEvery: Int = 0
    /// Testing aid: read the clock (when a deadline is set) after every this many pivots, work
    /// units or crash-search scans instead of 1024 / 2^22 / 2^20.
    var clockInterval: Int? = nil
    /// Testing aid: with a deadline set, the deadline counts as passed at this clock read of a
    /// call (1 = the first), which makes interruptions reproducible.
    var expireAtClockRead: Int? = nil

    /// Creates a solver with default settings.
    public init() {}

    /// Solves `problem` to optimality (or proves it infeasible/unbounded).
    ///
    /// Validates first (see ``MinCostFlowProblem/validate()``); never traps on bad input.
    /// - Complexity: See the type's discussion.
    public func solve(_ problem: MinCostFlowProblem) -> MinCostFlowResult {
        solveChecked(problem).result
    }

    /// Solves `problem` like ``solve(_:)`` but gives up at `deadline` (`nil`: no limit) with
    /// ``MinCostFlowStatus/timeLimit`` (no flow or potentials; `iterations` tells how far it got).
    ///
    /// The clock is read every 1024 pivots or after about 4M units of pricing and tree-update
    /// work, whichever comes first (a few milliseconds on large instances), and during the crash
    /// start's shortest-path search; a deadline already in the past stops before the first pivot.
    /// To continue an interrupted solve instead of starting over, use ``NetworkSimplexSession``.
    public func solve(_ problem: MinCostFlowProblem, deadline: ContinuousClock.Instant?) -> MinCostFlowResult {
        solveChecked(problem, deadline: deadline).result
    }

    /// `solve` plus the first violated tree invariant (when `checkInvariantsEvery > 0`).
    /// `crashed` tells whether the crash basis was used (testing aid).
    func solveChecked(_ problem: MinCostFlowProblem, deadline: ContinuousClock.Instant? = nil)
        -> (result: MinCostFlowResult, violation: String?, crashed: Bool) {
        if let early = precheck(problem) { return (early, nil, false) }
        var core = makeCore(problem)
        defer { core.deallocate() }
        core.setDeadline(deadline)
        if checkInvariantsEvery > 0, let bad = core.checkInvariants() {
            return (MinCostFlowResult(status: .infeasible), "after load: " + bad, false)
        }
        let (result, violation) = run(&core, problem)
        return (result, violation, core.crashed)
    }

    /// The outcome that needs no simplex: a validation failure, unbalanced supplies
    /// (`.infeasible`) or the empty problem (`.optimal`); `nil` when the simplex must run.
    func precheck(_ problem: MinCostFlowProblem) -> MinCostFlowResult? {
        if let bad = problem.validate() { return MinCostFlowResult(status: bad) }
        var sum: Int64 = 0
        for s in problem.supply { sum &+= s }  // |Σ| ≤ capacityRangeLimit after validation
        if sum != 0 { return MinCostFlowResult(status: .infeasible) }
        if problem.nodeCount == 0 { return MinCostFlowResult(status: .optimal) }
        return nil
    }

    /// Allocates and loads the working storage for a problem that passed ``precheck(_:)``
    /// (artificial start; the crash basis comes with the first ``run(_:_:)``).
    func makeCore(_ problem: MinCostFlowProblem) -> SimplexCore {
        let n = problem.nodeCount, m = problem.arcCount
        var core = SimplexCore(nodeCount: n, arcCount: m)
        core.load(problem, mixing: arcMixing, blockSizeFactor: blockSizeFactor)
        core.checkEvery = checkInvariantsEvery
        if let k = clockInterval {
            core.pivotClockInterval = max(1, k); core.workClockInterval = max(1, k); core.crashClockInterval = max(1, k)
        }
        if let k = expireAtClockRead { core.expireAtRead = k }
        if checkInvariantsEvery > 0 {
            var ref = problem.supply
            for a in 0..<m where problem.lower[a] != 0 {
                ref[Int(problem.tail[a])] &-= problem.lower[a]
                ref[Int(problem.head[a])] &+= problem.lower[a]
            }
            core.refSupply = ref
        }
        return core
    }

    /// The relabelling interval in pivots for `n` nodes (`Int.max`: never).
    func relabelEvery(nodeCount n: Int) -> Int {
        if let k = relabelInterval { return k > 0 ? k : Int.max }
        return n >= 16_384 ? max(1, n / 16) : Int.max
    }

    /// Runs the simplex on a loaded core (finishing the start phase first if needed, see
    /// ``SimplexCore/run(relabelEvery:useCrash:)``) and reads the result out. `iterations` of the
    /// result counts the pivots of this call only. Returns the result and the first violated
    /// invariant (testing aid).
    func run(_ core: inout SimplexCore, _ problem: MinCostFlowProblem) -> (result: MinCostFlowResult, violation: String?) {
        let pivots0 = core.iterations
        let status = core.run(relabelEvery: relabelEvery(nodeCount: problem.nodeCount), useCrash: crashStart ?? true)
        var result = MinCostFlowResult(status: status, iterations: core.iterations - pivots0)
        if let bad = core.violation { return (result, bad) }
        guard status == .optimal else { return (result, nil) }
        Self.readSolution(core, problem, into: &result)
        return (result, nil)
    }

    /// Fills `flow`, `potential` and `objective` of an optimal `result` from the core (original
    /// arc and node order, lower bounds added back); `.objectiveOverflow` if Σ cost·flow does
    /// not fit in `Int64`.
    static func readSolution(_ core: SimplexCore, _ problem: MinCostFlowProblem, into result: inout MinCostFlowResult) {
        let n = problem.nodeCount, m = problem.arcCount
        var flow = [Int64](repeating: 0, count: m)
        flow.withUnsafeMutableBufferPointer { out in
            for i in 0..<m {
                let a = Int(core.arcOf[i])
                out[a] = core.flow[i] &+ problem.lower[a]
            }
        }
        var potential = [Int64](repeating: 0, count: n)
        // Potentials relative to the root (exact despite the wrapping offset, see
        // updatePotential), then shifted so the smallest is 0.
        let base = core.pi[core.root]
        var minPi = Int64.max
        for v in 0..<n where core.pi[v] &- base < minPi { minPi = core.pi[v] &- base }
        potential.withUnsafeMutableBufferPointer { out in
            for v in 0..<n { out[Int(core.nodeOf[v])] = (core.pi[v] &- base) &- minPi }
        }
        result.flow = flow
        result.potential = potential
        if let obj = problem.objective(of: flow) {
            result.objective = obj
        } else {
            result.status = .objectiveOverflow
        }
        #if DEBUG
        let report = problem.check(result)
        assert(report.isValid, "NetworkSimplex produced an invalid solution: \(report)")
        #endif
    }
}

/// The working storage and pivot steps. Raw pointers only: no ARC and no bounds checks in the
/// inner loops. Arithmetic on costs/potentials uses wrapping operators, which is safe because
/// `validate()` bounds every potential by 2·M ≤ 2^61 and every flow by 2^62.
struct SimplexCore {
    static let stateUpper: Int8 = -1
    static let stateTree: Int8 = 0
    static let stateLower: Int8 = 1
    static let dirUp: Int8 = 1
    static let dirDown: Int8 = -1
    static let inf: Int64 = .max

    let nodeNum: Int       // original nodes
    let arcNum: Int        // original arcs
    let allArcNum: Int     // + artificial arcs
    let root: Int

    // Arc arrays (allArcNum).
    let source: UnsafeMutablePointer<Int32>
    let target: UnsafeMutablePointer<Int32>
    let cap: UnsafeMutablePointer<Int64>
    let cost: UnsafeMutablePointer<Int64>
    let flow: UnsafeMutablePointer<Int64>
    let state: UnsafeMutablePointer<Int8>
    let arcOf: UnsafeMutablePointer<Int32>   // internal arc index → problem ArcID (arcNum)

    // Node arrays (nodeNum + 1).
    let supply: UnsafeMutablePointer<Int64>
    let pi: UnsafeMutablePointer<Int64>
    let parent: UnsafeMutablePointer<Int32>
    let pred: UnsafeMutablePointer<Int32>
    let thread: UnsafeMutablePointer<Int32>
    let revThread: UnsafeMutablePointer<Int32>
    let succNum: UnsafeMutablePointer<Int32>
    let lastSucc: UnsafeMutablePointer<Int32>
    let predDir: UnsafeMutablePointer<Int8>
    let dirtyRevs: UnsafeMutablePointer<Int32>
    let nodeOf: UnsafeMutablePointer<Int32>   // internal node → problem NodeID (nodeNum)
    let perm: UnsafeMutablePointer<Int32>     // relabel scratch (nodeNum + 1)
    let scratch: UnsafeMutablePointer<Int64>  // relabel scratch (nodeNum + 1)

    // Pivot state.
    var inArc = 0, join = 0, uIn = 0, vIn = 0, uOut = 0, vOut = 0
    var delta: Int64 = 0
    var blockSize = 10
    var nextArc = 0
    var iterations = 0
    var artCost: Int64 = 0
    var runWalk = false     // walk the thread in runs of consecutive labels (set when relabelling)
    var walked = 0          // Σ nodes shifted by updatePotential (drives relabelling)
    var checkEvery = 0
    var violation: String? = nil
    var refSupply: [Int64] = []   // lower-shifted supplies by problem node (invariant check only)

    // Deadline (see `deadlinePassed`). With no deadline both marks stay at Int.max, so the
    // per-pivot test is two compares that never succeed.
    var deadline: ContinuousClock.Instant? = nil
    var nextClockPivot = Int.max   // read the clock when `iterations` reaches this …
    var nextClockWork = Int.max    // … or when `scanned + walked` reaches this
    var scanned = 0                // Σ arcs priced by findEnteringArc
    var interrupted = false        // set when the crash start stopped at the deadline
    var pivotClockInterval = 1024        // pivots between clock reads
    var workClockInterval = 1 << 22      // arcs scanned + nodes shifted between clock reads
    var crashClockInterval = 1 << 20     // crash-search arc scans between clock reads
    var expireAtRead = Int.max     // testing aid: the deadline counts as passed at this read …
    var clockReads = 0             // … of the current call (reset by setDeadline)

    // Start phase, resumable after a deadline: the crash basis (or the decision to skip it),
    // then LEMON's initial pivots (artificial start only), then block search.
    static let phaseCrash: Int8 = 0
    static let phaseInitial: Int8 = 1
    static let phaseDone: Int8 = 2
    var startPhase = SimplexCore.phaseCrash
    var crashed = false                 // the crash basis was taken
    var crashSearch: CrashSearch? = nil // the crash search an expired deadline interrupted
    var initialCandidates: [Int32]? = nil   // initial pivots still to try, from `initialNext`
    var initialNext = 0

    init(nodeCount n: Int, arcCount m: Int) {
        nodeNum = n; arcNum = m; allArcNum = m + n; root = n
        source = .allocate(capacity: m + n)
        target = .allocate(capacity: m + n)
        cap = .allocate(capacity: m + n)
        cost = .allocate(capacity: m + n)
        flow = .allocate(capacity: m + n)
        state = .allocate(capacity: m + n)
        arcOf = .allocate(capacity: max(m, 1))
        supply = .allocate(capacity: n + 1)
        pi = .allocate(capacity: n + 1)
        parent = .allocate(capacity: n + 1)
        pred = .allocate(capacity: n + 1)
        thread = .allocate(capacity: n + 1)
        revThread = .allocate(capacity: n + 1)
        succNum = .allocate(capacity: n + 1)
        lastSucc = .allocate(capacity: n + 1)
        predDir = .allocate(capacity: n + 1)
        dirtyRevs = .allocate(capacity: n + 1)
        nodeOf = .allocate(capacity: max(n, 1))
        perm = .allocate(capacity: n + 1)
        scratch = .allocate(capacity: n + 1)
        for v in 0..<n { nodeOf[v] = Int32(truncatingIfNeeded: v) }
    }

    func deallocate() {
        source.deallocate(); target.deallocate(); cap.deallocate(); cost.deallocate()
        flow.deallocate(); state.deallocate(); arcOf.deallocate()
        supply.deallocate(); pi.deallocate(); parent.deallocate(); pred.deallocate()
        thread.deallocate(); revThread.deallocate(); succNum.deallocate(); lastSucc.deallocate()
        predDir.deallocate(); dirtyRevs.deallocate()
        nodeOf.deallocate(); perm.deallocate(); scratch.deallocate()
    }

    /// An independent copy: the same basis, flows, potentials and pivot state in new storage
    /// (an interrupted crash search is not copied: the copy starts that search over).
    func copy() -> SimplexCore {
        var c = SimplexCore(nodeCount: nodeNum, arcCount: arcNum)
        let m = allArcNum, n = nodeNum + 1
        c.source.update(from: source, count: m); c.target.update(from: target, count: m)
        c.cap.update(from: cap, count: m); c.cost.update(from: cost, count: m)
        c.flow.update(from: flow, count: m); c.state.update(from: state, count: m)
        c.arcOf.update(from: arcOf, count: max(arcNum, 1))
        for (to, from) in [(c.supply, supply), (c.pi, pi), (c.scratch, scratch)] { to.update(from: from, count: n) }
        for (to, from) in [(c.parent, parent), (c.pred, pred), (c.thread, thread), (c.revThread, revThread),
                           (c.succNum, succNum), (c.lastSucc, lastSucc), (c.dirtyRevs, dirtyRevs), (c.perm, perm)] {
            to.update(from: from, count: n)
        }
        c.predDir.update(from: predDir, count: n)
        c.nodeOf.update(from: nodeOf, count: max(nodeNum, 1))
        // Every `var` below the storage, in declaration order.
        c.inArc = inArc; c.join = join; c.uIn = uIn; c.vIn = vIn; c.uOut = uOut; c.vOut = vOut
        c.delta = delta; c.blockSize = blockSize; c.nextArc = nextArc; c.iterations = iterations
        c.artCost = artCost; c.runWalk = runWalk; c.walked = walked; c.checkEvery = checkEvery
        c.violation = violation; c.refSupply = refSupply
        c.deadline = deadline; c.nextClockPivot = nextClockPivot; c.nextClockWork = nextClockWork
        c.scanned = scanned; c.interrupted = interrupted; c.pivotClockInterval = pivotClockInterval
        c.workClockInterval = workClockInterval; c.crashClockInterval = crashClockInterval
        c.expireAtRead = expireAtRead; c.clockReads = clockReads
        c.startPhase = startPhase; c.crashed = crashed; c.crashSearch = nil
        c.initialCandidates = initialCandidates; c.initialNext = initialNext
        return c
    }

    /// Copies the (validated, balanced) problem in, removes lower bounds and builds the
    /// artificial initial tree.
    mutating func load(_ p: MinCostFlowProblem, mixing: Bool, blockSizeFactor: Double) {
        let n = nodeNum, m = arcNum
        // Arc order: LEMON's "arc mixing" strides through the arcs.
        if mixing && m > 0 {
            let skip = max(m / max(n, 1), 3)
            var i = 0, j = 0
            for a in 0..<m {
                arcOf[i] = Int32(truncatingIfNeeded: a)
                i += skip
                if i >= m { j += 1; i = j }
            }
        } else {
            for a in 0..<m { arcOf[a] = Int32(truncatingIfNeeded: a) }
        }
        p.supply.withUnsafeBufferPointer { s in
            for v in 0..<n { supply[v] = s[v] }
        }
        var maxCost: Int64 = 0
        p.tail.withUnsafeBufferPointer { tl in
        p.head.withUnsafeBufferPointer { hd in
        p.lower.withUnsafeBufferPointer { lo in
        p.capacity.withUnsafeBufferPointer { up in
        p.cost.withUnsafeBufferPointer { cs in
            for i in 0..<m {
                let a = Int(arcOf[i])
                let t = tl[a], h = hd[a], l = lo[a], u = up[a], c = cs[a]
                source[i] = t; target[i] = h
                cost[i] = c
                if abs(c) > maxCost { maxCost = abs(c) }
                cap[i] = u == MinCostFlowProblem.unbounded ? SimplexCore.inf : u &- l
                if l != 0 {
                    supply[Int(t)] &-= l
                    supply[Int(h)] &+= l
                }
                if c < 0 && cap[i] != SimplexCore.inf && cap[i] > 0 {
                    // Start negative-cost capacitated arcs saturated: they are then already
                    // "optimal" for the pricing step, and the artificial arcs absorb the shift.
                    let f = cap[i]
                    flow[i] = f
                    state[i] = SimplexCore.stateUpper
                    supply[Int(t)] &-= f
                    supply[Int(h)] &+= f
                } else {
                    flow[i] = 0
                    state[i] = SimplexCore.stateLower
                }
            }
        }}}}}
        artCost = (maxCost + 1) &* Int64(n + 1)

        // Artificial root and arcs: every node hangs from the root.
        parent[root] = -1
        pred[root] = -1
        thread[root] = 0
        revThread[0] = Int32(root)
        succNum[root] = Int32(n + 1)
        lastSucc[root] = Int32(root - 1)
        supply[root] = 0
        pi[root] = 0
        predDir[root] = 0
        for u in 0..<n {
            let e = m + u
            parent[u] = Int32(root)
            pred[u] = Int32(e)
            thread[u] = Int32(u + 1)
            revThread[u + 1] = Int32(u)
            succNum[u] = 1
            lastSucc[u] = Int32(u)
            cap[e] = SimplexCore.inf
            state[e] = SimplexCore.stateTree
            if supply[u] >= 0 {
                predDir[u] = SimplexCore.dirUp
                pi[u] = 0
                source[e] = Int32(u); target[e] = Int32(root)
                flow[e] = supply[u]
                cost[e] = 0
            } else {
                predDir[u] = SimplexCore.dirDown
                pi[u] = artCost
                source[e] = Int32(root); target[e] = Int32(u)
                flow[e] = -supply[u]
                cost[e] = artCost
            }
        }
        let factor = blockSizeFactor.isFinite && blockSizeFactor > 0 ? min(blockSizeFactor, 1e6) : 1.0
        // Large instances (where relabelling makes pivots cheap relative to pricing) are
        // faster with somewhat smaller blocks: 0.75·√m measured ~5 % faster at 1M and 4M arcs,
        // but slower on the classic 12k–75k-arc set, hence the threshold.
        let scale = m >= 500_000 ? 0.75 : 1.0
        blockSize = max(10, Int(factor * scale * Double(m).squareRoot()))
        nextArc = 0
    }

    /// Sets (or clears) the deadline; the next `deadlinePassed()` reads the clock.
    mutating func setDeadline(_ d: ContinuousClock.Instant?) {
        deadline = d
        clockReads = 0
        nextClockPivot = d == nil ? Int.max : iterations
        nextClockWork = d == nil ? Int.max : scanned &+ walked
        interrupted = false
    }

    /// `true` once the deadline has passed. Reads the clock only every 1024 pivots or 2^22 units
    /// of pricing/potential-update work (arcs scanned + nodes shifted), whichever comes first:
    /// near optimality one pivot can scan all m arcs, so pivots alone are a poor clock.
    @inline(__always)
    mutating func deadlinePassed() -> Bool {
        if iterations < nextClockPivot && scanned &+ walked < nextClockWork { return false }
        return readClock()
    }

    @inline(never)
    mutating func readClock() -> Bool {
        if deadline == nil { nextClockPivot = .max; nextClockWork = .max; return false }
        if clockExpired() { return true }
        nextClockPivot = iterations &+ pivotClockInterval
        nextClockWork = scanned &+ walked &+ workClockInterval
        return false
    }

    /// Reads the clock (a deadline must be set): `true` if the deadline has passed.
    @inline(never)
    mutating func clockExpired() -> Bool {
        clockReads &+= 1
        if clockReads >= expireAtRead { return true }
        return ContinuousClock.now >= deadline!
    }

    /// Recomputes every potential from the tree for the current costs: `pi[root] = 0`, then down
    /// the thread (a preorder, so parents come first) making every tree arc's reduced cost 0.
    /// Used by the warm start after the costs changed; also removes the common offset the
    /// potential updates may have accumulated.
    mutating func recomputePotentials() {
        let th = thread, pa = parent, pr = pred, pd = predDir, cs = cost, p = pi
        p[root] = 0
        var u = Int(th[root])
        while u != root {
            let c = cs[Int(pr[u])], q = p[Int(pa[u])]
            p[u] = pd[u] == SimplexCore.dirUp ? q &- c : q &+ c
            u = Int(th[u])
        }
    }

    /// Replaces the costs of the real arcs (`newCost` indexed by problem ``ArcID``, validated by
    /// the caller) and re-prices the artificial arcs exactly as `load` would for these costs:
    /// `root → v` arcs get `M = (max|cost| + 1)·(n + 1)`, `v → root` arcs keep 0. Flows, states
    /// and the tree are untouched (still a primal feasible basis: bounds and supplies did not
    /// change); call `recomputePotentials()` afterwards. An interrupted crash search is
    /// dropped (its labels are for the old costs) and starts over; pending initial pivots stay
    /// (they are only candidates, priced when tried).
    mutating func setCosts(_ newCost: UnsafeBufferPointer<Int64>) {
        crashSearch = nil
        let m = arcNum
        var maxCost: Int64 = 0
        for i in 0..<m {
            let c = newCost[Int(arcOf[i])]
            cost[i] = c
            if abs(c) > maxCost { maxCost = abs(c) }
        }
        artCost = (maxCost + 1) &* Int64(nodeNum + 1)
        for e in m..<allArcNum { cost[e] = Int(source[e]) == root ? artCost : 0 }
    }

    /// Block search: scans blocks of `blockSize` arcs starting where the previous search stopped
    /// and returns the most violating arc of the first block that has a violating arc.
    @inline(__always)
    mutating func findEnteringArc() -> Bool {
        let m = arcNum, bs = blockSize
        // Local copies so the inner loop keeps everything in registers.
        let st = state, cs = cost, src = source, tgt = target, p = pi
        var minValue: Int64 = 0
        var found = -1
        var e = nextArc
        var remaining = m
        while remaining > 0 {
            // One block of up to `bs` arcs, wrapping around at m (in at most two runs).
            var left = bs < remaining ? bs : remaining
            remaining &-= left
            while left > 0 {
                let stop = m &- e < left ? m : e &+ left
                left &-= stop &- e
                var i = e
                while i < stop {
                    let c = Int64(st[i]) &* (cs[i] &+ p[Int(src[i])] &- p[Int(tgt[i])])
                    if c < minValue { minValue = c; found = i }
                    i &+= 1
                }
                e = stop == m ? 0 : stop
            }
            if minValue < 0 {
                inArc = found
                nextArc = e
                scanned &+= m &- remaining
                return true
            }
        }
        scanned &+= m
        return false
    }

    @inline(__always)
    mutating func findJoinNode() {
        var u = Int(source[inArc]), v = Int(target[inArc])
        var su = succNum[u], sv = succNum[v]
        while u != v {
            // The node with the smaller subtree cannot be the join: climb from it.
            if su < sv { u = Int(parent[u]); su = succNum[u] } else { v = Int(parent[v]); sv = succNum[v] }
        }
        join = u
    }

    /// Finds the blocking arc of the cycle; returns `false` when the entering arc itself blocks.
    @inline(__always)
    mutating func findLeavingArc() -> Bool {
        let first: Int, second: Int
        if state[inArc] == SimplexCore.stateLower {
            first = Int(source[inArc]); second = Int(target[inArc])
        } else {
            first = Int(target[inArc]); second = Int(source[inArc])
        }
        delta = cap[inArc]
        var result = 0
        var u = first
        while u != join {
            let e = Int(pred[u])
            var d = flow[e]
            if predDir[u] == SimplexCore.dirDown {
                let c = cap[e]
                d = c == SimplexCore.inf ? SimplexCore.inf : c &- d
            }
            if d < delta { delta = d; uOut = u; result = 1 }
            u = Int(parent[u])
        }
        u = second
        while u != join {
            let e = Int(pred[u])
            var d = flow[e]
            if predDir[u] == SimplexCore.dirUp {
                let c = cap[e]
                d = c == SimplexCore.inf ? SimplexCore.inf : c &- d
            }
            if d <= delta { delta = d; uOut = u; result = 2 }
            u = Int(parent[u])
        }
        if result == 1 { uIn = first; vIn = second } else { uIn = second; vIn = first }
        return result != 0
    }

    @inline(__always)
    mutating func changeFlow(_ change: Bool) {
        if delta > 0 {
            let val = Int64(state[inArc]) &* delta
            flow[inArc] &+= val
            var u = Int(source[inArc])
            while u != join {
                let e = Int(pred[u])
                flow[e] &-= Int64(predDir[u]) &* val
                u = Int(parent[u])
            }
            u = Int(target[inArc])
            while u != join {
                let e = Int(pred[u])
                flow[e] &+= Int64(predDir[u]) &* val
                u = Int(parent[u])
            }
        }
        if change {
            state[inArc] = SimplexCore.stateTree
            let out = Int(pred[uOut])
            state[out] = flow[out] == 0 ? SimplexCore.stateLower : SimplexCore.stateUpper
        } else {
            state[inArc] = -state[inArc]
        }
    }

    /// Re-hangs the subtree cut off by the leaving arc below `vIn` (thread, parent, pred,
    /// succNum and lastSucc updates along the stem from `uIn` to `uOut`).
    @inline(__always)
    mutating func updateTreeStructure() {
        let oldRevThread = Int(revThread[uOut])
        let oldSuccNum = succNum[uOut]
        let oldLastSucc = Int(lastSucc[uOut])
        vOut = Int(parent[uOut])

        if uIn == uOut {
            parent[uIn] = Int32(vIn)
            pred[uIn] = Int32(inArc)
            predDir[uIn] = uIn == Int(source[inArc]) ? SimplexCore.dirUp : SimplexCore.dirDown
            if Int(thread[vIn]) != uOut {
                var after = Int(thread[oldLastSucc])
                thread[oldRevThread] = Int32(after)
                revThread[after] = Int32(oldRevThread)
                after = Int(thread[vIn])
                thread[vIn] = Int32(uOut)
                revThread[uOut] = Int32(vIn)
                thread[oldLastSucc] = Int32(after)
                revThread[after] = Int32(oldLastSucc)
            }
        } else {
            let threadContinue = oldRevThread == vIn ? Int(thread[oldLastSucc]) : Int(thread[vIn])
            var stem = uIn
            var parStem = vIn
            var last = Int(lastSucc[uIn])
            var after = Int(thread[last])
            thread[vIn] = Int32(uIn)
            var dirty = 0
            dirtyRevs[dirty] = Int32(vIn); dirty += 1
            while stem != uOut {
                let nextStem = Int(parent[stem])
                thread[last] = Int32(nextStem)
                dirtyRevs[dirty] = Int32(last); dirty += 1
                let before = Int(revThread[stem])
                thread[before] = Int32(after)
                revThread[after] = Int32(before)
                parent[stem] = Int32(parStem)
                parStem = stem
                stem = nextStem
                last = lastSucc[stem] == lastSucc[parStem] ? Int(revThread[parStem]) : Int(lastSucc[stem])
                after = Int(thread[last])
            }
            parent[uOut] = Int32(parStem)
            thread[last] = Int32(threadContinue)
            revThread[threadContinue] = Int32(last)
            lastSucc[uOut] = Int32(last)
            if oldRevThread != vIn {
                thread[oldRevThread] = Int32(after)
                revThread[after] = Int32(oldRevThread)
            }
            for i in 0..<dirty {
                let u = Int(dirtyRevs[i])
                revThread[Int(thread[u])] = Int32(u)
            }
            var tmpSc: Int32 = 0
            let tmpLs = lastSucc[uOut]
            var u = uOut
            var p = Int(parent[u])
            while u != uIn {
                pred[u] = pred[p]
                predDir[u] = -predDir[p]
                tmpSc &+= succNum[u] &- succNum[p]
                succNum[u] = tmpSc
                lastSucc[p] = tmpLs
                u = p
                p = Int(parent[u])
            }
            pred[uIn] = Int32(inArc)
            predDir[uIn] = uIn == Int(source[inArc]) ? SimplexCore.dirUp : SimplexCore.dirDown
            succNum[uIn] = oldSuccNum
        }

        let upLimitOut = Int(lastSucc[join]) == vIn ? join : -1
        let lastSuccOut = lastSucc[uOut]
        var u = vIn
        while u != -1 && Int(lastSucc[u]) == vIn {
            lastSucc[u] = lastSuccOut
            u = Int(parent[u])
        }
        if join != oldRevThread && vIn != oldRevThread {
            u = vOut
            while u != upLimitOut && Int(lastSucc[u]) == oldLastSucc {
                lastSucc[u] = Int32(oldRevThread)
                u = Int(parent[u])
            }
        } else if Int(lastSuccOut) != oldLastSucc {
            u = vOut
            while u != upLimitOut && Int(lastSucc[u]) == oldLastSucc {
                lastSucc[u] = lastSuccOut
                u = Int(parent[u])
            }
        }
        u = vIn
        while u != join { succNum[u] &+= oldSuccNum; u = Int(parent[u]) }
        u = vOut
        while u != join { succNum[u] &-= oldSuccNum; u = Int(parent[u]) }
    }

    /// Shifts the potentials of the moved subtree (rooted at `uIn`) by a constant.
    ///
    /// After relabelling, the thread is mostly runs of consecutive labels (`thread[v] == v + 1`).
    /// The walk finds the end of each run with loads whose addresses do not depend on earlier
    /// loads (so they pipeline instead of forming a pointer chase), then shifts the run with a
    /// plain (vectorizable) loop. On time-expanded networks, whose moved subtrees are long
    /// stretches of the time axis, this walk is most of the solve time.
    @inline(__always)
    mutating func updatePotential() {
        let sigma = pi[vIn] &- pi[uIn] &- Int64(predDir[uIn]) &* cost[inArc]
        let end = Int(thread[Int(lastSucc[uIn])])
        walked &+= min(Int(succNum[uIn]), nodeNum + 1 - Int(succNum[uIn]))
        if !runWalk {
            // No relabelling (small n): the thread is not in label order, runs would be of
            // length 1 and only add work (measured +60–90 % instructions on the classic set).
            if Int(succNum[uIn]) &* 2 <= nodeNum {
                var u = uIn
                while u != end { pi[u] &+= sigma; u = Int(thread[u]) }
            } else {
                var u = end
                while u != uIn { pi[u] &-= sigma; u = Int(thread[u]) }
            }
        } else if Int(succNum[uIn]) &* 2 <= nodeNum {
            shiftAlongThread(from: uIn, to: end, by: sigma)
        } else {
            // The moved subtree is the larger part: shift everything else (root included) the
            // other way. Only differences of potentials are ever used, so the common offset this
            // introduces is harmless (wrapping arithmetic keeps differences exact) and is removed
            // when the potentials are reported.
            shiftAlongThread(from: end, to: uIn, by: 0 &- sigma)
        }
    }

    /// Adds `sigma` to `pi` of the thread segment [from, to), in runs of consecutive labels.
    @inline(__always)
    func shiftAlongThread(from: Int, to stop: Int, by sigma: Int64) {
        let th = thread, p = pi
        let n = nodeNum
        var u = from
        while u != stop {
            var v = u
            // Eight entries per step (one branch) while the run continues and `stop` is not
            // among v + 1 … v + 8; labels fit in Int32.
            while v &+ 8 <= n && (stop <= v || stop > v &+ 8) {
                let b = Int32(truncatingIfNeeded: v)
                let x = (th[v] ^ (b &+ 1)) | (th[v &+ 1] ^ (b &+ 2)) | (th[v &+ 2] ^ (b &+ 3))
                    | (th[v &+ 3] ^ (b &+ 4)) | (th[v &+ 4] ^ (b &+ 5)) | (th[v &+ 5] ^ (b &+ 6))
                    | (th[v &+ 6] ^ (b &+ 7)) | (th[v &+ 7] ^ (b &+ 8))
                if x != 0 { break }
                v &+= 8
            }
            while v &+ 1 != stop && Int(th[v]) == v &+ 1 { v &+= 1 }
            var w = u
            while w <= v { p[w] &+= sigma; w &+= 1 }
            u = Int(th[v])
        }
    }

    /// One full pivot on `inArc` if it is still eligible; returns `false` if unbounded.
    @inline(__always)
    mutating func pivot() -> Bool {
        findJoinNode()
        let change = findLeavingArc()
        if delta >= SimplexCore.inf { return false }
        changeFlow(change)
        if change {
            updateTreeStructure()
            updatePotential()
        }
        iterations += 1
        return true
    }

    /// LEMON's heuristic start: before block search, pivot in arcs that are likely in the
    /// optimal tree. With one source and one sink: the arcs of a reverse search from the sink
    /// over arcs that could carry the whole supply; otherwise the cheapest arc into every demand
    /// node. Returns `.unbounded` if a pivot proved the problem unbounded, `.timeLimit` at the
    /// deadline (the candidates left are kept, and the next call resumes with them), `nil` when
    /// done.
    mutating func initialPivots() -> MinCostFlowStatus? {
        if initialCandidates == nil { initialCandidates = initialPivotCandidates(); initialNext = 0 }
        let candidates = initialCandidates!
        while initialNext < candidates.count {
            if deadlinePassed() { return .timeLimit }
            inArc = Int(candidates[initialNext])
            initialNext += 1
            let rc = Int64(state[inArc]) &* (cost[inArc] &+ pi[Int(source[inArc])] &- pi[Int(target[inArc])])
            if rc >= 0 { continue }
            if !pivot() { initialCandidates = nil; return .unbounded }
        }
        initialCandidates = nil
        return nil
    }

    /// The arcs `initialPivots` tries, in order (see there).
    func initialPivotCandidates() -> [Int32] {
        let n = nodeNum, m = arcNum
        var total: Int64 = 0
        var supplyNodes = 0, demandNodes = 0, s = -1, t = -1
        for v in 0..<n {
            if supply[v] > 0 { total &+= supply[v]; supplyNodes += 1; s = v }
            else if supply[v] < 0 { demandNodes += 1; t = v }
        }
        var candidates = [Int32]()
        if total <= 0 { return candidates }
        if supplyNodes == 1 && demandNodes == 1 {
            // Reverse depth-first search from t over arcs with capacity ≥ total (CSR of in-arcs).
            var start = [Int32](repeating: 0, count: n + 1)
            var inArcs = [Int32](repeating: 0, count: m)
            for e in 0..<m { start[Int(target[e]) + 1] &+= 1 }
            for v in 0..<n { start[v + 1] &+= start[v] }
            var fill = start
            for e in 0..<m {
                let h = Int(target[e])
                inArcs[Int(fill[h])] = Int32(e); fill[h] &+= 1
            }
            var reached = [Bool](repeating: false, count: n)
            var stack = [Int32]()
            reached[t] = true
            stack.append(Int32(t))
            while let v = stack.popLast() {
                if Int(v) == s { break }
                for k in Int(start[Int(v)])..<Int(start[Int(v) + 1]) {
                    let e = Int(inArcs[k])
                    let u = Int(source[e])
                    if reached[u] || cap[e] < total { continue }
                    candidates.append(Int32(e))
                    reached[u] = true
                    stack.append(Int32(u))
                }
            }
        } else {
            // Cheapest arc into every demand node.
            var best = [Int32](repeating: -1, count: n)
            for e in 0..<m {
                let h = Int(target[e])
                if supply[h] < 0 && (best[h] < 0 || cost[e] < cost[Int(best[h])]) { best[h] = Int32(e) }
            }
            for v in 0..<n where best[v] >= 0 { candidates.append(best[v]) }
        }
        return candidates
    }

    /// Renumbers the nodes in thread (preorder) order so that subtree walks along the thread
    /// touch consecutive memory. Only node ids change: arc indices, flows and states stay.
    mutating func relabel() {
        let n = nodeNum
        var u = Int(thread[root])
        var k: Int32 = 0
        while u != root { perm[u] = k; k &+= 1; u = Int(thread[u]) }
        perm[root] = Int32(root)
        for e in 0..<allArcNum {
            source[e] = perm[Int(source[e])]
            target[e] = perm[Int(target[e])]
        }
        // Int64 arrays.
        for v in 0...n { scratch[Int(perm[v])] = pi[v] }
        pi.update(from: scratch, count: n + 1)
        for v in 0...n { scratch[Int(perm[v])] = supply[v] }
        supply.update(from: scratch, count: n + 1)
        // Int32 arrays through the lower half of the Int64 scratch.
        let s32 = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: Int32.self)
        for v in 0...n { let p = parent[v]; s32[Int(perm[v])] = p < 0 ? p : perm[Int(p)] }
        parent.update(from: s32, count: n + 1)
        for v in 0...n { s32[Int(perm[v])] = perm[Int(lastSucc[v])] }
        lastSucc.update(from: s32, count: n + 1)
        for v in 0...n { s32[Int(perm[v])] = pred[v] }
        pred.update(from: s32, count: n + 1)
        for v in 0...n { s32[Int(perm[v])] = succNum[v] }
        succNum.update(from: s32, count: n + 1)
        for v in 0..<n { s32[Int(perm[v])] = nodeOf[v] }
        nodeOf.update(from: s32, count: n)
        let s8 = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: Int8.self)
        for v in 0...n { s8[Int(perm[v])] = predDir[v] }
        predDir.update(from: s8, count: n + 1)
        // Thread order is now 0, 1, …, n − 1 after the root.
        if n > 0 {
            thread[root] = 0
            revThread[0] = Int32(root)
            for v in 0..<n {
                thread[v] = Int32(v + 1)
                revThread[v + 1] = Int32(v)
            }
            thread[n - 1] = Int32(root)
            revThread[root] = Int32(n - 1)
        }
    }

    /// Finishes the start phase (crash basis if `useCrash`, else initial pivots) unless done,
    /// then runs the pivot loop; returns `.optimal`, `.infeasible`, `.unbounded` or `.timeLimit`
    /// (at the deadline: checked before anything else and then as `deadlinePassed` says).
    /// Every exit leaves a valid strongly feasible basis (an unbounded step is detected before
    /// any flow changes) and the start phase resumable, so `run` can be called again, also
    /// after the costs changed; without cost changes the pivots are then exactly those of one
    /// uninterrupted run.
    mutating func run(relabelEvery: Int = .max, useCrash: Bool = false) -> MinCostFlowStatus {
        if deadlinePassed() { return .timeLimit }
        if startPhase == SimplexCore.phaseCrash {
            if useCrash && crashStart() {
                crashed = true
                startPhase = SimplexCore.phaseDone
            } else if interrupted {
                return .timeLimit
            } else {
                startPhase = SimplexCore.phaseInitial
            }
            if checkEvery > 0, let bad = checkInvariants() { violation = "after start: " + bad; return .infeasible }
        }
        if startPhase == SimplexCore.phaseInitial {
            let stop = initialPivots()
            if stop != .timeLimit { startPhase = SimplexCore.phaseDone }
            if let stop { return stop }
        }
        var nextCheck = checkEvery > 0 ? iterations + checkEvery : Int.max
        var nextRelabel = iterations.addingReportingOverflow(relabelEvery)
        // Also relabel once the potential-update walks since the last relabel exceed a
        // multiple of the relabelling cost (n + m): deep time-expanded trees move large subtrees
        // on every pivot and fragment the thread quickly.
        let walkLimit = relabelEvery == .max ? Int.max : 16 &* (nodeNum &+ arcNum)
        var walkMark = walked
        runWalk = relabelEvery != .max
        while !deadlinePassed() {
            if !findEnteringArc() {
                if checkEvery > 0, let bad = checkInvariants() { violation = "at the end: " + bad; return .infeasible }
                for e in arcNum..<allArcNum where flow[e] != 0 { return .infeasible }
                return .optimal
            }
            if (!nextRelabel.overflow && iterations >= nextRelabel.partialValue) || walked &- walkMark >= walkLimit {
                relabel()
                nextRelabel = iterations.addingReportingOverflow(relabelEvery)
                walkMark = walked
            }
            findJoinNode()
            let change = findLeavingArc()
            if delta >= SimplexCore.inf { return .unbounded }
            changeFlow(change)
            if change {
                updateTreeStructure()
                updatePotential()
            }
            iterations += 1
            if iterations >= nextCheck {
                if let bad = checkInvariants() { violation = "after pivot \(iterations): " + bad; return .infeasible }
                nextCheck = iterations + checkEvery
            }
        }
        return .timeLimit
    }
}
