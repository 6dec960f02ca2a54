// Planner — turns a loaded fuel network into the time-expanded model, solves it, returns a plan.
// See docs/model.md for the model, the routes and the conventions.
import Foundation
import FuelFlowModel
import GLPK
import NetworkFlow

/// How to solve the planning model.
public enum PlanMethod: String, Sendable, CaseIterable {
    /// Structure-aware: per-product network simplex when it is exact, else the full LP.
    case auto
    /// The full LP (or MIP) through GLPK's simplex.
    case lp
    /// Per-product min-cost flows only; refuses models that are not pure flows.
    case mincost
    /// The full LP by our own primal-partitioning simplex: one spanning tree per product and a
    /// working basis for the full shared rows (no GLPK). Needs exactly scalable data.
    case partition
}

/// Options of ``Planner/plan(_:options:)``.
public struct PlanOptions: Sendable {
    public var method: PlanMethod
    /// Time limit in seconds from the start of the solve: stops the network simplex and GLPK
    /// (LP/MIP); nil = none (the decomposition route then stops after
    /// ``defaultDecompositionTimeLimit``).
    public var timeLimit: Double?
    /// Model `min_shipment_m3` and `fixed_cost_per_day` of lanes with binaries (MIP, GLPK branch-and-cut).
    public var discrete: Bool
    /// Relative MIP gap at which branch-and-cut may stop (0 = prove optimality).
    public var mipGap: Double
    /// Worker threads for the per-product flows (products are solved in parallel).
    public var threads: Int
    /// Explain infeasibility with an elastic re-solve (GLPK) when the model is infeasible.
    public var explainInfeasibility: Bool
    /// Progress messages (to stderr in the CLI); nil = silent.
    public var progress: (@Sendable (String) -> Void)?
    /// Experimental: rounds of Dantzig–Wolfe column generation `auto` tries on a coupled model
    /// whose relaxation violates shared rows, before the full LP (0 = off, the default: on the
    /// example it tails off at a relative gap of ~1e-6 after 300 rounds, see docs/model.md).
    public var decompositionRounds: Int = 0
    /// `auto` solves coupled models with at least this many variables (whose relaxation violates
    /// shared rows) by Dantzig–Wolfe decomposition instead of the warm-started LP. Default 0:
    /// the decomposition was faster at every size measured, to the same optimum (29 k variables
    /// 1.1 s against lp-warm 1.6 s; 34 k 0.08 s / 1.1 s; 110 k 1.4 s / 12.5 s; 219 k 13.7 s / 70 s),
    /// and at the time limit it has a feasible plan with a certified gap where GLPK's dual simplex
    /// has nothing. See docs/model.md and docs/benchmarks.md.
    public var decompositionThreshold: Int = 0
    /// `auto` first solves coupled models with fewer variables than this (whose relaxation
    /// violates shared rows) exactly by our primal-partitioning simplex (``PartitionRoute``),
    /// within a pivot budget (``PartitionRoute/pivotBudget(_:)``) and half the time left; if it
    /// stops short, the decomposition (or the LP) goes on as before. 0 = never. Measured
    /// (docs/benchmarks.md, "Session 17" and "Session 18"): exact and faster than the
    /// decomposition up to 1.09 M variables (n10k: 6 s against 26 s), and exact at 1.41 M (a
    /// national-preset network of 6,000 stations, 487 s, where the decomposition stops at its
    /// time limit); national (6.5 M) was still 0.004 % above the optimum after 20 minutes.
    /// Above it, where the station-block master would be large, the decomposition's heuristic
    /// rounds hand their best plan to the partitioning instead (national: optimal in 625 s).
    public var partitionThreshold: Int = PlanOptions.defaultPartitionThreshold
    public static let defaultPartitionThreshold = 1_500_000
    /// Testing aid: the pivot budget of `auto`'s partitioning attempt (nil: ``PartitionRoute/pivotBudget(_:)``).
    var partitionPivots: Int? = nil
    /// Below this many variables, a decomposition that stops short of the optimum for another
    /// reason than the time limit (stalled prices, a failed master) hands over to the full LP
    /// (GLPK) for the time that remains (lp-warm needed 70 s at 219 k variables).
    static let lpFallbackVariables = 200_000
    /// `--mip` with `auto`: models with at least this many variables take the lots heuristic
    /// (``Planner/solveLots``) instead of GLPK's branch-and-cut.
    public var lotsThreshold: Int = PlanOptions.lpFallbackVariables
    /// Branch-and-cut (`--mip` below ``lotsThreshold``) first runs the lots heuristic for its
    /// first incumbent, with this share of the time left.
    static let lotsIncumbentShare = 0.25
    /// … and without a time limit, for at most this many seconds.
    static let lotsIncumbentSeconds = 60.0
    /// The lots heuristic stops each of its LP solves at this certified relative gap (`--gap`
    /// sets it); nil = 10⁻³: the rounding costs more than that, and on the national preset an
    /// LP round then ends with the decomposition's first plan and bound (~28 s).
    public var lotsGap: Double? = nil
    /// Time limit of `auto`'s decomposition route when `timeLimit` is nil (seconds).
    public static let defaultDecompositionTimeLimit: Double = 600
    /// Relative gap at which the decomposition stops and reports `optimal`: the plan then costs at
    /// most this much (relative) above the optimum, certified by the Lagrangian bound — inside the
    /// 1e-7 to which every route agrees. From 1e-8 down to 0 took 40 % of the rounds on a
    /// 3,000-station network (760 of 1,197).
    public var decompositionGap: Double = PlanOptions.optimalGap
    /// The largest certified relative gap reported as `optimal` (a larger ``decompositionGap``
    /// stops earlier, with status `feasible`).
    public static let optimalGap = 1e-8
    /// Which blocks the decomposition route uses: one per product (``Decomposition``) or one per
    /// leaf node and product, grouped by region (``LeafDecomposition``); nil (default) = leaves
    /// when at least half of the model's columns sit in leaf blocks (stations), else products.
    /// Measured on the same networks: leaves 0.5 s / products 1.1 s on the example, 1.5 s / 13.5 s
    /// at 219 k variables, 2.4 s / 42.7 s at 328 k (docs/benchmarks.md).
    public var decomposition: DecompositionKind? = nil
    /// From this many variables `auto`'s relaxation is the decomposition's pricing problem, whose
    /// network simplex sessions the decomposition and the lots rounds continue from
    /// (``lpFallbackVariables``; testing aid: 0 takes that route on small models).
    var pricingRelaxationFrom = PlanOptions.lpFallbackVariables
    /// Whether each lots round continues from the last round's network simplex trees
    /// (``Planner/WarmSessions``); off only to compare with cold rounds (testing aid).
    var lotsWarmStarts = true
    /// Testing aid: master rows from which the station-block decomposition runs heuristic rounds
    /// before its master (``LeafDecomposition/splitFromRows``), and above the partition threshold
    /// hands its best plan to the partitioning instead of building that master.
    var masterSplitFromRows = LeafDecomposition.splitFromRows
    /// Testing aid: report an unconverged decomposition as stalled (not at a limit), to exercise
    /// the hand-over to the full LP (no generated network is known to stall).
    var simulateDecompositionStall = false
    /// `timeLimit` from the start of the solve (set by ``Planner/plan(_:options:)``): the network
    /// simplex stops there, and every GLPK call gets the time that remains.
    var deadline: ContinuousClock.Instant?
    /// Seconds left until `deadline` (nil without a limit; at least 1 ms, GLPK's granularity).
    var remainingTime: Double? { deadline.map { max(0.001, ($0 - ContinuousClock.now).seconds) } }

