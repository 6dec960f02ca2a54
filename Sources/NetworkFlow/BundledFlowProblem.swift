// BundledFlowProblem.swift — several commodities' min-cost flows coupled by bundle capacities.

/// Several commodities, each with its own min-cost-flow problem, coupled by *bundle* rows: a
/// bundle caps the sum of the flows on a set of arcs that may belong to different commodities.
///
///     minimize   Σ_k Σ_a cost_k[a] · x_k[a]
///     subject to each commodity's conservation and bounds (``MinCostFlowProblem``)
///                Σ_{(k,a) ∈ bundle r} x_k[a] ≤ capacity[r]          for every bundle r
///
/// Every arc belongs to at most one bundle (a lane-day's capacity shared by the products on it,
/// a depot's loading rack split per product); a bundle may hold several arcs of one commodity.
/// Data are `Int64` like ``MinCostFlowProblem`` (callers scale decimals to integers); the solver
/// (``PrimalPartitioningSimplex``) works in `Double`, because a vertex of the coupled problem is
/// not integral in general.
///
/// ```swift
/// var g = MinCostFlowProblem(nodeCount: 2)
/// g.setSupply(0, 10); g.setSupply(1, -10)
/// let cheap = g.addArc(from: 0, to: 1, cost: 1)
/// g.addArc(from: 0, to: 1, cost: 5)
/// var p = BundledFlowProblem(commodities: [g, g])
/// p.addBundle(capacity: 12, members: [(0, cheap), (1, cheap)])
/// let r = PrimalPartitioningSimplex().solve(p)   // 12 m³ at 1, 8 m³ at 5: objective 52
/// ```
public struct BundledFlowProblem: Sendable, Equatable {
    /// The commodities' own problems (supplies, arcs, bounds, costs).
    public var commodities: [MinCostFlowProblem]
    /// Capacity of each bundle.
    public private(set) var bundleCapacity: [Int64] = []
    /// Members of bundle r are `memberStart[r] ..< memberStart[r + 1]` of the member arrays.
    public private(set) var memberStart: [Int32] = [0]
    /// Commodity of each member.
    public private(set) var memberCommodity: [Int32] = []
    /// Arc (in its commodity's problem) of each member.
    public private(set) var memberArc: [ArcID] = []

    /// Creates a problem with the given commodities and no bundles.
    public init(commodities: [MinCostFlowProblem]) {
        self.commodities = commodities
    }

    /// Number of bundles.
    public var bundleCount: Int { bundleCapacity.count }

    /// Adds a bundle over `members` (commodity index, arc id) and returns its index. Not checked
    /// here; ``validate()`` reports bad members.
    @discardableResult
    public mutating func addBundle(capacity: Int64, members: [(commodity: Int, arc: ArcID)]) -> Int {
        bundleCapacity.append(capacity)
        for m in members {
            memberCommodity.append(Int32(truncatingIfNeeded: m.commodity))
            memberArc.append(m.arc)
        }
        memberStart.append(Int32(truncatingIfNeeded: memberArc.count))
        return bundleCapacity.count - 1
    }

    /// Changes the capacity of bundle `r`; ignored when out of range.
    public mutating func setBundleCapacity(_ r: Int, _ value: Int64) {
        if r >= 0 && r < bundleCapacity.count { bundleCapacity[r] = value }
    }

    /// The members of bundle `r`.
    public func members(of r: Int) -> [(commodity: Int, arc: ArcID)] {
        (Int(memberStart[r]) ..< Int(memberStart[r + 1])).map { (Int(memberCommodity[$0]), memberArc[$0]) }
    }

    /// Checks every commodity (``MinCostFlowProblem/validate()``) and every bundle: members must
    /// exist, no arc may be in two bundles, capacities must be ≥ 0. Returns `nil` when fine.
    public func validate() -> BundledFlowError? {
        for (k, c) in commodities.enumerated() {
            if let s = c.validate() { return .commodity(k, s) }
        }
        var seen = commodities.map { [Bool](repeating: false, count: $0.arcCount) }
        for r in 0 ..< bundleCount {
            if bundleCapacity[r] < 0 || bundleCapacity[r] >= MinCostFlowProblem.capacityRangeLimit {
                return .badBundleCapacity(bundle: r)
            }
            for i in Int(memberStart[r]) ..< Int(memberStart[r + 1]) {
                let k = Int(memberCommodity[i]), a = Int(memberArc[i])
                guard k >= 0, k < commodities.count, a >= 0, a < commodities[k].arcCount else {
                    return .badMember(bundle: r, commodity: k, arc: a)
                }
                if seen[k][a] { return .arcInTwoBundles(commodity: k, arc: a) }
                seen[k][a] = true
            }
        }
        return nil
    }
}

