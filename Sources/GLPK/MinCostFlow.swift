internal import CGLPK

/// Minimum-cost flow through GLPK, for cross-checking other flow solvers.
///
/// The problem: nodes `0..<nodeCount` with supply `b[i]` (positive = supply, negative = demand),
/// arcs `(tail[k], head[k])` with flow `lower[k] ≤ x[k] ≤ upper[k]` (`upper` may be `+infinity`)
/// and unit cost `cost[k]`; minimise `Σ cost[k]·x[k]` subject to conservation
/// `Σ_{out of i} x − Σ_{into i} x = b[i]` for every node.
///
/// **Potentials** use the LP-dual convention of GLPK's row duals: `π[i]` is the dual of node
/// `i`'s conservation row, so the reduced cost of arc `k` is
/// `d[k] = cost[k] − π[tail[k]] + π[head[k]]` (returned in ``Result/reducedCosts``). At an
/// optimum: `d > 0 ⇒ x = lower`, `d < 0 ⇒ x = upper`, `lower < x < upper ⇒ d = 0`.
/// Potentials are unique only up to a constant per connected component.
///
/// **Methods**
/// * ``Method/outOfKilter`` — graph API + `glp_mincost_okalg`. GLPK requires integer data
///   (|value| ≤ 2³¹−1), non-negative lower bounds, finite capacities and no self-loops; this
///   wrapper lifts those limits: lower bounds are shifted to zero, self-loops are solved
///   directly (flow at upper if cost < 0, else at lower), and infinite capacities are replaced
///   by `B = Σ positive supplies + Σ finite capacities + 1` (after the shift), which does not
///   change the optimum when no negative-cost cycle of uncapacitated arcs exists. Such a cycle
///   (found by Bellman–Ford on the uncapacitated arcs) makes a feasible instance **unbounded** —
///   okalg itself has no "unbounded" outcome. If `B` exceeds 2³¹−1, ``GLPKError/overflow(_:)``
///   is thrown (use ``Method/simplex``).
/// * ``Method/simplex`` — `glp_mincost_lp` builds the LP, `glp_simplex` (primal) solves it;
///   works with any real data.
///
/// Both run in one synchronous call (create → solve → delete) and are safe to call from many
/// threads at once.
public enum GLPKMinCostFlow {
    public enum Method: Sendable, Equatable {
        /// `glp_mincost_okalg` (integer data only).
        case outOfKilter
        /// `glp_mincost_lp` + `glp_simplex`.
        case simplex
    }

    public enum Status: Sendable, Equatable {
        case optimal
        /// No flow satisfies supplies, demands and bounds.
        case infeasible
        /// A negative-cost cycle of uncapacitated arcs exists in a feasible instance.
        case unbounded
    }

    /// Outcome of a min-cost flow solve.
    public struct Result: Sendable, Equatable {
        public var status: Status
        public var method: Method
        /// Total cost `Σ cost·x` (NaN unless optimal).
        public var objective: Double
        /// Flow per arc (empty unless optimal).
        public var flows: [Double]
        /// Node potentials, LP-dual convention (empty unless optimal).
        public var potentials: [Double]
        /// `cost[k] − π[tail[k]] + π[head[k]]` (empty unless optimal).
        public var reducedCosts: [Double]

        static func noSolution(_ s: Status, _ m: Method) -> Result {
            Result(status: s, method: m, objective: .nan, flows: [], potentials: [], reducedCosts: [])
        }
    }

    /// Capacity value meaning "uncapacitated" in the `Int64` overload.
    public static let unlimited = Int64.max

    /// Solves a min-cost flow problem given as plain arrays (0-based node ids).
    ///
    /// - Parameters:
    ///   - lower: lower flow bounds (finite); `nil` means all zero.
    ///   - upper: capacities; `.infinity` means uncapacitated.
    /// - Throws: ``GLPKError/invalidArgument(_:)`` for inconsistent input (before any C call),
    ///   ``GLPKError/invalidData(_:)`` for non-integer data with ``Method/outOfKilter``,
    ///   ``GLPKError/overflow(_:)`` when okalg's integer range is exceeded.
    /// - Complexity: building is O(nodes + arcs); the uncapacitated-cycle check is O(nodes·arcs)
    ///   in the worst case and only runs when some arc is uncapacitated.
    public static func solve(nodeCount: Int, supply: [Double], tails: [Int], heads: [Int],
                             lower: [Double]? = nil, upper: [Double], cost: [Double],
                             method: Method = .outOfKilter) throws -> Result {
        let arcCount = tails.count
        let lower = lower ?? [Double](repeating: 0, count: arcCount)
        try validate(nodeCount: nodeCount, supply: supply, tails: tails, heads: heads, lower: lower,
                     upper: upper, cost: cost)
        switch method {
        case .simplex:
            return try solveBySimplex(nodeCount: nodeCount, supply: supply, tails: tails, heads: heads,
                                      lower: lower, upper: upper, cost: cost)
        case .outOfKilter:
            return try solveByOutOfKilter(nodeCount: nodeCount, supply: supply, tails: tails, heads: heads,
                                          lower: lower, upper: upper, cost: cost)
        }
    }

