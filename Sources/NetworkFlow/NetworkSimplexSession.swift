// NetworkSimplexSession.swift — re-solving one graph with changed costs or capacities from the
// last basis.
//
// A spanning-tree basis of the network simplex depends on the supplies and bounds only through
// its flows: change the costs and the tree is still primal feasible, only the potentials are
// stale. Recomputing them from the tree (one walk down the thread) and resuming the pivot loop
// is the network form of a primal simplex warm start; after a small cost change (Dantzig–Wolfe
// prices on a few arcs) few pivots are needed.

/// Keeps the optimal spanning-tree basis between solves of the same graph with changed costs.
/// Not thread-safe: use one session from one thread at a time (different sessions in parallel
/// are fine).
///
/// The first ``solve(deadline:)`` works like ``NetworkSimplex/solve(_:deadline:)`` (crash start
/// or initial pivots, then block search) but keeps the working storage; later calls continue
/// from the basis the previous call ended with — optimal, infeasible, unbounded, or interrupted
/// by the deadline — with potentials recomputed for the current costs. The augmented problem
/// is always the one a cold solve would build (the artificial arcs are re-priced with the big-M
/// of the current costs), so a warm solve reaches the same status and optimal objective as
/// `NetworkSimplex().solve(problem)`; flows and potentials can differ when the optimum is not
/// unique. Results are deterministic: they depend only on the sequence of calls. A deadline
/// that stops a call does not change what follows either: continuing without cost changes
/// gives exactly the result (pivots, flows, potentials) of one uninterrupted solve, because the
/// start phase (crash search, initial pivots) and the pivot loop resume where they stopped.
///
/// ```swift
/// let base = problem.cost
/// let session = NetworkSimplexSession(problem)
/// var r = session.solve()
/// while let prices = masterProblem.prices(after: r) {   // e.g. Dantzig–Wolfe duals per arc
///     var c = base
///     for (arc, price) in prices { c[arc] += price }
///     if let bad = session.setCosts(c) { throw PricingError.costRange(bad) }
///     r = session.solve(deadline: deadline)            // few pivots from the previous basis
///     if r.status == .timeLimit { break }              // a later solve() would continue
/// }
/// ```
///
/// Memory: the solver's arrays (~37 bytes per arc plus ~95 per node) stay allocated for the
/// session's lifetime, beside the problem (shared copy-on-write with the caller's until
/// ``setCosts(_:)`` replaces the costs).
public final class NetworkSimplexSession: @unchecked Sendable {
    /// The options the session was created with.
    public let options: NetworkSimplex
    /// The problem with the current costs.
    public private(set) var problem: MinCostFlowProblem

    /// Working storage once the simplex has run (nil before the first solve and whenever the
    /// problem needs no simplex: invalid, unbalanced or empty).
    private var core: SimplexCore? = nil
    /// First violated tree invariant of the last solve (testing aid, with
    /// `options.checkInvariantsEvery > 0`).
    private(set) var lastViolation: String? = nil
    /// Whether the crash basis was used by the start phase (testing aid).
    var crashed: Bool { core?.crashed ?? false }

    /// A basis for the first ``solve(deadline:)`` to start from instead of the crash basis —
    /// typically the optimal basis of a similar problem (same graph shape, other supplies or
    /// costs) mapped onto this one. Its tree arcs stay in the tree where they can carry what
    /// their subtree needs; the other nodes hang from the artificial root, as in
    /// ``setCapacities(_:)``. A basis that is not a forest of this problem's arcs is ignored
    /// (crash start). No effect once the session has solved. See ``startBasisAdopted``.
    public var startBasis: Basis? = nil
    /// Whether the first solve started from ``startBasis``.
    public private(set) var startBasisAdopted = false

    /// Creates a session for `problem`; nothing is solved or allocated until ``solve(deadline:)``.
    public init(_ problem: MinCostFlowProblem, options: NetworkSimplex = NetworkSimplex()) {
        self.problem = problem
        self.options = options
    }

    deinit { core?.deallocate() }

    /// An independent session with the same problem and the same basis: both continue from
    /// where this one is (e.g. one re-solved with changed capacities, the other with changed
    /// costs, each warm). Doubles the memory (see the type's notes).
    public func copy() -> NetworkSimplexSession {
        let c = NetworkSimplexSession(problem, options: options)
        c.core = core?.copy()
        c.lastViolation = lastViolation
        return c
    }

