// NetworkSimplexSession.swift — re-solving one graph with changed costs from the last basis.
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

    /// Creates a session for `problem`; nothing is solved or allocated until ``solve(deadline:)``.
    public init(_ problem: MinCostFlowProblem, options: NetworkSimplex = NetworkSimplex()) {
        self.problem = problem
        self.options = options
    }

    deinit { core?.deallocate() }

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