    /// Integer convenience overload; `upper[k] == GLPKMinCostFlow.unlimited` means uncapacitated.
    /// Values must be exactly representable as `Double` (|v| ≤ 2⁵³). (Array literals pick the
    /// `Double` overload; pass typed `[Int64]` arrays to use this one.)
    @_disfavoredOverload
    public static func solve(nodeCount: Int, supply: [Int64], tails: [Int], heads: [Int],
                             lower: [Int64]? = nil, upper: [Int64], cost: [Int64],
                             method: Method = .outOfKilter) throws -> Result {
        try solve(nodeCount: nodeCount, supply: supply.map(Double.init), tails: tails, heads: heads,
                  lower: lower?.map(Double.init),
                  upper: upper.map { $0 == unlimited ? .infinity : Double($0) },
                  cost: cost.map(Double.init), method: method)
    }

    // MARK: - Validation

    static func validate(nodeCount n: Int, supply: [Double], tails: [Int], heads: [Int], lower: [Double],
                         upper: [Double], cost: [Double]) throws {
        guard n >= 0, n <= 100_000_000 else { throw GLPKError.invalidArgument("node count \(n) out of range") }
        guard supply.count == n else {
            throw GLPKError.invalidArgument("supply has \(supply.count) entries for \(n) nodes")
        }
        let m = tails.count
        guard heads.count == m, lower.count == m, upper.count == m, cost.count == m else {
            throw GLPKError.invalidArgument("arc arrays differ in length (tails \(m), heads \(heads.count), lower \(lower.count), upper \(upper.count), cost \(cost.count))")
        }
        guard m <= 100_000_000 else { throw GLPKError.invalidArgument("too many arcs (\(m))") }
        for (i, b) in supply.enumerated() where !b.isFinite {
            throw GLPKError.invalidArgument("node \(i) has supply \(b)")
        }
        for k in 0 ..< m {
            guard tails[k] >= 0, tails[k] < n else {
                throw GLPKError.invalidArgument("arc \(k): tail \(tails[k]) out of range 0..<\(n)")
            }
            guard heads[k] >= 0, heads[k] < n else {
                throw GLPKError.invalidArgument("arc \(k): head \(heads[k]) out of range 0..<\(n)")
            }
            guard lower[k].isFinite else { throw GLPKError.invalidArgument("arc \(k) has lower bound \(lower[k])") }
            guard !upper[k].isNaN, upper[k] != -.infinity else {
                throw GLPKError.invalidArgument("arc \(k) has upper bound \(upper[k])")
            }
            guard lower[k] <= upper[k] else {
                throw GLPKError.invalidArgument("arc \(k) has lower bound \(GLPKError.format(lower[k])) > upper bound \(GLPKError.format(upper[k]))")
            }
            guard cost[k].isFinite else { throw GLPKError.invalidArgument("arc \(k) has cost \(cost[k])") }
        }
    }

    // MARK: - Graph construction (vertex data: rhs @0, pi @8; arc data: low @0, cap @8, cost @16, x @24, index @32)

    static let vRHS: Int32 = 0, vPI: Int32 = 8, vSize: Int32 = 16
    static let aLow: Int32 = 0, aCap: Int32 = 8, aCost: Int32 = 16, aX: Int32 = 24, aIndex: Int32 = 32, aSize: Int32 = 40

    /// Builds a graph; `arcs[k]` is `nil` for skipped arcs. The caller deletes the graph.
    static func buildGraph(nodeCount n: Int, supply: [Double], arcs: [(tail: Int, head: Int, low: Double, cap: Double, cost: Double)?])
        -> (UnsafeMutablePointer<glp_graph>, [UnsafeMutablePointer<glp_arc>?]) {
        let g = glp_create_graph(vSize, aSize)!
        if n > 0 { glp_add_vertices(g, Int32(n)) }
        for i in 0 ..< n {
            g.pointee.v[i + 1]!.pointee.data.storeBytes(of: supply[i], toByteOffset: Int(vRHS), as: Double.self)
        }
        var handles = [UnsafeMutablePointer<glp_arc>?](repeating: nil, count: arcs.count)
        for (k, arc) in arcs.enumerated() {
            guard let arc else { continue }
            let a = glp_add_arc(g, Int32(arc.tail + 1), Int32(arc.head + 1))!
            let d = a.pointee.data!
            d.storeBytes(of: arc.low, toByteOffset: Int(aLow), as: Double.self)
            d.storeBytes(of: arc.cap, toByteOffset: Int(aCap), as: Double.self)
            d.storeBytes(of: arc.cost, toByteOffset: Int(aCost), as: Double.self)
            d.storeBytes(of: 0, toByteOffset: Int(aX), as: Double.self)
            d.storeBytes(of: Double(k), toByteOffset: Int(aIndex), as: Double.self)
            handles[k] = a
        }
        return (g, handles)
    }