    public init(method: PlanMethod = .auto, timeLimit: Double? = nil, discrete: Bool = false, mipGap: Double = 0,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, explainInfeasibility: Bool = true,
                progress: (@Sendable (String) -> Void)? = nil) {
        self.method = method; self.timeLimit = timeLimit; self.discrete = discrete; self.mipGap = mipGap
        self.threads = threads; self.explainInfeasibility = explainInfeasibility; self.progress = progress
    }
}

/// The blocks of `auto`'s Dantzig–Wolfe route.
public enum DecompositionKind: String, Sendable, CaseIterable {
    /// One block per product: the whole time-expanded flow of that product.
    case products
    /// One block per (station, product); the master keeps refineries, terminals and depots.
    case leaves
}

/// Errors of the planner (bad input for a method, solver failures).
public enum PlannerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--method mincost` on a model that is not a pure per-product flow.
    case methodNotApplicable(String)
    /// The data cannot be scaled to integers exactly (network simplex impossible).
    case notExactlyScalable(String)
    /// GLPK failed.
    case solver(String)
    /// The output folder must not receive a plan (``PlanWriter/refusal(for:)``).
    case badOutput(String)

    public var description: String {
        switch self {
        case .methodNotApplicable(let s): "mincost cannot solve this model exactly: \(s)"
        case .notExactlyScalable(let s): "data cannot be scaled to integers exactly: \(s)"
        case .solver(let s): "solver failed: \(s)"
        case .badOutput(let s): s
        }
    }
}

/// A solved (or failed) plan: the model, the column values and the row duals.
///
/// Column values follow ``PlanModel``'s layout; `rowDuals[i]` is the LP dual of row i with
/// GLPK's sign convention (for a minimisation: ∂ objective / ∂ right-hand side). For a balance
/// row that is the marginal cost of one more m³ of demand at (n, p, t).
public struct Plan: Sendable {
    public enum Status: String, Sendable {
        case optimal, infeasible, unbounded
        /// A time limit stopped the solver; `feasible` tells whether a plan exists.
        case timeLimit = "time_limit"
        /// A feasible plan within the requested gap tolerance (MIP, or the decomposition's `--gap`)
        /// but not proven optimal.
        case feasible
        /// A heuristic (the lots rounds of `--mip` on a large model) ended before the time limit
        /// without a plan: not a proof of infeasibility (`infeasibility` lists the lanes whose
        /// minimums may be the cause).
        case noPlan = "no_plan"
    }

    public var status: Status
    public var method: PlanMethod
    /// Which route solved it: `mincost`, `mincost-relaxation`, `lp-warm`, `decomposition`, `lp`, `lp-fallback`, `mip`.
    public var route: String
    /// Why that route (human-readable).
    public var routeReason: String
    public var model: PlanModel
    /// Column values (empty when there is no plan).
    public var columnValues: [Double]
    /// Row duals (empty when there is none, e.g. a MIP).
    public var rowDuals: [Double]
    /// Σ cost · value (+ fixed lane costs of a MIP).
    public var objective: Double
    public var buildSeconds: Double
    public var solveSeconds: Double
    public var seconds: Double
    public var variables: Int
    public var constraints: Int
    public var scaling: FlowScaling?
    public var mipGap: Double?
    /// Discrete lane-day decisions of a MIP: (lane, day) used.
    public var laneDaysUsed: [(lane: Int, day: Int)]
    public var fixedCost: Double
    /// Planner-language explanation of an infeasible model.
    public var infeasibility: [String]
    public var notes: [String]
    /// Decomposition route: certified lower bound on the LP optimum (Lagrangian) and the relative
    /// gap (objective − lowerBound) / max(1, |objective|); nil on the other routes.
    public var lowerBound: Double? = nil
    public var relativeGap: Double? = nil

    /// True when column values exist.
    public var hasPlan: Bool { !columnValues.isEmpty }
}

extension Plan {
    /// A plan of `model` before any solve: no values, no duals, nothing decided.
    init(unsolved model: PlanModel, method: PlanMethod) {
        self.init(status: .optimal, method: method, route: "", routeReason: "", model: model,
                  columnValues: [], rowDuals: [], objective: 0, buildSeconds: 0, solveSeconds: 0, seconds: 0,
                  variables: model.columnCount, constraints: model.rowCount, scaling: nil, mipGap: nil,
                  laneDaysUsed: [], fixedCost: 0, infeasibility: [], notes: [])
    }
}

/// The planner's entry point.
///
/// ```swift
/// let net = try NetworkLoader.load(from: "data/example")
/// let plan = try Planner.plan(net, options: PlanOptions(method: .auto))
/// print(plan.status, plan.objective, plan.route)
/// ```
public enum Planner {
    /// Builds the time-expanded model of `network` and solves it.
    ///
    /// - Throws: ``PlannerError`` for a method that cannot handle the model (`mincost` on a
    ///   coupled model) or a solver failure. Infeasible models are not errors (see `status`).
    public static func plan(_ network: Network, options: PlanOptions = PlanOptions()) throws -> Plan {
        let clock = ContinuousClock()
        let t0 = clock.now
        options.progress?("building the time-expanded model")
        let model = PlanModel(network)
        let buildSeconds = (clock.now - t0).seconds
        options.progress?("model: \(model.columnCount) variables, \(model.rowCount) constraints, \(model.entryValue.count) nonzeros (built in \(fmt(buildSeconds)) s)")
        var plan = try solve(model, options: options)
        plan.buildSeconds = buildSeconds
        plan.seconds = (clock.now - t0).seconds
        return plan
    }