    /// First call: like ``NetworkSimplex/solve(_:deadline:)``. Later calls: continue from the
    /// last basis (primal feasible since supplies and bounds are unchanged), recomputing the
    /// potentials from the tree for the current costs.
    ///
    /// After ``MinCostFlowStatus/timeLimit`` the next call continues where this one stopped.
    /// `iterations` of the result counts this call's pivots only. Invalid or unbalanced problems
    /// return their status without pivoting, as ``NetworkSimplex/solve(_:)`` does.
    /// - Complexity: O(n + m) to re-price and recompute potentials, then the pivots needed from
    ///   the previous basis.
    public func solve(deadline: ContinuousClock.Instant? = nil) -> MinCostFlowResult {
        lastViolation = nil
        if core == nil {
            if let early = options.precheck(problem) { return early }
            core = options.makeCore(problem)
            if let start = startBasis {
                startBasisAdopted = problem.lower.withUnsafeBufferPointer { l in
                    problem.supply.withUnsafeBufferPointer { b in
                        core!.adoptBasis(parentArc: start.parentArc, atUpper: start.atUpper, lower: l, supply: b)
                    }
                }
                startBasis = nil
            }
        }
        core!.setDeadline(deadline)
        core!.violation = nil
        core!.recomputePotentials()
        if options.checkInvariantsEvery > 0, let bad = core!.checkInvariants() {
            lastViolation = "before the solve: " + bad
            return MinCostFlowResult(status: .infeasible)
        }
        let out = options.run(&core!, problem)
        lastViolation = out.violation
        return out.result
    }

    /// Replaces every arc cost (`cost[a]` for ``ArcID`` `a`, same count as the problem's arcs).
    ///
    /// Returns ``MinCostFlowStatus/badNodeID`` if the count differs and
    /// ``MinCostFlowStatus/badCostRange`` if a cost is `Int64.min` or
    /// `(max|cost| + 1)·(nodeCount + 1)` exceeds ``MinCostFlowProblem/costRangeLimit`` (the
    /// bounds ``MinCostFlowProblem/validate()`` applies); the session is then unchanged.
    /// Returns `nil` on success. The basis is kept; the next ``solve(deadline:)`` continues
    /// from it.
    /// - Complexity: O(m).
    public func setCosts(_ cost: [Int64]) -> MinCostFlowStatus? {
        let m = problem.arcCount
        guard cost.count == m else { return .badNodeID }
        var maxCost: Int64 = 0
        for c in cost {
            if c == .min { return .badCostRange }
            if abs(c) > maxCost { maxCost = abs(c) }
        }
        if maxCost >= MinCostFlowProblem.costRangeLimit { return .badCostRange }
        let art = (maxCost + 1).multipliedReportingOverflow(by: Int64(problem.nodeCount + 1))
        if art.overflow || art.partialValue > MinCostFlowProblem.costRangeLimit { return .badCostRange }
        problem = MinCostFlowProblem(supply: problem.supply, tail: problem.tail, head: problem.head,
                                     lower: problem.lower, capacity: problem.capacity, cost: cost)
        if core != nil {
            cost.withUnsafeBufferPointer { core!.setCosts($0) }
        }
        return nil
    }
}

extension NetworkSimplexSession {
    /// Replaces every arc capacity (`capacity[a]` for ``ArcID`` `a`, same count as the problem's
    /// arcs; ``MinCostFlowProblem/unbounded`` for none). Lower bounds, supplies and costs stay.
    ///
    /// Returns ``MinCostFlowStatus/badNodeID`` if the count differs and
    /// ``MinCostFlowStatus/badBounds`` if a capacity is below its arc's lower bound (or another
    /// status of ``MinCostFlowProblem/validate()`` for the new problem); the session is then
    /// unchanged. Returns `nil` on success. The next ``solve(deadline:)`` continues from the
    /// current basis repaired for the new bounds (see `SimplexCore.setCapacities`): tree arcs
    /// whose flow still fits keep it, the others leave the tree at a bound and their subtrees
    /// hang from the root by artificial arcs, which the simplex then drives out.
    /// - Complexity: O(n + m), then the pivots needed from the repaired basis.
    public func setCapacities(_ capacity: [Int64]) -> MinCostFlowStatus? {
        let m = problem.arcCount
        guard capacity.count == m else { return .badNodeID }
        let changed = MinCostFlowProblem(supply: problem.supply, tail: problem.tail, head: problem.head,
                                         lower: problem.lower, capacity: capacity, cost: problem.cost)
        if let bad = changed.validate() { return bad }
        problem = changed
        if core != nil {
            capacity.withUnsafeBufferPointer { c in
                problem.lower.withUnsafeBufferPointer { l in
                    problem.supply.withUnsafeBufferPointer { b in core!.setCapacities(c, lower: l, supply: b) }
                }
            }
        }
        return nil
    }
}