    static func finish(_ method: Method, tails: [Int], heads: [Int], cost: [Double], flows: [Double],
                       potentials: [Double]) -> Result {
        var objective = 0.0
        var reduced = [Double](repeating: 0, count: flows.count)
        for k in 0 ..< flows.count {
            objective += cost[k] * flows[k]
            reduced[k] = cost[k] - potentials[tails[k]] + potentials[heads[k]]
        }
        return Result(status: .optimal, method: method, objective: objective, flows: flows,
                      potentials: potentials, reducedCosts: reduced)
    }

    // MARK: - Simplex

    static func solveBySimplex(nodeCount n: Int, supply: [Double], tails: [Int], heads: [Int], lower: [Double],
                               upper: [Double], cost: [Double]) throws -> Result {
        let m = tails.count
        let arcs = (0 ..< m).map { k in
            (tail: tails[k], head: heads[k], low: lower[k],
             cap: upper[k].isFinite ? upper[k] : Double.greatestFiniteMagnitude, cost: cost[k])
        }
        return try GLPKEnvironment.withTemporaryProblem { p -> Result in
            let (g, _) = buildGraph(nodeCount: n, supply: supply, arcs: arcs)
            defer { glp_delete_graph(g) }
            glp_mincost_lp(p, g, GLP_OFF, vRHS, aLow, aCap, aCost)
            // glp_mincost_lp numbers columns by walking each vertex's out-list.
            var arcOfColumn = [Int](repeating: 0, count: m)
            var j = 0
            for i in stride(from: 1, through: n, by: 1) {
                var a = g.pointee.v[i]!.pointee.out
                while let arc = a {
                    arcOfColumn[j] = Int(arc.pointee.data.load(fromByteOffset: Int(aIndex), as: Double.self))
                    j += 1
                    a = arc.pointee.t_next
                }
            }
            var parm = glp_smcp()
            glp_init_smcp(&parm)
            parm.msg_lev = GLP_MSG_OFF
            parm.meth = GLP_PRIMAL
            let rc = glp_simplex(p, &parm)
            if let e = GLPKError.from(returnCode: rc, routine: "glp_simplex") { throw e }
            switch glp_get_status(p) {
            case GLP_OPT: break
            case GLP_NOFEAS: return .noSolution(.infeasible, .simplex)
            case GLP_UNBND: return .noSolution(.unbounded, .simplex)
            default: throw GLPKError.notOptimal("glp_simplex ended with status \(glp_get_status(p))")
            }
            var flows = [Double](repeating: 0, count: m)
            for c in 0 ..< m { flows[arcOfColumn[c]] = glp_get_col_prim(p, Int32(c + 1)) }
            let potentials = (0 ..< n).map { glp_get_row_dual(p, Int32($0 + 1)) }
            return finish(.simplex, tails: tails, heads: heads, cost: cost, flows: flows, potentials: potentials)
        }
    }

    // MARK: - Out-of-kilter

    static let intMax = Double(Int32.max)

    static func requireInteger(_ x: Double, _ what: @autoclosure () -> String) throws {
        guard x == x.rounded(), abs(x) <= intMax else {
            throw GLPKError.invalidData("out-of-kilter needs integers within ±\(Int32.max): \(what()) is \(x)")
        }
    }