    /// Solves an already built model.
    public static func solve(_ model: PlanModel, options: PlanOptions) throws -> Plan {
        let clock = ContinuousClock()
        let t0 = clock.now
        _ = debugStart   // FUELFLOW_DEBUG's clock starts with the solve
        var options = options
        options.deadline = options.timeLimit.map { t0 + .seconds($0) }
        var plan = Plan(unsolved: model, method: options.method)
        let discreteLanes = options.discrete ? DiscreteLanes(model) : nil
        if let d = discreteLanes, !d.lanes.isEmpty {
            if options.method == .mincost || options.method == .partition {
                throw PlannerError.methodNotApplicable("lanes with min_shipment_m3/fixed_cost_per_day need binaries (MIP); use --method lp or auto")
            }
            if options.method == .auto && model.columnCount >= options.lotsThreshold {
                try solveLots(model, discrete: d, options: options, into: &plan)
                // Rounds that ended without a plan before the time limit prove nothing: on a
                // model GLPK's branch-and-cut can take, it decides with the time left (an
                // infeasible MIP is then explained like any other); on a larger one the plan
                // says so, with the lanes whose minimums may be the cause.
                if plan.status == .noPlan {
                    if model.columnCount < PlanOptions.lpFallbackVariables {
                        let notes = plan.notes
                        plan = Plan(unsolved: model, method: options.method)
                        plan.notes = notes + ["the lots rounds found no plan meeting every minimum; GLPK's branch-and-cut decides"]
                        // Within the lots' own default limit when none is given (QA: a network
                        // neither method found a plan for ran on for more than 15 minutes).
                        var o = options
                        if o.deadline == nil { o.deadline = t0 + .seconds(PlanOptions.defaultDecompositionTimeLimit) }
                        try solveMIP(model, discrete: d, options: o, offerLots: false, into: &plan)
                    } else {
                        let none = [Double](repeating: 0, count: model.balanceCount)
                        plan.infeasibility = Infeasibility.describe(model, surplus: none, deficit: none,
                                                                    over: [Double](repeating: 0, count: model.couplingRowCount),
                                                                    maxLines: 20, mayBe: true)
                    }
                }
            } else {
                try solveMIP(model, discrete: d, options: options, into: &plan)
            }
        } else {
            switch options.method {
            case .lp:
                plan.routeReason = "--method lp: the full LP through GLPK's simplex"
                try solveLP(model, options: options, route: "lp", into: &plan)
            case .mincost:
                if model.couplingRowCount > 0 {
                    throw PlannerError.methodNotApplicable(couplingSummary(model) + "; use --method lp or auto")
                }
                let sc: FlowScaling
                switch FlowScaling.choose(for: model) {
                case .success(let s): sc = s
                case .failure(let e): throw e
                }
                plan.routeReason = "pure per-product flows (no shared capacities, no throughputs)"
                if try !solveFlows(model, scaling: sc, relax: false, options: options, route: "mincost", into: &plan) {
                    throw PlannerError.notExactlyScalable("scaled data exceed the network simplex's Int64 ranges")
                }
            case .partition:
                let sc: FlowScaling
                switch FlowScaling.choose(for: model) {
                case .success(let s): sc = s
                case .failure(let e): throw e
                }
                plan.routeReason = "--method partition: the full LP by our primal-partitioning simplex"
                PartitionRoute.solve(model, scaling: sc, options: options, into: &plan)
            case .auto:
                try solveAuto(model, options: options, into: &plan)
            }
        }
        if plan.status == .infeasible && options.explainInfeasibility {
            options.progress?("infeasible: explaining with an elastic re-solve")
            plan.infeasibility = Infeasibility.explain(model, options: options)
        }
        plan.solveSeconds = (clock.now - t0).seconds
        return plan
    }

