// MinCostFlowProblem.swift — the min-cost-flow problem as struct-of-arrays over dense ids.

/// Dense 0-based node identifier.
public typealias NodeID = Int32

/// Dense 0-based arc identifier (the order in which arcs were added).
public typealias ArcID = Int32

/// A minimum-cost flow problem on a directed graph, stored as struct-of-arrays.
///
/// The problem is
///
///     minimize   Σ cost[a] · flow[a]
///     subject to Σ_{a out of v} flow[a] − Σ_{a into v} flow[a] = supply[v]   for every node v
///                lower[a] ≤ flow[a] ≤ capacity[a]                            for every arc a
///
/// A positive `supply` is a source (volume that must leave the node), a negative one a demand.
/// Supply constraints are *equalities*: if the supplies do not sum to zero, the problem is
/// infeasible. Model shortage or surplus on purpose with explicit slack arcs (for example an arc
/// from every source to a dummy sink with a penalty cost).
///
/// Units are the caller's: typically volumes in m³ (scaled to integers) and costs in currency per
/// m³ (scaled to integers). Everything is `Int64` and exact.
///
/// A capacity equal to ``unbounded`` (`Int64.max`) means "no upper bound".
///
/// ```swift
/// var p = MinCostFlowProblem()
/// let s = p.addNode(supply: 10), t = p.addNode(supply: -10)
/// p.addArc(from: s, to: t, capacity: 15, cost: 3)
/// let r = NetworkSimplex().solve(p)   // r.status == .optimal, r.objective == 30
/// ```
///
/// The builder methods never trap: bad ids or bounds are reported by ``validate()`` (and by the
/// solver, which validates first).
public struct MinCostFlowProblem: Sendable, Equatable {
    /// Capacity sentinel meaning "no upper bound".
    public static let unbounded: Int64 = .max

    /// Largest allowed `(max |cost| + 1) · (nodeCount + 1)`; keeps potentials and reduced costs
    /// well inside `Int64` (see ``MinCostFlowStatus/badCostRange``).
    public static let costRangeLimit: Int64 = 1 << 60

    /// Largest allowed sum of `|supply|` plus `|lower|` and finite `|capacity|` over all arcs;
    /// bounds every flow value the solver can produce (see ``MinCostFlowStatus/badCapacityRange``).
    public static let capacityRangeLimit: Int64 = 1 << 62

    /// Supply per node (positive: supply; negative: demand), indexed by ``NodeID``.
    public private(set) var supply: [Int64]
    /// Tail (origin) node of each arc.
    public private(set) var tail: [NodeID]
    /// Head (destination) node of each arc.
    public private(set) var head: [NodeID]
    /// Lower bound on the flow of each arc.
    public private(set) var lower: [Int64]
    /// Upper bound on the flow of each arc, or ``unbounded``.
    public private(set) var capacity: [Int64]
    /// Cost per unit of flow of each arc.
    public private(set) var cost: [Int64]

    /// Number of nodes.
    @inlinable public var nodeCount: Int { supply.count }
    /// Number of arcs.
    @inlinable public var arcCount: Int { tail.count }

    /// Creates an empty problem.
    public init() {
        supply = []; tail = []; head = []; lower = []; capacity = []; cost = []
    }

    /// Creates a problem with `nodeCount` nodes of zero supply and no arcs.
    public init(nodeCount: Int) {
        self.init()
        supply = Array(repeating: 0, count: max(0, nodeCount))
    }

    /// Creates a problem from whole arrays (not checked here; call ``validate()``).
    ///
    /// `lower` may be empty, meaning all lower bounds are zero.
    public init(supply: [Int64], tail: [NodeID], head: [NodeID], lower: [Int64] = [],
                capacity: [Int64], cost: [Int64]) {
        self.supply = supply
        self.tail = tail
        self.head = head
        self.lower = lower.isEmpty ? Array(repeating: 0, count: tail.count) : lower
        self.capacity = capacity
        self.cost = cost
    }