    static func solveByOutOfKilter(nodeCount n: Int, supply: [Double], tails: [Int], heads: [Int],
                                   lower: [Double], upper: [Double], cost: [Double]) throws -> Result {
        let m = tails.count
        for i in 0 ..< n { try requireInteger(supply[i], "supply of node \(i)") }
        for k in 0 ..< m {
            try requireInteger(lower[k], "lower bound of arc \(k)")
            if upper[k].isFinite { try requireInteger(upper[k], "capacity of arc \(k)") }
            try requireInteger(cost[k], "cost of arc \(k)")
        }
        // Shift lower bounds to zero; solve self-loops directly.
        var rhs = supply
        var flows = [Double](repeating: 0, count: m)
        var loopUnbounded = false
        var sumFiniteCap = 0.0
        var anyUncapacitated = false
        for k in 0 ..< m {
            if tails[k] == heads[k] {
                if cost[k] < 0 {
                    if upper[k].isFinite { flows[k] = upper[k] } else { loopUnbounded = true }
                } else {
                    flows[k] = lower[k]
                }
                continue
            }
            rhs[tails[k]] -= lower[k]
            rhs[heads[k]] += lower[k]
            if upper[k].isFinite { sumFiniteCap += upper[k] - lower[k] } else { anyUncapacitated = true }
        }
        var positive = 0.0, total = 0.0
        for i in 0 ..< n {
            try requireInteger(rhs[i], "supply of node \(i) after shifting lower bounds")
            if rhs[i] > 0 { positive += rhs[i] }
            total += rhs[i]
        }
        if total != 0 { return .noSolution(.infeasible, .outOfKilter) }
        if positive > intMax {
            throw GLPKError.overflow("total supply \(GLPKError.format(positive)) exceeds out-of-kilter's range; use .simplex")
        }
        for k in 0 ..< m where upper[k].isFinite && tails[k] != heads[k] && upper[k] - lower[k] > intMax {
            throw GLPKError.overflow("capacity range of arc \(k) exceeds out-of-kilter's range; use .simplex")
        }
        let big = positive + sumFiniteCap + 1
        if anyUncapacitated && big > intMax {
            throw GLPKError.overflow("capacity \(GLPKError.format(big)) standing in for uncapacitated arcs exceeds out-of-kilter's range; use .simplex")
        }
        let negativeCycle = anyUncapacitated && hasNegativeUncapacitatedCycle(nodeCount: n, tails: tails, heads: heads,
                                                                             upper: upper, cost: cost)
        var arcs: [(tail: Int, head: Int, low: Double, cap: Double, cost: Double)?] = []
        arcs.reserveCapacity(m)
        for k in 0 ..< m {
            if tails[k] == heads[k] { arcs.append(nil); continue }
            arcs.append((tail: tails[k], head: heads[k], low: 0,
                         cap: upper[k].isFinite ? upper[k] - lower[k] : big, cost: cost[k]))
        }
        let outcome = try GLPKEnvironment.withTemporaryProblem { _ -> (Status, [Double])? in
            let (g, handles) = buildGraph(nodeCount: n, supply: rhs, arcs: arcs)
            defer { glp_delete_graph(g) }
            var sol = 0.0
            let rc = glp_mincost_okalg(g, vRHS, aLow, aCap, aCost, &sol, aX, vPI)
            switch rc {
            case 0: break
            case GLP_ENOPFS: return (.infeasible, [])
            case GLP_EDATA: throw GLPKError.invalidData("glp_mincost_okalg rejected the data")
            case GLP_ERANGE: throw GLPKError.overflow("integer overflow in glp_mincost_okalg; use .simplex")
            default: throw GLPKError.from(returnCode: rc, routine: "glp_mincost_okalg")!
            }
            if negativeCycle || loopUnbounded { return (.unbounded, []) }
            for k in 0 ..< m {
                if let a = handles[k] {
                    flows[k] = lower[k] + a.pointee.data.load(fromByteOffset: Int(aX), as: Double.self)
                }
            }
            let pi = (0 ..< n).map { g.pointee.v[$0 + 1]!.pointee.data.load(fromByteOffset: Int(vPI), as: Double.self) }
            return (.optimal, pi)
        }
        guard let outcome else { return .noSolution(.infeasible, .outOfKilter) }
        if outcome.0 != .optimal { return .noSolution(outcome.0, .outOfKilter) }
        let result = finish(.outOfKilter, tails: tails, heads: heads, cost: cost, flows: flows, potentials: outcome.1)
        // okalg's potentials certify the capped problem; if an uncapacitated arc ended at the
        // artificial cap with a negative reduced cost, they do not certify the original one.
        if anyUncapacitated {
            for k in 0 ..< m where !upper[k].isFinite && tails[k] != heads[k] && result.reducedCosts[k] < 0 {
                glpkLogger.debug("okalg potentials do not certify arc \(k); re-solving with simplex")
                var r = try solveBySimplex(nodeCount: n, supply: supply, tails: tails, heads: heads,
                                           lower: lower, upper: upper, cost: cost)
                r.method = .outOfKilter
                return r
            }
        }
        return result
    }

    /// Bellman–Ford from a virtual source over arcs with infinite capacity.
    static func hasNegativeUncapacitatedCycle(nodeCount n: Int, tails: [Int], heads: [Int], upper: [Double],
                                              cost: [Double]) -> Bool {
        let arcs = (0 ..< tails.count).filter { !upper[$0].isFinite && tails[$0] != heads[$0] }
        if arcs.isEmpty { return false }
        var dist = [Double](repeating: 0, count: n)
        for _ in 0 ... n {
            var changed = false
            for k in arcs where dist[tails[k]] + cost[k] < dist[heads[k]] {
                dist[heads[k]] = dist[tails[k]] + cost[k]
                changed = true
            }
            if !changed { return false }
        }
        return true
    }
}