    static func couplingSummary(_ m: PlanModel) -> String {
        let lanes = m.throughputBase - m.laneCapacityBase, thr = m.safetyRowBase - m.throughputBase
        return "\(lanes) shared lane-capacity row(s) and \(thr) throughput row(s) couple the products"
    }

    /// Holds the network simplex sessions of one `solveAuto` for the next, on a model of the same
    /// shape (the lots rounds: lane-days closed, surcharges changed), which then starts from the
    /// last trees instead of cold (``PricingSessions/rebase()``).
    final class WarmSessions {
        /// The relaxation's (and the Lagrangian steps') sessions.
        var sessions: PricingSessions? = nil
        /// The station decomposition's capacity-respecting plans' sessions (share capacities).
        var plans: PricingSessions? = nil
        func release() {
            sessions?.release(); plans?.release()
            sessions = nil; plans = nil
        }
    }

    /// The start of the note of a relaxation that continued from kept sessions.
    static let warmNotePrefix = "network simplex, warm: "

    /// `warm`: sessions to continue from and to keep for the next call (see ``WarmSessions``).
    static func solveAuto(_ model: PlanModel, options: PlanOptions, into plan: inout Plan, warm: WarmSessions? = nil) throws {
        let start = ContinuousClock.now
        let sc: FlowScaling
        switch FlowScaling.choose(for: model) {
        case .success(let s): sc = s
        case .failure(let e):
            plan.routeReason = "\(e.description); the network simplex would not be exact, so the full LP"
            try solveLP(model, options: options, route: "lp-fallback", into: &plan)
            return
        }
        if model.couplingRowCount == 0 {
            plan.routeReason = "pure per-product flows (no shared capacities, no throughputs): network simplex per product, in parallel"
            if try solveFlows(model, scaling: sc, relax: false, options: options, route: "mincost", into: &plan) { return }
            plan.routeReason = "scaled data exceed the network simplex's Int64 ranges; the full LP"
            try solveLP(model, options: options, route: "lp-fallback", into: &plan)
            return
        }
        // Relaxation: per-product flows without the coupling rows (their Lagrangian relaxation at
        // multipliers 0). If it satisfies them, it is optimal; otherwise its optimal spanning trees
        // give a dual-feasible basis of the full LP (coupling slacks basic) for GLPK's dual simplex.
        options.progress?("\(couplingSummary(model)); solving the per-product relaxation")
        var relaxed = plan
        var basis: SharedBasis? = nil
        // On a very large model (≥ lpFallbackVariables) the relaxation is the decomposition's
        // pricing problem at μ = 0 — per-arc bounds for the shared limits (implied by them: still a
        // relaxation, and tighter), the pricing's cost scale, and sessions the pricing continues
        // from warm (saving a full flow solve: ~15 s nationally). Otherwise it drops the shared
        // rows: a solution that satisfies them is then optimal with shared-row duals 0, and its
        // trees give lp-warm's basis.
        let large = model.columnCount >= options.decompositionThreshold
        let pricingRelaxation = large && model.columnCount >= options.pricingRelaxationFrom
        // Station blocks (when the decomposition follows): blocks per station and product.
        let leafBlocks = options.decomposition == .products || !(large || options.decompositionRounds > 0) ? nil
            : LeafBlocks(model).flatMap { options.decomposition == .leaves || $0.blockShare(model) >= 0.5 ? $0 : nil }
        // Before station blocks, the relaxation's graphs get the throughput split nodes: the
        // capacity-respecting plans are then warm capacity changes of the same sessions (and
        // the relaxation holds each product's outflow within the throughput: a tighter bound).
        // The product blocks' pricing keeps the plain graphs (split nodes slowed it down).
        var sessions: PricingSessions? = nil
        if pricingRelaxation {
            let scale = Decomposition.pricingScaling(model, base: sc), split = leafBlocks != nil
            if let kept = warm?.sessions, kept.scaling == scale, kept.splitThroughput == split,
               kept.products.count == model.P, kept.hasTrees {
                kept.rebase()
                sessions = kept
            } else {
                sessions = PricingSessions(products: model.P, scaling: scale, splitThroughput: split)
            }
            warm?.sessions = sessions
        }
        if try solveFlows(model, scaling: sessions?.scaling ?? sc, relax: pricingRelaxation, options: options,
                          route: "mincost-relaxation", wantBasis: !pricingRelaxation, basis: &basis, sessions: sessions,
                          into: &relaxed) {
            if let sessions, sessions.rebasedWarm + sessions.rebasedCold > 0 {
                relaxed.notes.append(warmNotePrefix + "\(sessions.rebasedWarm) product(s) continued from the previous solve's trees (lane-days closed or costs changed since), \(sessions.rebasedCold) started cold")
            }
            if relaxed.status == .infeasible {
                relaxed.routeReason = "the per-product relaxation is infeasible, hence so is the full model"
                plan = relaxed
                return
            }
            if relaxed.status == .timeLimit {
                relaxed.routeReason = "the time limit ended the per-product relaxation (network simplex) before any plan"
                plan = relaxed
                return
            }
            let v = FlowRoute.couplingViolation(model, x: relaxed.columnValues)
            if v.count == 0 {
                relaxed.routeReason = "per-product flows without the shared rows (a relaxation) satisfy every shared row, so they are optimal for the full model (coupling duals 0)"
                plan = relaxed
                return
            }
            plan.notes += relaxed.notes
            plan.notes.append("relaxation violates \(v.count) shared row(s) (worst by \(fmt(v.worst * 100))% of the limit)")
            if warm == nil, options.decompositionRounds == 0, model.columnCount < options.partitionThreshold {
                // Exact by our own LP engine, within a pivot budget and half the time left.
                var o = options
                if let d = options.deadline { o.deadline = .now + (d - .now) / 2 }
                var attempt = plan
                let budget = options.partitionPivots ?? PartitionRoute.pivotBudget(model)
                PartitionRoute.solve(model, scaling: sc, options: o, maxPivots: budget,
                                     relaxation: sessions.map { ($0, relaxed.columnValues) }, into: &attempt)
                if attempt.status == .optimal {
                    attempt.routeReason = "the per-product relaxation (\(fmt(relaxed.solveSeconds)) s) violates \(v.count) shared row(s) and the model has \(model.columnCount) variables (< \(options.partitionThreshold)): the full LP, exactly, by our primal-partitioning simplex over the products' spanning trees, from the shares of a capacity-respecting plan"
                    plan = attempt
                    return
                }
                plan.notes.append((attempt.notes.last ?? "primal partitioning") + " — stopped short (\(attempt.status.rawValue), budget \(budget) pivots); the next route goes on")
            }
            let t0 = ContinuousClock.now
            if large || options.decompositionRounds > 0 {
                let limit = options.timeLimit ?? (large ? PlanOptions.defaultDecompositionTimeLimit : 600)
                let rounds = options.decompositionRounds > 0 ? options.decompositionRounds : Int.max
                options.progress?("Dantzig–Wolfe decomposition (\(rounds == Int.max ? "no round limit" : "\(rounds) rounds"), time limit \(fmt(limit)) s from the start of the solve)")
                // Above the partition threshold, station blocks whose master would be large
                // (national: GLPK needs minutes per master round) end with the heuristic rounds,
                // and the partitioning goes on exactly from their best plan.
                let polish = leafBlocks != nil && warm == nil && options.decompositionRounds == 0 && options.partitionThreshold > 0
                    && model.columnCount >= options.partitionThreshold && sessions?.splitThroughput == true
                let outcome = leafBlocks.map {
                    LeafDecomposition.solve(model, blocks: $0, scaling: sc, x0: relaxed.columnValues,
                                            relaxationObjective: relaxed.objective, relaxationDuals: relaxed.rowDuals, threads: options.threads,
                                            maxIterations: rounds, deadline: start + .seconds(limit), sessions: sessions, warm: warm,
                                            splitFromRows: options.masterSplitFromRows,
                                            gapTolerance: options.decompositionGap, handOffBeforeMaster: polish, progress: options.progress)
                } ?? Decomposition.solve(
                    model, scaling: sc, x0: relaxed.columnValues, relaxationObjective: relaxed.objective, threads: options.threads,
                    maxIterations: rounds, deadline: start + .seconds(limit), gapTolerance: options.decompositionGap,
                    sessions: sessions, progress: options.progress)
                if var dw = outcome {
                    if options.simulateDecompositionStall && !dw.converged { dw.stopReason = "no improving column (simulated)" }
                    let why = large ? "the per-product relaxation violates \(v.count) shared row(s) and the model has \(model.columnCount) variables (≥ --decomposition-threshold \(options.decompositionThreshold))"
                                    : "--decomposition-rounds \(options.decompositionRounds): the per-product relaxation violates \(v.count) shared row(s)"
                    plan.notes.append("decomposition: \(dw.heuristicRounds > 0 ? "\(dw.heuristicRounds) capacity-respecting plan(s) and \(dw.redistributions) re-solve(s) with the room handed on (\(fmt(dw.heuristicSeconds)) s), " : "")\(dw.iterations) rounds, \(dw.proposals) proposals, \(dw.masterRows) master rows, upper bound \(dw.objective), lower bound \(dw.lowerBound), relative gap \(dw.relativeGap), stopped: \(dw.stopReason), \(fmt((ContinuousClock.now - t0).seconds)) s (master \(fmt(dw.masterSeconds)) s, pricing \(fmt(dw.pricingSeconds)) s)")
                    if dw.stopReason == Decomposition.handedOff, let sessions {
                        // The partitioning from the rounds' best plan (its shares: no shared row
                        // overfull), with the time left; at the limit its flows, when cheaper.
                        // Its products re-solve under those shares on the plans' own sessions
                        // (real costs, nearly those limits; national: 3 s instead of 18–24 s
                        // from the relaxation's, whose Lagrangian costs are then freed).
                        let from = dw.planSessions ?? sessions
                        if dw.planSessions != nil { sessions.release() }
                        var o = options
                        o.deadline = start + .seconds(limit)
                        var attempt = plan
                        options.progress?("primal partitioning from the decomposition's best plan (\(fmt(dw.objective)), certified gap \(fmt(100 * dw.relativeGap))%)")
                        PartitionRoute.solve(model, scaling: sc, options: o, maxPivots: options.partitionPivots,
                                             relaxation: (from, dw.x), sessionsKind: dw.planSessions != nil ? "the rounds' plan" : "the relaxation's",
                                             into: &attempt)
                        dw.planSessions = nil
                        if attempt.status == .optimal {
                            attempt.routeReason = why + ": Dantzig–Wolfe heuristic rounds over \(leafBlocks!.count) station blocks (a plan within \(fmt(100 * dw.relativeGap))% of the Lagrangian bound), then the full LP exactly by our primal-partitioning simplex from that plan's shares (the model has ≥ --partition-threshold \(options.partitionThreshold) variables)"
                            plan = attempt
                            return
                        }
                        plan.notes.append(attempt.notes.last ?? "primal partitioning")
                        if attempt.hasPlan && attempt.objective < dw.objective {
                            plan.notes.append("the partitioning's flows at the limit improve the decomposition's plan by \(fmt(dw.objective - attempt.objective))")
                            dw.x = attempt.columnValues
                            dw.objective = attempt.objective
                            dw.relativeGap = max(0, dw.objective - dw.lowerBound) / max(1, abs(dw.objective))
                        }
                        dw.stopReason = "time limit"
                    }
                    // Short of the optimum for another reason than the time limit, a model the
                    // full LP can still finish goes on to GLPK with the remaining time.
                    let handOver = !dw.converged && !["time limit", "round limit"].contains(dw.stopReason)
                        && model.columnCount < PlanOptions.lpFallbackVariables
                    if dw.converged || (large && !handOver) {
                        plan.route = "decomposition"
                        plan.scaling = sc
                        plan.lowerBound = dw.lowerBound
                        plan.relativeGap = dw.relativeGap
                        plan.routeReason = why + (leafBlocks.map { ": Dantzig–Wolfe column generation over \($0.count) station blocks (GLPK master: refineries, terminals, depots, shared rows and \($0.regionCount) regions' delivery proposals; network simplex pricing per station and product); " }
                                                  ?? ": Dantzig–Wolfe column generation (GLPK master over the shared rows, network simplex pricing per product); ") +
                            (dw.converged ? "the Lagrangian bound meets the plan within a relative gap of \(options.decompositionGap)\(dw.relativeGap > PlanOptions.optimalGap ? " (the requested --gap; optimal means within \(PlanOptions.optimalGap))" : "")"
                                          : "stopped (\(dw.stopReason)) with the best feasible plan and its certified gap")
                        if dw.x.isEmpty {
                            plan.status = .timeLimit
                            plan.notes.append("decomposition found no plan satisfying every shared row before the limit")
                        } else {
                            plan.status = !dw.converged ? .timeLimit : dw.relativeGap <= PlanOptions.optimalGap ? .optimal : .feasible
                            plan.columnValues = dw.x
                            // Without a pricing round: the relaxation's duals (the Lagrangian at μ = 0).
                            plan.rowDuals = dw.y.isEmpty ? relaxed.rowDuals : dw.y
                            plan.objective = dw.objective
                            // The gap closes within 10⁻⁸ of the cost, which is not a proof that
                            // the pricing's duals are optimal: arcs at a shared limit's per-arc
                            // bound, or prices 10⁻⁸ short, can leave reduced costs of the wrong
                            // sign (QA: lane shadow prices of 0 where the LP's are 0.005). The
                            // marginal costs are the LP's duals only once they prove the plan
                            // optimal; when they do not, a model small enough for lp-warm takes
                            // the full LP from the relaxation's basis for them.
                            if plan.status == .optimal, let doubt = dualViolation(model, x: plan.columnValues, y: plan.rowDuals) {
                                if let basis {
                                    plan.notes.append("the decomposition's duals do not prove its plan optimal (\(doubt)); the full LP from the relaxation's basis for exact marginal costs")
                                    let kept = plan
                                    plan.routeReason = "the per-product relaxation (\(fmt(relaxed.solveSeconds)) s) violates \(v.count) shared row(s); the decomposition's plan (\(dw.objective)) is optimal within \(options.decompositionGap), but its duals do not prove it: the full LP by GLPK's dual simplex, warm-started from the relaxation's optimal spanning trees, for exact marginal costs"
                                    // At most 2× the time so far (at least 2 s): exact marginal costs are
                                    // not worth a plan 50× later (lp-warm needs 70 s at 219 k variables).
                                    var o = options
                                    let budget = max(2, 2 * (ContinuousClock.now - start).seconds)
                                    o.deadline = min(options.deadline ?? .now + .seconds(budget), .now + .seconds(budget))
                                    if try solveLPWarm(model, basis: basis, options: o, into: &plan), plan.status == .optimal { return }
                                    plan = kept
                                    plan.notes.append("the full LP did not finish in \(fmt(budget)) s; marginal costs are the decomposition's (approximate)")
                                } else {
                                    plan.notes.append("the decomposition's duals do not prove its plan optimal (\(doubt)): marginal costs and shadow prices are approximate (the model is too large for the full LP)")
                                }
                            }
                        }
                        return
                    }
                    plan.notes.append("decomposition did not converge (\(dw.stopReason)); continuing with the full LP")
                } else {
                    plan.notes.append("decomposition failed (a pricing problem); continuing with the full LP")
                }
            }
            if let basis {
                plan.routeReason = "the per-product relaxation (\(fmt(relaxed.solveSeconds)) s) violates \(v.count) shared row(s); the full LP by GLPK's dual simplex, warm-started from the relaxation's optimal spanning trees"
                if try solveLPWarm(model, basis: basis, options: options, into: &plan) { return }
                plan.notes.append("warm start rejected by GLPK; cold start")
            }
            plan.routeReason = "the per-product relaxation (\(fmt(relaxed.solveSeconds)) s) violates \(v.count) shared row(s); the full LP through GLPK"
        } else {
            plan.routeReason = "scaled data exceed the network simplex's Int64 ranges; the full LP"
        }
        try solveLP(model, options: options, route: "lp-fallback", into: &plan)
    }