    /// Reserves storage for `nodes` nodes and `arcs` arcs in total.
    public mutating func reserveCapacity(nodes: Int, arcs: Int) {
        supply.reserveCapacity(nodes)
        tail.reserveCapacity(arcs); head.reserveCapacity(arcs)
        lower.reserveCapacity(arcs); capacity.reserveCapacity(arcs); cost.reserveCapacity(arcs)
    }

    /// Adds a node with the given supply (negative for a demand) and returns its id.
    /// - Complexity: Amortized O(1).
    @discardableResult
    public mutating func addNode(supply: Int64 = 0) -> NodeID {
        self.supply.append(supply)
        return NodeID(truncatingIfNeeded: self.supply.count - 1)
    }

    /// Sets the supply of an existing node; ignored when `node` is out of range.
    public mutating func setSupply(_ node: NodeID, _ value: Int64) {
        if node >= 0 && Int(node) < supply.count { supply[Int(node)] = value }
    }

    /// Adds an arc and returns its id.
    ///
    /// Ids are not checked here; ``validate()`` reports bad ids as ``MinCostFlowStatus/badNodeID``.
    /// - Complexity: Amortized O(1).
    @discardableResult
    public mutating func addArc(from: NodeID, to: NodeID, lower: Int64 = 0,
                                capacity: Int64 = MinCostFlowProblem.unbounded,
                                cost: Int64) -> ArcID {
        tail.append(from); head.append(to)
        self.lower.append(lower); self.capacity.append(capacity); self.cost.append(cost)
        return ArcID(truncatingIfNeeded: tail.count - 1)
    }

    /// Changes the cost of an existing arc (e.g. before re-solving); ignored when out of range.
    /// - Complexity: O(1).
    public mutating func setCost(_ arc: ArcID, _ value: Int64) {
        if arc >= 0 && Int(arc) < cost.count { cost[Int(arc)] = value }
    }

    /// Changes the bounds of an existing arc; ignored when out of range. Checked by ``validate()``.
    /// - Complexity: O(1).
    public mutating func setBounds(_ arc: ArcID, lower: Int64 = 0, capacity: Int64) {
        if arc >= 0 && Int(arc) < self.capacity.count {
            self.lower[Int(arc)] = lower
            self.capacity[Int(arc)] = capacity
        }
    }

    /// Checks that the problem is well formed and that the solver's integer arithmetic cannot
    /// overflow on it.
    ///
    /// Returns `nil` when the problem is fine, otherwise one of ``MinCostFlowStatus/badNodeID``,
    /// ``MinCostFlowStatus/badBounds``, ``MinCostFlowStatus/badCostRange``,
    /// ``MinCostFlowStatus/badCapacityRange``. Never traps.
    ///
    /// - Complexity: O(n + m).
    public func validate() -> MinCostFlowStatus? {
        let n = supply.count, m = tail.count
        if head.count != m || lower.count != m || capacity.count != m || cost.count != m
            || n >= Int(Int32.max) || m >= Int(Int32.max) - n - 1 {
            return .badNodeID
        }
        var maxCost: Int64 = 0
        var total: Int64 = 0
        var overflow = false
        for s in supply {
            if s == .min { return .badCapacityRange }
            let r = total.addingReportingOverflow(abs(s))
            total = r.partialValue; overflow = overflow || r.overflow
        }
        for a in 0..<m {
            let t = tail[a], h = head[a]
            if t < 0 || Int(t) >= n || h < 0 || Int(h) >= n { return .badNodeID }
            let lo = lower[a], up = capacity[a]
            if lo > up || lo == .min || lo == .max { return .badBounds }
            let c = cost[a]
            if c == .min { return .badCostRange }
            if abs(c) > maxCost { maxCost = abs(c) }
            var r = total.addingReportingOverflow(abs(lo))
            total = r.partialValue; overflow = overflow || r.overflow
            if up != MinCostFlowProblem.unbounded {
                if up == .min { return .badBounds }
                r = total.addingReportingOverflow(abs(up))
                total = r.partialValue; overflow = overflow || r.overflow
            }
        }
        if maxCost >= MinCostFlowProblem.costRangeLimit { return .badCostRange }
        let art = (maxCost + 1).multipliedReportingOverflow(by: Int64(n + 1))
        if art.overflow || art.partialValue > MinCostFlowProblem.costRangeLimit { return .badCostRange }
        if overflow || total > MinCostFlowProblem.capacityRangeLimit { return .badCapacityRange }
        return nil
    }
}