/// Why a ``BundledFlowProblem`` is malformed.
public enum BundledFlowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Commodity `k`'s own problem is malformed.
    case commodity(Int, MinCostFlowStatus)
    /// A bundle member names a commodity or arc that does not exist.
    case badMember(bundle: Int, commodity: Int, arc: Int)
    /// An arc appears in more than one bundle (or twice in one).
    case arcInTwoBundles(commodity: Int, arc: Int)
    /// A bundle capacity is negative or beyond ``MinCostFlowProblem/capacityRangeLimit``.
    case badBundleCapacity(bundle: Int)

    public var description: String {
        switch self {
        case let .commodity(k, s): "commodity \(k): \(s)"
        case let .badMember(r, k, a): "bundle \(r): no arc \(a) in commodity \(k)"
        case let .arcInTwoBundles(k, a): "commodity \(k), arc \(a): in more than one bundle"
        case let .badBundleCapacity(r): "bundle \(r): capacity out of range"
        }
    }
}

/// Outcome of ``PrimalPartitioningSimplex/solve(_:)``.
public enum BundledFlowStatus: Sendable, Equatable, CustomStringConvertible {
    /// Optimal: flows, potentials and bundle prices are valid.
    case optimal
    /// No flow meets the supplies, bounds and bundles.
    case infeasible
    /// The cost decreases without limit (a negative cycle of uncapacitated arcs outside bundles).
    case unbounded
    /// Stopped at the deadline or the pivot limit; the flows are feasible when `feasible` is set.
    case limitReached
    /// The working basis became numerically singular (should not happen; reported, not trapped).
    case numericalTrouble
    /// The problem is malformed.
    case invalid(BundledFlowError)

    public var description: String {
        switch self {
        case .optimal: "optimal"
        case .infeasible: "infeasible"
        case .unbounded: "unbounded"
        case .limitReached: "limit reached"
        case .numericalTrouble: "numerical trouble"
        case let .invalid(e): "invalid: \(e)"
        }
    }
}

/// The result of ``PrimalPartitioningSimplex/solve(_:)``.
///
/// Duals: `potential[k][v]` per node and `bundlePrice[r] ≥ 0` per bundle, such that the reduced
/// cost of arc a of commodity k, `cost + bundlePrice[bundle(a)] + π(tail) − π(head)`, is ≥ 0 at
/// the lower bound, ≤ 0 at the upper bound and 0 between (the same convention as
/// ``MinCostFlowResult``, with the bundle's price added to its members' costs). `bundlePrice[r]`
/// is what one more unit of bundle r's capacity would save; it is 0 unless the bundle is full.
public struct BundledFlowResult: Sendable, Equatable {
    public var status: BundledFlowStatus
    /// Σ cost · flow over all commodities (meaningful when the flows are feasible).
    public var objective: Double = 0
    /// Flow per commodity and arc.
    public var flow: [[Double]] = []
    /// Potential per commodity and node.
    public var potential: [[Double]] = []
    /// Price per bundle (≥ 0).
    public var bundlePrice: [Double] = []
    /// Pivots, phase 1 and 2 together (including degenerate ones).
    public var pivots = 0
    /// Full bundles whose slack is out of the basis at the end (the working basis's size).
    public var workingBasisSize = 0
    /// Largest working basis during the solve.
    public var largestWorkingBasis = 0
    /// How often the working basis was factored afresh, and how often brought up to date through
    /// its border instead (see BorderedWorkingBasis.swift).
    public var workingBasisFactorizations = 0, workingBasisUpdates = 0
    /// Test aid (with ``PrimalPartitioningSimplex/checkSolves``): the largest residual of a
    /// solve with the working basis, relative to 1 + the largest |rhs| and |solution| entry.
    var worstSolveResidual = 0.0
    /// Test aid (with `checkSolves`): the largest residual of Wᵀμ = −C after any dual update,
    /// in units of the tolerance below which corrections are skipped.
    var worstDualResidual = 0.0
    /// Test aid (with `checkSolves`): the largest difference between the potentials after a
    /// sync and the same trees' potentials recomputed from their roots, relative to 1 + the
    /// largest |potential|; and how many syncs that moved a potential were checked.
    var worstSyncError = 0.0, syncsChecked = 0
    /// Whether `flow` meets the supplies, bounds and bundles (within 10⁻⁶ per unit).
    public var feasible = false
    /// Whether the solve started from the given spanning trees (``PrimalPartitioningSimplex/solve(_:start:startCapacity:deadline:)``).
    public var startAdopted = false

    public init(status: BundledFlowStatus) { self.status = status }
}