    /// The full LP from the relaxation's basis (dual simplex); false when GLPK rejects the basis.
    static func solveLPWarm(_ model: PlanModel, basis: SharedBasis, options: PlanOptions, into plan: inout Plan) throws -> Bool {
        options.progress?("GLPK dual simplex on the full LP, warm-started from the relaxation's basis")
        let lp = model.linearProgram()
        let sol: LinearProgram.Solution
        let problem: GLPKProblem
        do {
            problem = try GLPKProblem(lp)
            try problem.setBasis(rows: (0..<model.rowCount).map { status(basis.row[$0]) },
                                 columns: (0..<model.columnCount).map { status(basis.column[$0]) })
            sol = try problem.solve(.init(method: .dualSimplex, presolve: false, timeLimit: options.remainingTime))
        } catch {
            plan.notes.append("warm start failed: \(error)")
            return false
        }
        plan.route = "lp-warm"
        plan.notes.append("GLPK dual simplex from the relaxation basis: \(sol.iterations) iterations, \(fmt(sol.seconds)) s")
        switch sol.status {
        case .optimal, .infeasible, .unbounded:
            adopt(sol, model: model, into: &plan, problem: problem, options: options)
        case .feasible, .undefined:
            if sol.termination != .timeLimit { return false }
            plan.status = .timeLimit
        }
        return true
    }