extension SimplexCore {
    /// New capacities (problem-indexed, with the problem's lower bounds) for a primal-feasible,
    /// strongly feasible basis afterwards. Non-tree arcs move to their new bound (at upper:
    /// the new capacity; an upper bound that became infinite: to lower). Tree flows are then
    /// recomputed bottom-up from the node balances; a tree arc whose required flow leaves
    /// [0, cap] — or sits at the bound that would stop its node sending flow to the root (an
    /// upward arc full, a downward arc empty) — leaves the tree at the nearer bound, and its
    /// node hangs from the root by its artificial arc carrying the rest (upward at cost 0 for a
    /// surplus or nothing, downward at the big-M cost for a deficit). The thread is rebuilt and
    /// the potentials recomputed; the crash search, if interrupted, is dropped.
    mutating func setCapacities(_ newCap: UnsafeBufferPointer<Int64>, lower: UnsafeBufferPointer<Int64>,
                                supply problemSupply: UnsafeBufferPointer<Int64>) {
        crashSearch = nil
        let m = arcNum
        for i in 0..<m {
            let a = Int(arcOf[i])
            let c = newCap[a] == MinCostFlowProblem.unbounded ? SimplexCore.inf : newCap[a] &- lower[a]
            cap[i] = c
            if state[i] == SimplexCore.stateUpper {
                if c == SimplexCore.inf { state[i] = SimplexCore.stateLower; flow[i] = 0 } else { flow[i] = c }
            }
        }
        repairTreeFlows(lower: lower, supply: problemSupply)
    }

    /// Recomputes the tree flows for the current non-tree flows, tree and bounds so that the
    /// basis is primal feasible and strongly feasible (see ``setCapacities(_:lower:supply:)``:
    /// an arc that cannot carry what its subtree needs leaves the tree and the subtree hangs
    /// from the root by its artificial arc), then rebuilds the thread and the potentials.
    /// Needs a valid thread (children after parents).
    mutating func repairTreeFlows(lower: UnsafeBufferPointer<Int64>, supply problemSupply: UnsafeBufferPointer<Int64>) {
        let n = nodeNum, m = arcNum
        // Balance of each node given the non-tree flows: what its tree arc must carry out.
        let total = UnsafeMutablePointer<Int64>.allocate(capacity: n + 1)
        defer { total.deallocate() }
        // (`supply` has absorbed the load's saturated start arcs: start from the problem's own
        // supplies, shifted by the lower bounds.)
        for v in 0...n { total[v] = v < n ? problemSupply[Int(nodeOf[v])] : 0 }
        for i in 0..<m where lower[Int(arcOf[i])] != 0 {
            let l = lower[Int(arcOf[i])]
            total[Int(source[i])] &-= l; total[Int(target[i])] &+= l
        }
        for e in 0..<allArcNum where state[e] != SimplexCore.stateTree && flow[e] != 0 {
            total[Int(source[e])] &-= flow[e]
            total[Int(target[e])] &+= flow[e]
        }
        // Each node's artificial arc (relabelling renames nodes, not arcs: not always arcNum + v).
        var artificial = [Int32](repeating: -1, count: n)
        for e in m..<allArcNum { artificial[Int(source[e]) == root ? Int(target[e]) : Int(source[e])] = Int32(e) }
        // Children before parents: the reverse of the thread (a preorder).
        var v = Int(revThread[root])
        while v != root {
            let prev = Int(revThread[v])
            let e = Int(pred[v]), p = Int(parent[v])
            let up = predDir[v] == SimplexCore.dirUp
            let need = up ? total[v] : -total[v]
            if e < m {
                let c = cap[e]
                let fits = need >= 0 && need <= c && (up ? need < c : need > 0)
                if fits {
                    flow[e] = need
                    total[p] &+= total[v]
                } else {
                    // Leave the tree at the nearer bound; the rest goes by v's artificial arc.
                    let f = need <= 0 ? 0 : min(need, c)
                    flow[e] = f
                    state[e] = f == 0 ? SimplexCore.stateLower : SimplexCore.stateUpper
                    if up { total[p] &+= f; total[v] &-= f } else { total[p] &-= f; total[v] &+= f }
                    hangFromRoot(v, by: Int(artificial[v]), surplus: total[v])
                    total[root] &+= total[v]
                }
            } else {
                // Already on the root by its artificial arc: re-orient it to the sign it needs.
                hangFromRoot(v, by: e, surplus: total[v])
                total[root] &+= total[v]
            }
            v = prev
        }
        rebuildThread()
        recomputePotentials()
    }