/// Outcome of a min-cost-flow solve or validation.
public enum MinCostFlowStatus: Sendable, Equatable, CustomStringConvertible {
    /// An optimal flow was found; `flow`, `potential` and `objective` are valid.
    case optimal
    /// No flow satisfies the supplies and bounds (this includes supplies that do not sum to 0).
    case infeasible
    /// There is a cycle of negative cost made only of arcs with ``MinCostFlowProblem/unbounded``
    /// capacity, so the cost can decrease without limit. Reported whenever such a cycle exists,
    /// even if the supplies could not be met.
    case unbounded
    /// An arc refers to a node outside `0..<nodeCount`, or the arc arrays differ in length.
    case badNodeID
    /// Some arc has `lower > capacity` (or a lower bound of `Int64.min`/`Int64.max`).
    case badBounds
    /// Costs too large: `(max |cost| + 1) · (nodeCount + 1)` exceeds
    /// ``MinCostFlowProblem/costRangeLimit``, so potentials might overflow `Int64`.
    case badCostRange
    /// Supplies and finite bounds too large: their absolute sum exceeds
    /// ``MinCostFlowProblem/capacityRangeLimit``, so flows might overflow `Int64`.
    case badCapacityRange
    /// The flow is optimal (flows and potentials are valid) but the objective does not fit in
    /// `Int64`; `objective` is then 0.
    case objectiveOverflow
    /// Stopped at the deadline before optimality (see ``NetworkSimplex/solve(_:deadline:)``);
    /// `flow`/`potential` are empty, `iterations` tells how far it got. A
    /// ``NetworkSimplexSession`` can continue from where it stopped.
    case timeLimit

    public var description: String {
        switch self {
        case .optimal: "optimal"
        case .infeasible: "infeasible"
        case .unbounded: "unbounded"
        case .badNodeID: "bad node id"
        case .badBounds: "bad bounds"
        case .badCostRange: "bad cost range"
        case .badCapacityRange: "bad capacity range"
        case .objectiveOverflow: "objective overflow"
        case .timeLimit: "time limit"
        }
    }
}

/// The result of a min-cost-flow solve.
///
/// Sign convention for potentials (duals) π: the *reduced cost* of arc (i, j) is
/// `c_ij + π_i − π_j`. At optimality it is ≥ 0 for arcs at their lower bound, ≤ 0 for arcs at
/// their upper bound and = 0 for arcs strictly between. Potentials are shifted so that the
/// smallest is 0. With this convention `−π_v` is the marginal cost of one more unit of supply
/// at v (`π_v` grows along cheap paths: π_j = π_i + c_ij on basic arcs).
public struct MinCostFlowResult: Sendable, Equatable {
    /// Outcome; `flow`, `potential`, `objective` are meaningful for `.optimal` (and, except the
    /// objective, for `.objectiveOverflow`); otherwise they are empty / 0.
    public var status: MinCostFlowStatus
    /// Total cost Σ cost·flow, exact.
    public var objective: Int64
    /// Flow per arc, indexed by ``ArcID``.
    public var flow: [Int64]
    /// Potential per node, indexed by ``NodeID`` (see the type's discussion for the sign).
    public var potential: [Int64]
    /// Number of simplex pivots (including degenerate ones).
    public var iterations: Int

    public init(status: MinCostFlowStatus, objective: Int64 = 0, flow: [Int64] = [],
                potential: [Int64] = [], iterations: Int = 0) {
        self.status = status; self.objective = objective; self.flow = flow
        self.potential = potential; self.iterations = iterations
    }
}