    /// Takes GLPK's conclusive outcomes into the plan: an optimum's values, duals and objective,
    /// or the infeasible/unbounded status.
    ///
    /// An optimum is checked (``unverifiedOptimum(_:_:)``); one that does not hold is handed to
    /// GLPK's exact simplex from its basis on `problem` (at most the time left, or 120 s), whose
    /// optimum is taken instead; if that does not finish, the plan is only `feasible`.
    static func adopt(_ sol: LinearProgram.Solution, model: PlanModel, into plan: inout Plan,
                      problem: GLPKProblem, options: PlanOptions) {
        switch sol.status {
        case .optimal:
            plan.status = .optimal
            plan.columnValues = sol.columnValues
            plan.rowDuals = sol.rowDuals
            plan.objective = model.objective(of: sol.columnValues)
            if let doubt = unverifiedOptimum(model, sol) {
                plan.notes.append(doubt)
                options.progress?("GLPK's optimum does not hold (costs span many orders of magnitude); its exact simplex takes over from that basis")
                let exact = try? problem.solve(.init(method: .exactSimplex, timeLimit: min(options.remainingTime ?? 120, 120)))
                if let exact, exact.status == .optimal {
                    plan.columnValues = exact.columnValues
                    plan.rowDuals = exact.rowDuals
                    plan.objective = model.objective(of: exact.columnValues)
                    plan.notes.append("GLPK exact simplex (rational arithmetic) from that basis: optimal, \(exact.iterations) iterations, \(fmt(exact.seconds)) s")
                } else {
                    plan.status = .feasible
                    plan.notes.append("GLPK exact simplex from that basis: \(exact.map { "\($0.status) (\($0.termination))" } ?? "failed"); the plan is feasible, its optimality not certified")
                }
            }
        case .infeasible: plan.status = .infeasible
        case .unbounded: plan.status = .unbounded
        case .feasible, .undefined: break
        }
    }