    /// Makes v's artificial arc `a` its tree arc to the root, carrying `surplus` (v → root at cost
    /// 0 when ≥ 0, root → v at the big-M cost otherwise).
    mutating func hangFromRoot(_ v: Int, by a: Int, surplus: Int64) {
        parent[v] = Int32(root)
        pred[v] = Int32(a)
        state[a] = SimplexCore.stateTree
        if surplus >= 0 {
            source[a] = Int32(v); target[a] = Int32(root); cost[a] = 0
            flow[a] = surplus; predDir[v] = SimplexCore.dirUp
        } else {
            source[a] = Int32(root); target[a] = Int32(v); cost[a] = artCost
            flow[a] = -surplus; predDir[v] = SimplexCore.dirDown
        }
    }

    /// Rebuilds thread, revThread, succNum and lastSucc from `parent` (a preorder by depth-first
    /// search from the root, children in increasing label order).
    mutating func rebuildThread() {
        let n = nodeNum
        // Children lists, largest label first (prepended in increasing order): pushed in list
        // order, the smallest label is popped first.
        var firstChild = [Int32](repeating: -1, count: n + 1), nextSibling = [Int32](repeating: -1, count: n + 1)
        for v in 0..<n {
            let p = Int(parent[v])
            nextSibling[v] = firstChild[p]; firstChild[p] = Int32(v)
        }
        var order = [Int32]()
        order.reserveCapacity(n + 1)
        var stack: [Int32] = [Int32(root)]
        while let u = stack.popLast() {
            order.append(u)
            var c = firstChild[Int(u)]
            while c >= 0 { stack.append(c); c = nextSibling[Int(c)] }
        }
        for i in 0...n {
            let u = Int(order[i]), next = Int(order[(i + 1) % (n + 1)])
            thread[u] = Int32(next); revThread[next] = Int32(u)
        }
        for u in 0...n { succNum[u] = 1 }
        for i in stride(from: n, through: 1, by: -1) {
            let u = Int(order[i]), p = Int(parent[u])
            succNum[p] &+= succNum[u]
        }
        // lastSucc: the last node of each subtree's thread segment.
        var position = [Int](repeating: 0, count: n + 1)
        for i in 0...n { position[Int(order[i])] = i }
        for u in 0...n { lastSucc[u] = order[position[u] + Int(succNum[u]) - 1] }
    }
}

extension NetworkSimplexSession {
    /// A spanning-tree basis in the problem's own ids (see ``basis()`` and ``startBasis``).
    public struct Basis: Sendable, Equatable {
        /// Per node (``NodeID``): the arc joining it to its parent in the spanning tree, or −1
        /// when it hangs from the artificial root.
        public var parentArc: [ArcID]
        /// Per arc (``ArcID``): outside the tree at its capacity.
        public var atUpper: [Bool]

        public init(parentArc: [ArcID], atUpper: [Bool]) {
            self.parentArc = parentArc
            self.atUpper = atUpper
        }
    }

    /// The basis the last solve ended with (`nil` before the first solve, or when the problem
    /// needed no simplex). Its tree may contain artificial arcs (`parentArc` −1).
    public func basis() -> Basis? {
        guard let core else { return nil }
        let n = core.nodeNum, m = core.arcNum
        var parentArc = [ArcID](repeating: -1, count: n)
        var atUpper = [Bool](repeating: false, count: m)
        for v in 0..<n {
            let e = Int(core.pred[v])
            if e >= 0 && e < m { parentArc[Int(core.nodeOf[v])] = core.arcOf[e] }
        }
        for i in 0..<m where core.state[i] == SimplexCore.stateUpper { atUpper[Int(core.arcOf[i])] = true }
        return Basis(parentArc: parentArc, atUpper: atUpper)
    }
}