/// The findings of ``MinCostFlowProblem/check(_:)``.
public struct SolutionCheck: Sendable, Equatable, CustomStringConvertible {
    /// Human-readable violations (at most 20 are kept), empty when the solution is optimal.
    public var violations: [String] = []
    /// Total number of violations found.
    public var violationCount = 0
    /// `true` when no violation was found.
    public var isValid: Bool { violationCount == 0 }

    mutating func add(_ message: @autoclosure () -> String) {
        violationCount += 1
        if violations.count < 20 { violations.append(message()) }
    }

    public var description: String {
        isValid ? "valid" : "\(violationCount) violation(s): " + violations.joined(separator: "; ")
    }
}

extension MinCostFlowProblem {
    /// Exact Σ cost·flow, or `nil` if it does not fit in `Int64`.
    ///
    /// Accumulates in 128 bits (two words), so intermediate sums may exceed `Int64`.
    /// - Complexity: O(m).
    public func objective(of flow: [Int64]) -> Int64? {
        guard flow.count == arcCount else { return nil }
        var acc = WideAccumulator()
        for a in 0..<arcCount { if !acc.add(flow[a], times: cost[a]) { return nil } }
        return acc.value
    }

    /// Verifies an optimal result: array sizes, bounds, flow conservation, complementary
    /// slackness of the potentials, and the reported objective.
    ///
    /// Use it in tests and debug builds; it does not re-solve anything.
    /// - Complexity: O(n + m).
    public func check(_ result: MinCostFlowResult) -> SolutionCheck {
        var report = SolutionCheck()
        let n = nodeCount, m = arcCount
        guard result.flow.count == m, result.potential.count == n else {
            report.add("result has \(result.flow.count) flows / \(result.potential.count) potentials, expected \(m) / \(n)")
            return report
        }
        var excess = supply
        for a in 0..<m {
            let f = result.flow[a], lo = lower[a], up = capacity[a]
            let t = Int(tail[a]), h = Int(head[a])
            if f < lo || f > up { report.add("arc \(a): flow \(f) outside [\(lo), \(up)]") }
            let e1 = excess[t].subtractingReportingOverflow(f)
            excess[t] = e1.partialValue
            let e2 = excess[h].addingReportingOverflow(f)
            excess[h] = e2.partialValue
            if e1.overflow || e2.overflow { report.add("arc \(a): conservation overflows"); continue }
            let rc = cost[a] &+ result.potential[t] &- result.potential[h]
            if lo == up { continue }
            if f == lo && rc < 0 { report.add("arc \(a): at lower bound with reduced cost \(rc) < 0") }
            if f == up && rc > 0 { report.add("arc \(a): at upper bound with reduced cost \(rc) > 0") }
            if f > lo && f < up && rc != 0 { report.add("arc \(a): between bounds with reduced cost \(rc) ≠ 0") }
        }
        for v in 0..<n where excess[v] != 0 {
            report.add("node \(v): supply not balanced (excess \(excess[v]))")
        }
        if result.status == .optimal {
            if let obj = objective(of: result.flow) {
                if obj != result.objective { report.add("objective \(result.objective) ≠ Σ cost·flow = \(obj)") }
            } else {
                report.add("objective overflows Int64 but status is .optimal")
            }
        }
        return report
    }
}

/// Exact signed 128-bit accumulator of Int64 products (no Int128 needed).
struct WideAccumulator {
    var high: Int64 = 0
    var low: UInt64 = 0

    /// Adds `a · b`; returns `false` if the 128-bit sum overflowed.
    @inline(__always)
    mutating func add(_ a: Int64, times b: Int64) -> Bool {
        let p = a.multipliedFullWidth(by: b)
        let (l, carry) = low.addingReportingOverflow(p.low)
        low = l
        let h1 = high.addingReportingOverflow(p.high)
        let h2 = h1.partialValue.addingReportingOverflow(carry ? 1 : 0)
        high = h2.partialValue
        return !(h1.overflow || h2.overflow)
    }

    /// The sum if it fits in Int64.
    var value: Int64? {
        let asInt = Int64(bitPattern: low)
        if (high == 0 && asInt >= 0) || (high == -1 && asInt < 0) { return asInt }
        return nil
    }
}