    /// GLPK's optimality test is relative to each column's cost (a reduced cost within
    /// tol·(1 + |c_j|) counts as 0), so with costs or penalties many orders of magnitude above the
    /// rest (10⁹–10¹² per m³ beside lane costs of a few per m³) its simplex can stop at a basis
    /// that is not optimal and call it optimal — fuzzing found plans 0.03 % (penalty 10⁹) to 11 %
    /// (cost 10¹²) too dear; `glpsol` does the same, only its exact mode does not. Checked here
    /// against an absolute tolerance: every column's reduced cost c_j − Σ a_ij·y_i must have the
    /// sign its position allows (≥ 0 at the lower bound, ≤ 0 at the upper, 0 between) within
    /// 10⁻⁶·(1 + the median |cost|) plus 10⁻¹¹ of Σ |a_ij·y_i| (the rounding of the sum itself).
    /// Returns a note naming the worst column when the check fails, nil when the optimum holds.
    static func unverifiedOptimum(_ model: PlanModel, _ sol: LinearProgram.Solution) -> String? {
        dualViolation(model, x: sol.columnValues, y: sol.rowDuals).map {
            "GLPK reported an optimum that does not hold: \($0); GLPK's tolerances are relative to each cost"
        }
    }

    /// Whether duals `y` prove plan `x` optimal: every column's reduced cost has the sign its
    /// position allows (≥ 0 at the lower bound, ≤ 0 at the upper, 0 between), and every
    /// inequality row's dual the sign of its side (≤ 0 on a `≤` row, ≥ 0 on a `≥` row) and 0
    /// when the row has slack, within an absolute tolerance of 10⁻⁶·(1 + the median cost).
    /// Returns the worst violation in words, or nil when they do.
    static func dualViolation(_ model: PlanModel, x: [Double], y: [Double]) -> String? {
        guard x.count == model.columnCount, y.count == model.rowCount else { return nil }
        var costs = model.columnCost.lazy.filter { $0 != 0 }.map { abs($0) }.sorted()
        let typical = costs.isEmpty ? 1 : costs[costs.count / 2]
        costs = []
        let tolerance = 1e-6 * (1 + typical)
        var worst = 0.0, worstColumn = -1, worstReduced = 0.0
        for j in 0..<model.columnCount {
            var sum = 0.0, size = 0.0
            for e in model.columnEntryStart[j]..<model.columnEntryStart[j + 1] {
                let v = model.entryValue[e] * y[Int(model.entryRow[e])]
                sum += v; size += abs(v)
            }
            let d = model.columnCost[j] - sum
            let lo = model.columnLower[j], up = model.columnUpper[j]
            let atLower = x[j] <= lo + 1e-9 * max(1, abs(lo))
            let atUpper = up.isFinite && x[j] >= up - 1e-9 * max(1, abs(up))
            if atLower && atUpper { continue }
            let wrong = atLower ? max(0, -d) : atUpper ? max(0, d) : abs(d)
            let excess = wrong - (tolerance + 1e-11 * size)
            if excess > worst { worst = excess; worstColumn = j; worstReduced = d }
        }
        let activity = model.rowActivities(of: x)
        var worstRow = -1, worstRowExcess = 0.0
        for r in model.balanceCount..<model.rowCount {
            let lo = model.rowLower[r], up = model.rowUpper[r]
            if lo == up { continue }
            let slackBelow = up.isFinite ? up - activity[r] : .infinity, slackAbove = lo.isFinite ? activity[r] - lo : .infinity
            let eps = 1e-9 * max(1, abs(up.isFinite ? up : lo))
            var wrong = 0.0
            if !lo.isFinite { wrong = max(0, y[r]) }        // ≤ row: y ≤ 0
            if !up.isFinite { wrong = max(0, -y[r]) }       // ≥ row: y ≥ 0
            if slackBelow > eps && slackAbove > eps { wrong = max(wrong, abs(y[r])) }
            let excess = wrong - tolerance
            if excess > worstRowExcess { worstRowExcess = excess; worstRow = r }
        }
        if worstColumn >= 0 && (worstRow < 0 || worst >= worstRowExcess) {
            let name = model.columnNames()[worstColumn]
            return "column \(name) has reduced cost \(worstReduced) at value \(x[worstColumn]) (costs span up to \(model.columnCost.map { abs($0) }.max() ?? 0) per unit against a median of \(typical))"
        }
        if worstRow >= 0 {
            return "row \(model.rowNames()[worstRow]) has dual \(y[worstRow]) at activity \(activity[worstRow]) (limits \(model.rowLower[worstRow])…\(model.rowUpper[worstRow]))"
        }
        return nil
    }