extension SimplexCore {
    /// Replaces the start basis by the spanning forest `parentArc` (problem ids: for each node
    /// the arc to its parent, −1 to hang it from the root), with the non-tree arcs flagged in
    /// `atUpper` at their (finite) capacity and the others at their lower bound. Tree flows then
    /// follow from the node balances (``repairTreeFlows(lower:supply:)``: an arc that cannot
    /// carry its subtree's balance leaves the tree and the subtree hangs from the root), so the
    /// basis is primal and strongly feasible whatever the forest. The start phase is done
    /// afterwards (no crash, no initial pivots). Returns `false`, the core unchanged, when the
    /// counts differ, an arc is out of range, is a loop or does not touch its node, or the
    /// parent arcs form a cycle.
    mutating func adoptBasis(parentArc: [ArcID], atUpper: [Bool], lower: UnsafeBufferPointer<Int64>,
                             supply: UnsafeBufferPointer<Int64>) -> Bool {
        let n = nodeNum, m = arcNum
        guard parentArc.count == n, atUpper.count == m else { return false }
        var internalNode = [Int32](repeating: -1, count: n)
        for v in 0..<n { internalNode[Int(nodeOf[v])] = Int32(v) }
        var internalArc = [Int32](repeating: -1, count: m)
        for i in 0..<m { internalArc[Int(arcOf[i])] = Int32(i) }
        // Tentative parents (internal ids), checked before anything changes.
        var par = [Int32](repeating: Int32(root), count: n + 1)
        var treeArc = [Int32](repeating: -1, count: n)
        for pv in 0..<n {
            let a = Int(parentArc[pv])
            if a < 0 { continue }
            guard a < m else { return false }
            let i = Int(internalArc[a]), v = Int(internalNode[pv])
            let s = Int(source[i]), t = Int(target[i])
            guard s != t, s == v || t == v else { return false }
            par[v] = Int32(s == v ? t : s)
            treeArc[v] = Int32(i)
        }
        par[root] = -1
        // A forest iff every node reaches the root: depth-first from the root over children.
        var firstChild = [Int32](repeating: -1, count: n + 1), nextSibling = [Int32](repeating: -1, count: n + 1)
        for v in 0..<n {
            let p = Int(par[v])
            nextSibling[v] = firstChild[p]; firstChild[p] = Int32(v)
        }
        var reached = 0
        var stack: [Int32] = [Int32(root)]
        while let u = stack.popLast() {
            reached += 1
            var c = firstChild[Int(u)]
            while c >= 0 { stack.append(c); c = nextSibling[Int(c)] }
        }
        guard reached == n + 1 else { return false }

        crashSearch = nil
        initialCandidates = nil
        for i in 0..<m {
            let up = atUpper[Int(arcOf[i])] && cap[i] != SimplexCore.inf
            state[i] = up ? SimplexCore.stateUpper : SimplexCore.stateLower
            flow[i] = up ? cap[i] : 0
        }
        var artificial = [Int32](repeating: -1, count: n)
        for e in m..<allArcNum { artificial[Int(source[e]) == root ? Int(target[e]) : Int(source[e])] = Int32(e) }
        for v in 0..<n {
            let a = Int(artificial[v])
            parent[v] = par[v]
            if treeArc[v] >= 0 {
                let i = Int(treeArc[v])
                pred[v] = Int32(i)
                predDir[v] = Int(source[i]) == v ? SimplexCore.dirUp : SimplexCore.dirDown
                state[i] = SimplexCore.stateTree; flow[i] = 0
                state[a] = SimplexCore.stateLower; flow[a] = 0
            } else {
                pred[v] = Int32(a)
                predDir[v] = Int(source[a]) == v ? SimplexCore.dirUp : SimplexCore.dirDown
                state[a] = SimplexCore.stateTree; flow[a] = 0
            }
        }
        rebuildThread()
        repairTreeFlows(lower: lower, supply: supply)
        startPhase = SimplexCore.phaseDone
        crashed = false
        return true
    }
}