    /// Per-product flows; returns false when the scaled data are out of the simplex's ranges.
    static func solveFlows(_ model: PlanModel, scaling sc: FlowScaling, relax: Bool, options: PlanOptions,
                           route: String, into plan: inout Plan) throws -> Bool {
        var unused: SharedBasis? = nil
        return try solveFlows(model, scaling: sc, relax: relax, options: options, route: route, wantBasis: false,
                              basis: &unused, into: &plan)
    }

    static func solveFlows(_ model: PlanModel, scaling sc: FlowScaling, relax: Bool, options: PlanOptions,
                           route: String, wantBasis: Bool, basis: inout SharedBasis?, sessions: PricingSessions? = nil,
                           into plan: inout Plan) throws -> Bool {
        let clock = ContinuousClock()
        let t0 = clock.now
        options.progress?("network simplex, \(model.P) product(s) on \(max(1, options.threads)) thread(s); volumes ×10^\(sc.volumeDecimals), costs ×10^\(sc.costDecimals)")
        let out = FlowRoute.solve(model, scaling: sc, relaxCoupling: relax, threads: options.threads, wantBasis: wantBasis,
                                  deadline: options.deadline, sessions: sessions)
        basis = out.basis
        plan.solveSeconds = (clock.now - t0).seconds
        plan.route = route
        plan.scaling = sc
        switch out.status {
        case .optimal, .objectiveOverflow:
            plan.status = .optimal
            plan.columnValues = out.x
            plan.rowDuals = out.y
            plan.objective = model.objective(of: out.x)
        case .infeasible:
            plan.status = .infeasible
        case .unbounded:
            plan.status = .unbounded
        case .timeLimit:
            plan.status = .timeLimit
        case .badCostRange, .badCapacityRange, .badNodeID, .badBounds:
            return false
        }
        plan.notes.append("network simplex: \(out.nodes) nodes, \(out.arcs) arcs, \(out.pivots) pivots, \(fmt(plan.solveSeconds)) s")
        return true
    }

    static func solveLP(_ model: PlanModel, options: PlanOptions, route: String, into plan: inout Plan) throws {
        options.progress?("GLPK simplex on the full LP (\(model.columnCount) variables, \(model.rowCount) constraints)")
        let lp = model.linearProgram()
        let sol: LinearProgram.Solution
        let problem: GLPKProblem
        do {
            problem = try GLPKProblem(lp)
            sol = try problem.solve(.init(method: .primalSimplex, presolve: false, timeLimit: options.remainingTime))
        } catch let e as GLPKError {
            throw PlannerError.solver(e.description)
        }
        plan.route = route
        plan.notes.append("GLPK primal simplex: \(sol.iterations) iterations, \(fmt(sol.seconds)) s")
        switch sol.status {
        case .optimal, .infeasible, .unbounded:
            adopt(sol, model: model, into: &plan, problem: problem, options: options)
        case .feasible, .undefined:
            plan.status = sol.termination == .timeLimit ? .timeLimit : .infeasible
            if sol.status == .feasible && !sol.columnValues.isEmpty {
                plan.columnValues = sol.columnValues
                plan.objective = model.objective(of: sol.columnValues)
            }
            if sol.termination != .timeLimit { plan.notes.append("GLPK stopped without an optimum (\(sol.termination))") }
        }
    }
}

func fmt(_ x: Double) -> String {
    let r = (x * 1000).rounded() / 1000
    return r == r.rounded() && abs(r) < 1e15 ? String(Int64(r)) : "\(r)"
}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}

