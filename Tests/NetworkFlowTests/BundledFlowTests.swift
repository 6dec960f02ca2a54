import Foundation
import GLPK
import NetworkFlow
import XCTest

/// ``PrimalPartitioningSimplex`` on ``BundledFlowProblem``: hand-solved tiny cases, then
/// hundreds of seeded random instances and a few larger ones cross-checked against GLPK (the
/// same problem written as a plain LP), with every optimal answer certified independently by
/// ``verify(_:_:)`` (primal feasibility, complementary slackness, strong duality).
final class BundledFlowTests: XCTestCase {

    // MARK: - Independent checks

    /// Flow tolerance (per arc, per node, per bundle), as promised by ``BundledFlowResult/feasible``.
    static let flowTolerance = 1e-6

    /// Primal violations of `flow` for `p`: array sizes, non-finite values, bounds, conservation
    /// per node, bundle capacities. Empty when the flow is feasible within 10⁻⁶.
    static func primalViolations(_ p: BundledFlowProblem, _ flow: [[Double]]) -> [String] {
        var out = [String]()
        func add(_ s: @autoclosure () -> String) { if out.count < 25 { out.append(s()) } }
        guard flow.count == p.commodities.count else {
            return ["\(flow.count) flow arrays for \(p.commodities.count) commodities"]
        }
        for (k, g) in p.commodities.enumerated() {
            guard flow[k].count == g.arcCount else {
                add("commodity \(k): \(flow[k].count) flows for \(g.arcCount) arcs"); continue
            }
            var excess = g.supply.map(Double.init)
            for a in 0 ..< g.arcCount {
                let x = flow[k][a]
                guard x.isFinite else { add("commodity \(k) arc \(a): flow \(x)"); continue }
                let lo = Double(g.lower[a])
                if x < lo - flowTolerance { add("commodity \(k) arc \(a): flow \(x) < lower \(lo)") }
                if g.capacity[a] != MinCostFlowProblem.unbounded, x > Double(g.capacity[a]) + flowTolerance {
                    add("commodity \(k) arc \(a): flow \(x) > capacity \(g.capacity[a])")
                }
                excess[Int(g.tail[a])] -= x
                excess[Int(g.head[a])] += x
            }
            for v in 0 ..< g.nodeCount where abs(excess[v]) > flowTolerance {
                add("commodity \(k) node \(v): conservation off by \(excess[v])")
            }
        }
        if !out.isEmpty { return out }
        for r in 0 ..< p.bundleCount {
            let load = p.members(of: r).reduce(0.0) { $0 + flow[$1.commodity][Int($1.arc)] }
            if load > Double(p.bundleCapacity[r]) + flowTolerance {
                add("bundle \(r): load \(load) > capacity \(p.bundleCapacity[r])")
            }
        }
        return out
    }

    /// Everything an `.optimal` result promises, checked without re-solving; returns the
    /// violations (empty when `r` is a certified optimum of `p`).
    ///
    /// - primal: ``primalViolations(_:_:)``, `feasible == true`, `objective == Σ cost·flow`;
    /// - duals: with `rc = cost + bundlePrice[bundle(a)] + π_k[tail] − π_k[head]` (no price for
    ///   an arc in no bundle), `rc ≥ −tol` at the lower bound, `rc ≤ tol` at the upper bound,
    ///   `|rc| ≤ tol` between (`tol = 10⁻⁶·(1 + max|cost|)`); `bundlePrice ≥ −10⁻⁹`, and ≈ 0 on
    ///   bundles with slack > 10⁻⁶;
    /// - strong duality. The Lagrangian of the LP with multipliers −π_v on the node rows
    ///   (`Σ_out x − Σ_in x = b_v`) and μ_r ≥ 0 on the bundle rows (`Σ x ≤ U_r`) is
    ///   `Σ_a rc_a·x_a − Σ_v b_v·π_v − Σ_r μ_r·U_r`, so the dual objective is
    ///
    ///       D = −Σ_k Σ_v b_v·π_v − Σ_r μ_r·U_r + Σ_a (lower_a·max(rc_a, 0) + upper_a·min(rc_a, 0))
    ///
    ///   which must equal the primal objective. Hand check on the doc example (π = 0 at the
    ///   source, 5 at the sink, μ = 4, all rc = 0): D = −2·(0·10 + 5·(−10)) − 4·12 = 100 − 48 = 52.
    ///   For an uncapacitated arc with a (tolerated) tiny negative rc, `upper·rc` is replaced by
    ///   `flow·rc` (a larger negative rc is already reported as a slackness violation).
    static func verify(_ p: BundledFlowProblem, _ r: BundledFlowResult) -> [String] {
        guard r.status == .optimal else { return ["status \(r.status), expected optimal"] }
        var out = primalViolations(p, r.flow)
        func add(_ s: @autoclosure () -> String) { if out.count < 25 { out.append(s()) } }
        if !out.isEmpty { return out }
        if !r.feasible { add("feasible flag not set") }
        let K = p.commodities.count
        guard r.potential.count == K, zip(p.commodities, r.potential).allSatisfy({ $0.nodeCount == $1.count }) else {
            return out + ["potential arrays do not match the commodities' node counts"]
        }
        guard r.bundlePrice.count == p.bundleCount else {
            return out + ["\(r.bundlePrice.count) bundle prices for \(p.bundleCount) bundles"]
        }
        if let bad = r.potential.joined().first(where: { !$0.isFinite }) { return out + ["potential \(bad)"] }
        if let bad = r.bundlePrice.first(where: { !$0.isFinite }) { return out + ["bundle price \(bad)"] }

        var bundleOf = p.commodities.map { [Int](repeating: -1, count: $0.arcCount) }
        for b in 0 ..< p.bundleCount { for m in p.members(of: b) { bundleOf[m.commodity][Int(m.arc)] = b } }
        let maxCost = p.commodities.map { $0.cost.map { abs(Double($0)) }.max() ?? 0 }.max() ?? 0
        let costTol = 1e-6 * (1 + maxCost)
        let priceTol = 1e-9 * (1 + maxCost)

        var primal = 0.0, dual = 0.0, scale = 1.0
        for (k, g) in p.commodities.enumerated() {
            let pi = r.potential[k], x = r.flow[k]
            for a in 0 ..< g.arcCount {
                let c = Double(g.cost[a]), lo = Double(g.lower[a])
                let up: Double? = g.capacity[a] == MinCostFlowProblem.unbounded ? nil : Double(g.capacity[a])
                let price = bundleOf[k][a] >= 0 ? r.bundlePrice[bundleOf[k][a]] : 0
                let rc = c + price + pi[Int(g.tail[a])] - pi[Int(g.head[a])]
                primal += c * x[a]
                scale += abs(c * x[a])
                let atLower = x[a] <= lo + flowTolerance
                let atUpper = up.map { x[a] >= $0 - flowTolerance } ?? false
                if atLower && atUpper {
                    // fixed arc (or lower == upper within tolerance): any reduced cost is fine
                } else if atLower {
                    if rc < -costTol { add("commodity \(k) arc \(a): at lower bound (flow \(x[a])) with reduced cost \(rc)") }
                } else if atUpper {
                    if rc > costTol { add("commodity \(k) arc \(a): at upper bound (flow \(x[a])) with reduced cost \(rc)") }
                } else if abs(rc) > costTol {
                    add("commodity \(k) arc \(a): flow \(x[a]) strictly between bounds with reduced cost \(rc)")
                }
                if rc > 0 { dual += lo * rc } else if rc < 0 { dual += (up ?? x[a]) * rc }
            }
            for v in 0 ..< g.nodeCount {
                dual -= Double(g.supply[v]) * pi[v]
                scale += abs(Double(g.supply[v]) * pi[v])
            }
        }
        for b in 0 ..< p.bundleCount {
            let mu = r.bundlePrice[b], cap = Double(p.bundleCapacity[b])
            if mu < -1e-9 { add("bundle \(b): negative price \(mu)") }
            let load = p.members(of: b).reduce(0.0) { $0 + r.flow[$1.commodity][Int($1.arc)] }
            if cap - load > flowTolerance && abs(mu) > priceTol {
                add("bundle \(b): slack \(cap - load) but price \(mu)")
            }
            dual -= mu * cap
            scale += abs(mu * cap)
        }
        if abs(r.objective - primal) > 1e-9 * (1 + abs(primal)) + 1e-9 {
            add("objective \(r.objective) ≠ Σ cost·flow = \(primal)")
        }
        if abs(dual - primal) > 1e-7 * scale + 1e-6 {
            add("duality gap: primal \(primal), dual \(dual)")
        }
        return out
    }

    // MARK: - The same problem as a plain LP for GLPK

    /// One column per commodity-arc (bounds [lower, capacity or +∞], the arc's cost, or 0 with
    /// `zeroCosts`), one equality row per commodity-node (`Σ_out − Σ_in = supply`; self-loops
    /// have no entry), one `≤` row per bundle. `p` must be valid (no member twice).
    static func linearProgram(_ p: BundledFlowProblem, zeroCosts: Bool = false) -> LinearProgram {
        var lp = LinearProgram()
        var column = [[Int]]()
        for g in p.commodities {
            column.append((0 ..< g.arcCount).map { a in
                let up = g.capacity[a] == MinCostFlowProblem.unbounded ? Double.infinity : Double(g.capacity[a])
                return lp.addColumn(bounds: .init(lower: Double(g.lower[a]), upper: up),
                                    objective: zeroCosts ? 0 : Double(g.cost[a]))
            })
        }
        for (k, g) in p.commodities.enumerated() {
            var rows = [[(column: Int, value: Double)]](repeating: [], count: g.nodeCount)
            for a in 0 ..< g.arcCount where g.tail[a] != g.head[a] {
                rows[Int(g.tail[a])].append((column[k][a], 1))
                rows[Int(g.head[a])].append((column[k][a], -1))
            }
            for v in 0 ..< g.nodeCount { lp.addRow(bounds: .fixed(Double(g.supply[v])), coefficients: rows[v]) }
        }
        for b in 0 ..< p.bundleCount {
            lp.addRow(bounds: .atMost(Double(p.bundleCapacity[b])),
                      coefficients: p.members(of: b).map { (column[$0.commodity][Int($0.arc)], 1.0) })
        }
        return lp
    }

    /// Whether the cost can fall without limit along a circulation of uncapacitated arcs in no
    /// bundle (a bundled arc is bounded: its flow is ≥ its lower bound and the bundle caps the
    /// sum). Decided by an LP over those arcs only, each flow in [0, 1], supplies 0.
    static func hasNegativeUncapacitatedCycle(_ p: BundledFlowProblem) throws -> Bool {
        var bundled = p.commodities.map { [Bool](repeating: false, count: $0.arcCount) }
        for b in 0 ..< p.bundleCount { for m in p.members(of: b) { bundled[m.commodity][Int(m.arc)] = true } }
        var lp = LinearProgram()
        for (k, g) in p.commodities.enumerated() {
            var rows = [[(column: Int, value: Double)]](repeating: [], count: g.nodeCount)
            for a in 0 ..< g.arcCount where g.capacity[a] == MinCostFlowProblem.unbounded && !bundled[k][a] {
                let j = lp.addColumn(bounds: .between(0, 1), objective: Double(g.cost[a]))
                if g.tail[a] != g.head[a] {
                    rows[Int(g.tail[a])].append((j, 1))
                    rows[Int(g.head[a])].append((j, -1))
                }
            }
            for v in 0 ..< g.nodeCount where !rows[v].isEmpty { lp.addRow(bounds: .fixed(0), coefficients: rows[v]) }
        }
        if lp.columns.isEmpty { return false }
        let s = try lp.solve().requireOptimal()
        return s.objective < -1e-9
    }

    /// Compares `r` with GLPK on `p` (statuses, objective within 10⁻⁷ relative + 10⁻⁶) and
    /// certifies an optimal `r` with ``verify(_:_:)``. Returns the outcome for tallies.
    @discardableResult
    func crossCheck(_ p: BundledFlowProblem, _ r: BundledFlowResult, _ label: String,
                    file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let theirs = try Self.linearProgram(p).solve()
        switch (r.status, theirs.status) {
        case (.optimal, .optimal):
            let tol = 1e-7 * abs(theirs.objective) + 1e-6
            XCTAssertLessThanOrEqual(abs(r.objective - theirs.objective), tol,
                                     "\(label): objective \(r.objective), GLPK \(theirs.objective)", file: file, line: line)
            let v = Self.verify(p, r)
            XCTAssertTrue(v.isEmpty, "\(label): \(v.joined(separator: "; "))", file: file, line: line)
            return "optimal"
        case (.infeasible, .infeasible):
            return "infeasible"
        case (.unbounded, .unbounded):
            XCTAssertTrue(try Self.hasNegativeUncapacitatedCycle(p),
                          "\(label): unbounded without a negative uncapacitated cycle outside bundles", file: file, line: line)
            return "unbounded"
        case (.unbounded, .infeasible):
            // Both infeasible and unbounded: GLPK settles infeasibility first; we may report the
            // negative cycle. Confirm both facts independently.
            XCTAssertEqual(try Self.linearProgram(p, zeroCosts: true).solve().status, .infeasible,
                           "\(label): we say unbounded, GLPK infeasible, but the zero-cost LP is feasible", file: file, line: line)
            XCTAssertTrue(try Self.hasNegativeUncapacitatedCycle(p),
                          "\(label): unbounded without a negative uncapacitated cycle outside bundles", file: file, line: line)
            return "infeasible+unbounded"
        default:
            XCTFail("\(label): ours \(r.status), GLPK \(theirs.status)", file: file, line: line)
            return "mismatch"
        }
    }

    // MARK: - Hand-solved cases

    /// The two-commodity instance of the ``BundledFlowProblem`` documentation, with the bundle
    /// over the two cheap arcs set to `capacity` (and optionally without the dear arcs).
    static func docExample(capacity: Int64, withDearArcs: Bool = true) -> (BundledFlowProblem, cheap: Int, dear: Int) {
        var g = MinCostFlowProblem(nodeCount: 2)
        g.setSupply(0, 10); g.setSupply(1, -10)
        let cheap = g.addArc(from: 0, to: 1, cost: 1)
        let dear = withDearArcs ? g.addArc(from: 0, to: 1, cost: 5) : -1
        var p = BundledFlowProblem(commodities: [g, g])
        p.addBundle(capacity: capacity, members: [(0, cheap), (1, cheap)])
        return (p, Int(cheap), Int(dear))
    }

    func testDocExampleFullBundle() throws {
        // 20 units must go 0 → 1; the cheap arcs (cost 1) share a bundle of 12, so 12 go cheap
        // and 8 dear (cost 5): 12·1 + 8·5 = 52. Both cheap arcs carry flow (each ≤ 10, sum 12)
        // and some dear arc carries flow, so rc = 0 on both: 1 + μ + π0 − π1 = 0 and
        // 5 + π0 − π1 = 0 ⇒ μ = 4 (unique): one more unit of bundle capacity saves 5 − 1.
        let (p, cheap, dear) = Self.docExample(capacity: 12)
        let r = PrimalPartitioningSimplex().solve(p)
        XCTAssertEqual(r.status, .optimal)
        XCTAssertEqual(r.objective, 52, accuracy: 1e-9)
        guard r.status == .optimal, r.flow.count == 2, r.bundlePrice.count == 1 else { return }
        XCTAssertEqual(r.bundlePrice[0], 4, accuracy: 1e-9)
        XCTAssertEqual(r.flow[0][cheap] + r.flow[1][cheap], 12, accuracy: 1e-9)
        XCTAssertEqual(r.flow[0][dear] + r.flow[1][dear], 8, accuracy: 1e-9)
        XCTAssertTrue(r.feasible)
        XCTAssertEqual(Self.verify(p, r), [])
        try crossCheck(p, r, "doc example")
    }

    func testBundleNotFullHasZeroPrice() throws {
        // Capacity 25 ≥ 20: everything goes cheap, 20·1 = 20; the bundle has slack 5, so μ = 0.
        let (p, cheap, dear) = Self.docExample(capacity: 25)
        let r = PrimalPartitioningSimplex().solve(p)
        XCTAssertEqual(r.status, .optimal)
        XCTAssertEqual(r.objective, 20, accuracy: 1e-9)
        guard r.status == .optimal, r.flow.count == 2, r.bundlePrice.count == 1 else { return }
        XCTAssertEqual(r.bundlePrice[0], 0, accuracy: 1e-9)
        XCTAssertEqual(r.flow[0][cheap], 10, accuracy: 1e-9)
        XCTAssertEqual(r.flow[1][cheap], 10, accuracy: 1e-9)
        XCTAssertEqual(r.flow[0][dear] + r.flow[1][dear], 0, accuracy: 1e-9)
        XCTAssertEqual(Self.verify(p, r), [])
        try crossCheck(p, r, "slack bundle")
    }

    func testExactlyFullBundleIsDegenerate() throws {
        // Capacity 20 = the demand: all cheap, objective 20, bundle full with no slack. The dual
        // is degenerate: the dear arcs sit at 0 (5 + π0 − π1 ≥ 0) and the cheap ones between
        // (1 + μ + π0 − π1 = 0), so any μ ∈ [0, 4] is a valid price.
        let (p, _, _) = Self.docExample(capacity: 20)
        let r = PrimalPartitioningSimplex().solve(p)
        XCTAssertEqual(r.status, .optimal)
        XCTAssertEqual(r.objective, 20, accuracy: 1e-9)
        guard r.status == .optimal, r.bundlePrice.count == 1 else { return }
        XCTAssertGreaterThanOrEqual(r.bundlePrice[0], -1e-9)
        XCTAssertLessThanOrEqual(r.bundlePrice[0], 4 + 1e-9)
        XCTAssertEqual(Self.verify(p, r), [])
    }

    func testZeroCapacityBundleAndEmptyBundle() throws {
        // Bundle 0 (capacity 0) closes the cheap arcs: all 20 units go dear, 20·5 = 100. Its price
        // is degenerate: cheap arcs at 0 need 1 + μ − 5 ≥ 0, so μ ≥ 4. Bundle 1 has no members
        // and capacity 3 (slack 3): price 0.
        var (p, _, _) = Self.docExample(capacity: 0)
        p.addBundle(capacity: 3, members: [])
        let r = PrimalPartitioningSimplex().solve(p)
        XCTAssertEqual(r.status, .optimal)
        XCTAssertEqual(r.objective, 100, accuracy: 1e-9)
        guard r.status == .optimal, r.bundlePrice.count == 2 else { return }
        XCTAssertGreaterThanOrEqual(r.bundlePrice[0], 4 - 1e-9)
        XCTAssertEqual(r.bundlePrice[1], 0, accuracy: 1e-9)
        XCTAssertEqual(Self.verify(p, r), [])
        try crossCheck(p, r, "zero-capacity bundle")
    }

    func testInfeasibleBundles() throws {
        // Only the bundled cheap arcs lead from 0 to 1: 20 units, capacity 15, no other route.
        let (p, _, _) = Self.docExample(capacity: 15, withDearArcs: false)
        let r = PrimalPartitioningSimplex().solve(p)
        XCTAssertEqual(r.status, .infeasible)
        try crossCheck(p, r, "tight bundle")

        // With the dear route available but lower bounds of 8 on both cheap arcs: 16 > 12.
        let example = Self.docExample(capacity: 12)
        var q = example.0
        for k in 0 ..< 2 { q.commodities[k].setBounds(ArcID(example.cheap), lower: 8, capacity: MinCostFlowProblem.unbounded) }
        let s = PrimalPartitioningSimplex().solve(q)
        XCTAssertEqual(s.status, .infeasible)
        try crossCheck(q, s, "lower bounds over the bundle capacity")

        // Feasible per commodity and for the bundle, but the supplies of one commodity do not
        // balance.
        var (u, _, _) = Self.docExample(capacity: 25)
        u.commodities[1].setSupply(1, -9)
        XCTAssertEqual(PrimalPartitioningSimplex().solve(u).status, .infeasible)
    }

    /// Three commodities on the same 3-node shape: 0 (source, 8 units) → 1 (transit depot) → 2
    /// (sink), arcs a = 0→1 and b = 1→2 at cost 1 each, and a direct arc d = 0→2 (uncapacitated).
    /// Bundle A = {a of commodities 0, 1}, capacity 10; bundle B = {b of commodities 1, 2},
    /// capacity 9. Direct costs 10, 7, 6, so the chain saves 8, 5, 4 per unit.
    static func twoBundlesThreeCommodities() -> (BundledFlowProblem, a: Int, b: Int, d: Int) {
        var commodities = [MinCostFlowProblem]()
        for direct in [Int64(10), 7, 6] {
            var g = MinCostFlowProblem(nodeCount: 3)
            g.setSupply(0, 8); g.setSupply(2, -8)
            g.addArc(from: 0, to: 1, cost: 1)
            g.addArc(from: 1, to: 2, cost: 1)
            g.addArc(from: 0, to: 2, cost: direct)
            commodities.append(g)
        }
        var p = BundledFlowProblem(commodities: commodities)
        p.addBundle(capacity: 10, members: [(0, 0), (1, 0)])
        p.addBundle(capacity: 9, members: [(1, 1), (2, 1)])
        return (p, 0, 1, 2)
    }

    func testTwoBundlesAcrossThreeCommodities() throws {
        // With y_k the chain flow of commodity k: maximise the saving 8y0 + 5y1 + 4y2 subject to
        // y0 + y1 ≤ 10 (A), y1 + y2 ≤ 9 (B), 0 ≤ y_k ≤ 8. Optimum y = (8, 2, 7), saving
        // 64 + 10 + 28 = 102, certified by the dual (μA, μB) = (1, 4) and 7 on y0 ≤ 8:
        // 10·1 + 9·4 + 8·7 = 102. It is unique (y0's saving exceeds its bundle's price, and
        // trading y1 for y2 loses 1 per unit). All-direct cost 8·10 + 8·7 + 8·6 = 184, so the
        // optimum is 184 − 102 = 82 (= 16 + (4 + 42) + (14 + 6)).
        // Prices: commodity 2 uses both its chain and its direct arc: 1 + 1 + μB = 6 ⇒ μB = 4;
        // commodity 1 too: 1 + μA + 1 + μB = 7 ⇒ μA = 1. Unique.
        let (p, a, b, d) = Self.twoBundlesThreeCommodities()
        let r = PrimalPartitioningSimplex().solve(p)
        XCTAssertEqual(r.status, .optimal)
        XCTAssertEqual(r.objective, 82, accuracy: 1e-9)
        guard r.status == .optimal, r.flow.count == 3, r.bundlePrice.count == 2 else { return }
        XCTAssertEqual(r.bundlePrice[0], 1, accuracy: 1e-9)
        XCTAssertEqual(r.bundlePrice[1], 4, accuracy: 1e-9)
        for (k, chain) in [(0, 8.0), (1, 2.0), (2, 7.0)] {
            XCTAssertEqual(r.flow[k][a], chain, accuracy: 1e-9, "commodity \(k)")
            XCTAssertEqual(r.flow[k][b], chain, accuracy: 1e-9, "commodity \(k)")
            XCTAssertEqual(r.flow[k][d], 8 - chain, accuracy: 1e-9, "commodity \(k)")
        }
        XCTAssertEqual(Self.verify(p, r), [])
        try crossCheck(p, r, "two bundles, three commodities")
    }

    func testNegativeCycleOutsideBundlesIsUnbounded() throws {
        // Nodes 0, 1, 2; 5 units 0 → 2 per commodity on a capacitated arc, the two commodities'
        // arcs in one bundle (capacity 12, so the instance is feasible); 1 → 2 (cost −4) and
        // 2 → 1 (cost 1) are uncapacitated and in no bundle: the cycle costs −3 per unit, forever.
        var g = MinCostFlowProblem(nodeCount: 3)
        g.setSupply(0, 5); g.setSupply(2, -5)
        let direct = g.addArc(from: 0, to: 2, capacity: 10, cost: 3)
        let down = g.addArc(from: 1, to: 2, cost: -4)
        g.addArc(from: 2, to: 1, cost: 1)
        var p = BundledFlowProblem(commodities: [g, g])
        p.addBundle(capacity: 12, members: [(0, direct), (1, direct)])
        let r = PrimalPartitioningSimplex().solve(p)
        XCTAssertEqual(r.status, .unbounded)
        try crossCheck(p, r, "negative cycle")

        // The same cycle with its cost −4 arc in a bundle of capacity 6 (one commodity): bounded.
        // 5 units direct (15) and 6 units around the cycle (6·(−3) = −18): −3. Prices: the
        // direct arc's bundle has slack 3 (μ = 0); on the cycle both arcs carry flow, so
        // 1 + π2 − π1 = 0 and −4 + μ + π1 − π2 = 0 ⇒ μ = 3.
        var q = BundledFlowProblem(commodities: [g])
        q.addBundle(capacity: 8, members: [(0, direct)])
        q.addBundle(capacity: 6, members: [(0, down)])
        let s = PrimalPartitioningSimplex().solve(q)
        XCTAssertEqual(s.status, .optimal)
        XCTAssertEqual(s.objective, -3, accuracy: 1e-9)
        if s.status == .optimal, s.bundlePrice.count == 2 {
            XCTAssertEqual(s.bundlePrice[0], 0, accuracy: 1e-9)
            XCTAssertEqual(s.bundlePrice[1], 3, accuracy: 1e-9)
        }
        XCTAssertEqual(Self.verify(q, s), [])
        try crossCheck(q, s, "bundled negative cycle")
    }

    func testInvalidProblems() {
        let (base, cheap, dear) = Self.docExample(capacity: 12)

        var twice = base
        twice.addBundle(capacity: 5, members: [(1, ArcID(dear)), (0, ArcID(cheap))])
        XCTAssertEqual(PrimalPartitioningSimplex().solve(twice).status, .invalid(.arcInTwoBundles(commodity: 0, arc: cheap)))

        var g = MinCostFlowProblem(nodeCount: 2)
        g.setSupply(0, 1); g.setSupply(1, -1)
        let a = g.addArc(from: 0, to: 1, cost: 1)
        var sameBundle = BundledFlowProblem(commodities: [g])
        sameBundle.addBundle(capacity: 5, members: [(0, a), (0, a)])
        XCTAssertEqual(PrimalPartitioningSimplex().solve(sameBundle).status, .invalid(.arcInTwoBundles(commodity: 0, arc: Int(a))))

        var badCommodity = base
        badCommodity.addBundle(capacity: 5, members: [(2, 0)])
        XCTAssertEqual(PrimalPartitioningSimplex().solve(badCommodity).status, .invalid(.badMember(bundle: 1, commodity: 2, arc: 0)))

        var badArc = base
        badArc.addBundle(capacity: 5, members: [(1, 7)])
        XCTAssertEqual(PrimalPartitioningSimplex().solve(badArc).status, .invalid(.badMember(bundle: 1, commodity: 1, arc: 7)))

        var negativeArc = base
        negativeArc.addBundle(capacity: 5, members: [(0, -1)])
        XCTAssertEqual(PrimalPartitioningSimplex().solve(negativeArc).status, .invalid(.badMember(bundle: 1, commodity: 0, arc: -1)))

        var negativeCapacity = base
        negativeCapacity.setBundleCapacity(0, -1)
        XCTAssertEqual(PrimalPartitioningSimplex().solve(negativeCapacity).status, .invalid(.badBundleCapacity(bundle: 0)))

        var badBounds = base
        badBounds.commodities[1].setBounds(ArcID(dear), lower: 3, capacity: 2)
        XCTAssertEqual(PrimalPartitioningSimplex().solve(badBounds).status, .invalid(.commodity(1, .badBounds)))
    }

    func testNoCommodities() {
        let r = PrimalPartitioningSimplex().solve(BundledFlowProblem(commodities: []))
        XCTAssertEqual(r.status, .optimal)
        XCTAssertEqual(r.objective, 0)
    }

    // MARK: - Random instances

    /// A random instance: 1–4 commodities of 2–12 nodes; often all commodities share one graph
    /// shape (same arcs, own bounds, costs near a shared base cost) with bundles over the same
    /// arc across commodities, as products sharing lanes; plus random bundles of arbitrary
    /// unbundled arcs (sometimes several arcs of one commodity). Most shapes start with a ring
    /// 0 → 1 → … → 0 of roomy, dearer arcs (so that many instances are feasible), then random
    /// arcs (self-loops included), the ring usually kept out of bundles: some uncapacitated,
    /// some lower bounds (rarely negative).
    /// Costs are nonnegative except in about 25 % of the instances (where negative uncapacitated
    /// cycles occur); supplies balance per commodity except in about 6 % of the instances;
    /// bundle capacities are tight (may bind or be infeasible) or loose.
    static func randomProblem(seed: UInt64) -> BundledFlowProblem {
        var rng = Xoshiro256StarStar(seed: seed)
        let K = Int(rng.uniform(1 ... 4))
        let negative = rng.percent(25)
        let unbalanced = rng.percent(6) ? Int(rng.below(UInt64(K))) : -1
        let shared = K > 1 && rng.percent(60)

        var n = 0, ring = 0
        var ringOf = [Int]()
        var shape = [(NodeID, NodeID)]()
        var baseCost = [Int64]()
        var commodities = [MinCostFlowProblem]()
        for k in 0 ..< K {
            if k == 0 || !shared {
                n = Int(rng.uniform(2 ... 12))
                ring = rng.percent(85) ? n : 0
                let m = Int(rng.uniform(1 ... Int64(3 * n)))
                shape = (0 ..< ring).map { (NodeID($0), NodeID(($0 + 1) % n)) }
                shape += (0 ..< m).map { _ in (NodeID(rng.below(UInt64(n))), NodeID(rng.below(UInt64(n)))) }
                baseCost = shape.indices.map {
                    $0 < ring ? rng.uniform(10 ... 25) : negative ? rng.uniform(-8 ... 20) : rng.uniform(0 ... 20)
                }
            }
            var g = MinCostFlowProblem(nodeCount: n)
            var balance: Int64 = 0
            for v in 0 ..< n - 1 {
                let s = rng.percent(50) ? rng.uniform(-15 ... 15) : 0
                g.setSupply(NodeID(v), s)
                balance += s
            }
            g.setSupply(NodeID(n - 1), k == unbalanced ? -balance + rng.uniform(1 ... 5) : -balance)
            for (a, (t, h)) in shape.enumerated() {
                let cost = shared ? baseCost[a] + rng.uniform(0 ... 3) : baseCost[a]
                if a < ring {
                    g.addArc(from: t, to: h, capacity: rng.percent(50) ? MinCostFlowProblem.unbounded : 100, cost: cost)
                    continue
                }
                let unlimited = rng.percent(negative ? 35 : 20)
                let lower = rng.percent(15) ? rng.uniform(0 ... 5) : (rng.percent(3) ? rng.uniform(-5 ... -1) : 0)
                let capacity = unlimited ? MinCostFlowProblem.unbounded : lower + rng.uniform(0 ... 25)
                g.addArc(from: t, to: h, lower: lower, capacity: capacity, cost: cost)
            }
            commodities.append(g)
            ringOf.append(ring)
        }

        var p = BundledFlowProblem(commodities: commodities)
        var taken = commodities.map { [Bool](repeating: false, count: $0.arcCount) }
        if !rng.percent(20) {
            // Keep the ring out of bundles: an escape route, so that bundles bind without
            // making the instance infeasible.
            for k in 0 ..< K { for a in 0 ..< ringOf[k] { taken[k][a] = true } }
        }
        func capacity(_ size: Int) -> Int64 {
            rng.percent(65) ? rng.uniform(0 ... Int64(8 * size)) : rng.uniform(Int64(8 * size) ... Int64(40 * size))
        }
        if shared {
            // Lanes: the same arc of every commodity (or of a random subset) in one bundle.
            for a in 0 ..< shape.count where rng.percent(40) {
                var members = [(commodity: Int, arc: ArcID)]()
                let all = rng.percent(70)
                for k in 0 ..< K where !taken[k][a] && (all || rng.percent(60)) {
                    members.append((k, ArcID(a))); taken[k][a] = true
                }
                if members.isEmpty { continue }
                p.addBundle(capacity: capacity(members.count), members: members)
            }
        }
        let extra = Int(rng.uniform(0 ... (shared ? 2 : 5)))
        for _ in 0 ..< extra {
            let size = Int(rng.uniform(1 ... 4))
            var members = [(commodity: Int, arc: ArcID)]()
            let single = rng.percent(35) ? Int(rng.below(UInt64(K))) : -1  // several arcs of one commodity
            for _ in 0 ..< 3 * size where members.count < size {
                let k = single >= 0 ? single : Int(rng.below(UInt64(K)))
                let a = Int(rng.below(UInt64(commodities[k].arcCount)))
                if taken[k][a] { continue }
                taken[k][a] = true
                members.append((k, ArcID(a)))
            }
            if members.isEmpty { continue }
            p.addBundle(capacity: capacity(members.count), members: members)
        }
        return p
    }

    func testRandomInstancesAgainstGLPK() throws {
        try randomInstancesAgainstGLPK(lazyPotentials: true)
    }

    /// The same with the potentials shifted at every pivot.
    func testRandomInstancesAgainstGLPKEagerPotentials() throws {
        try randomInstancesAgainstGLPK(lazyPotentials: false)
    }

    /// Full bundles' negative prices dealt with before any arc (the default deals with them last).
    func testRandomInstancesAgainstGLPKSlacksFirst() throws {
        try randomInstancesAgainstGLPK(lazyPotentials: true, slackPricing: .first)
    }

    func randomInstancesAgainstGLPK(lazyPotentials: Bool, slackPricing: PrimalPartitioningSimplex.SlackPricing = .last) throws {
        var tally = [String: Int]()
        var pricedBundles = 0, pricedInstances = 0, pivots = 0
        var solver = PrimalPartitioningSimplex()
        solver.lazyPotentials = lazyPotentials
        solver.slackPricing = slackPricing
        for seed in UInt64(1) ... 800 {
            let p = Self.randomProblem(seed: seed)
            XCTAssertNil(p.validate(), "seed \(seed)")
            let r = solver.solve(p)
            let outcome = try crossCheck(p, r, "seed \(seed)")
            tally[outcome, default: 0] += 1
            pivots += r.pivots
            let priced = r.status == .optimal ? r.bundlePrice.filter { $0 > 1e-9 }.count : 0
            pricedBundles += priced
            if priced > 0 { pricedInstances += 1 }
        }
        // The generator must exercise every outcome, and bundles that bind, or the test proves
        // less than it claims.
        XCTAssertEqual(tally["mismatch"] ?? 0, 0, "\(tally)")
        XCTAssertGreaterThan(tally["optimal"] ?? 0, 400, "\(tally)")
        XCTAssertGreaterThan(tally["infeasible"] ?? 0, 80, "\(tally)")
        XCTAssertGreaterThan((tally["unbounded"] ?? 0) + (tally["infeasible+unbounded"] ?? 0), 20, "\(tally)")
        XCTAssertGreaterThan(pricedInstances, 100, "\(tally)")
        print("BundledFlowTests random: \(tally), \(pricedBundles) priced bundles in \(pricedInstances) instances, \(pivots) pivots")
    }

    /// From each commodity's own optimal tree (bundles dropped) the composite phase reaches the
    /// same optimum as GLPK, with verified duals, in fewer pivots than the cold start overall.
    func testWarmStartFromCommodityOptima() throws {
        var adopted = 0, coldPivots = 0, warmPivots = 0
        for seed in UInt64(1) ... 800 {
            let p = Self.randomProblem(seed: seed)
            var starts = [NetworkSimplexSession.Basis]()
            for c in p.commodities {
                let session = NetworkSimplexSession(c)
                if session.solve().status == .optimal, let b = session.basis() { starts.append(b) }
            }
            guard starts.count == p.commodities.count, !starts.isEmpty else { continue }
            let warm = PrimalPartitioningSimplex().solve(p, start: starts)
            XCTAssertTrue(warm.startAdopted, "seed \(seed)")
            adopted += 1
            let lp = try Self.linearProgram(p).solve()
            switch lp.status {
            case .optimal:
                XCTAssertEqual(warm.status, .optimal, "seed \(seed)")
                XCTAssertEqual(warm.objective, lp.objective, accuracy: 1e-7 * max(1, abs(lp.objective)) + 1e-6, "seed \(seed)")
                XCTAssertEqual(Self.verify(p, warm), [], "seed \(seed)")
                let cold = PrimalPartitioningSimplex().solve(p)
                coldPivots += cold.pivots; warmPivots += warm.pivots
            case .infeasible:
                XCTAssertEqual(warm.status, .infeasible, "seed \(seed)")
            default:
                break
            }
        }
        XCTAssertGreaterThan(adopted, 300)
        XCTAssertLessThan(warmPivots, coldPivots)
    }

    /// Each commodity's optimum under an equal share of every bundle (the planner's start from a
    /// capacity-respecting plan): arcs at their share sit strictly inside their bounds
    /// (superbasic) and pricing moves them either way; same optimum as GLPK, verified duals.
    func testWarmStartFromShares() throws {
        var adopted = 0, superbasic = 0, optimal = 0, sharePivots = 0, ownPivots = 0
        for seed in UInt64(1) ... 800 {
            let p = Self.randomProblem(seed: seed)
            var caps = p.commodities.map { $0.capacity }
            for r in 0 ..< p.bundleCount {
                let range = Int(p.memberStart[r]) ..< Int(p.memberStart[r + 1])
                let share = p.bundleCapacity[r] / Int64(range.count)
                for i in range {
                    let k = Int(p.memberCommodity[i]), a = Int(p.memberArc[i])
                    let c = p.commodities[k]
                    if c.capacity[a] == MinCostFlowProblem.unbounded || c.capacity[a] > share { caps[k][a] = max(share, c.lower[a]) }
                }
            }
            var starts = [NetworkSimplexSession.Basis](), own = [NetworkSimplexSession.Basis]()
            for (k, c) in p.commodities.enumerated() {
                let session = NetworkSimplexSession(c)
                if session.solve().status == .optimal, let b = session.basis() { own.append(b) }
                guard session.setCapacities(caps[k]) == nil, session.solve().status == .optimal, let b = session.basis() else { break }
                starts.append(b)
                for a in 0 ..< c.arcCount where b.atUpper[a] && caps[k][a] != c.capacity[a] && caps[k][a] > c.lower[a] { superbasic += 1 }
            }
            guard starts.count == p.commodities.count, !starts.isEmpty else { continue }
            let warm = PrimalPartitioningSimplex().solve(p, start: starts, startCapacity: caps)
            XCTAssertTrue(warm.startAdopted, "seed \(seed)")
            adopted += 1
            let lp = try Self.linearProgram(p).solve()
            switch lp.status {
            case .optimal:
                optimal += 1
                XCTAssertEqual(warm.status, .optimal, "seed \(seed)")
                XCTAssertEqual(warm.objective, lp.objective, accuracy: 1e-7 * max(1, abs(lp.objective)) + 1e-6, "seed \(seed)")
                XCTAssertEqual(Self.verify(p, warm), [], "seed \(seed)")
                if own.count == p.commodities.count {
                    sharePivots += warm.pivots
                    ownPivots += PrimalPartitioningSimplex().solve(p, start: own).pivots
                }
            case .infeasible:
                XCTAssertEqual(warm.status, .infeasible, "seed \(seed)")
            default:
                break
            }
        }
        XCTAssertGreaterThan(adopted, 300)
        XCTAssertGreaterThan(optimal, 200)
        XCTAssertGreaterThan(superbasic, 200, "the shares must leave arcs strictly inside their bounds")
        print("BundledFlowTests shares: \(adopted) adopted, \(superbasic) superbasic arcs, pivots \(sharePivots) from shares, \(ownPivots) from own optima")
    }

    /// Hand-checked: s → t by a cheap arc A (cost 1, capacity 10) or a dear one B (cost 3);
    /// 10 m³ to send. Started with A at a share of 4 (superbasic) and B carrying 6 in the tree,
    /// pricing raises A to 10 (reduced cost 1 − 3 = −2): objective 10, one pivot. Started with A
    /// over a share of 4 in a problem where B is the cheap one, A goes down to 0.
    func testSuperbasicStartMovesEitherWay() {
        for (costA, costB, expected, flowA) in [(Int64(1), Int64(3), 10.0, 10.0), (3, 1, 10.0, 0.0)] {
            var g = MinCostFlowProblem(nodeCount: 2)
            g.setSupply(0, 10); g.setSupply(1, -10)
            g.addArc(from: 0, to: 1, capacity: 10, cost: costA)
            g.addArc(from: 0, to: 1, capacity: 10, cost: costB)
            var p = BundledFlowProblem(commodities: [g])
            p.addBundle(capacity: 10, members: [(0, 0)])
            // Tree: node 0 hangs from node 1 by B (parent arc of node 0 is B; node 1 from the root).
            let start = NetworkSimplexSession.Basis(parentArc: [1, -1], atUpper: [true, false])
            let r = PrimalPartitioningSimplex().solve(p, start: [start], startCapacity: [[4, 10]])
            XCTAssertTrue(r.startAdopted)
            XCTAssertEqual(r.status, .optimal)
            XCTAssertEqual(r.objective, expected)
            XCTAssertEqual(r.flow[0][0], flowA)
            XCTAssertEqual(r.pivots, 1)
            XCTAssertEqual(Self.verify(p, r), [])
        }
    }

    func testWithoutBundlesMatchesNetworkSimplexPerCommodity() throws {
        // No bundles: the commodities are independent min-cost flows.
        for seed in UInt64(10_001) ... 10_300 {
            let q = Self.randomProblem(seed: seed)
            let p = BundledFlowProblem(commodities: q.commodities)
            let r = PrimalPartitioningSimplex().solve(p)
            let each = p.commodities.map { NetworkSimplex().solve($0) }
            if each.allSatisfy({ $0.status == .optimal }) {
                XCTAssertEqual(r.status, .optimal, "seed \(seed)")
                let total = each.reduce(0.0) { $0 + Double($1.objective) }
                XCTAssertEqual(r.objective, total, accuracy: 1e-9 * (1 + abs(total)), "seed \(seed)")
                let v = Self.verify(p, r)
                XCTAssertTrue(v.isEmpty, "seed \(seed): \(v.joined(separator: "; "))")
            } else if !each.contains(where: { $0.status == .unbounded }) {
                XCTAssertEqual(r.status, .infeasible, "seed \(seed)")
            } else {
                // NetworkSimplex reports a negative uncapacitated cycle even when infeasible.
                XCTAssertTrue(r.status == .unbounded || r.status == .infeasible, "seed \(seed): \(r.status)")
            }
        }
    }

    // MARK: - Larger instances

    /// `K` commodities on one shared shape of `n` nodes: a ring of uncapacitated expensive arcs
    /// in no bundle (so every balanced supply is feasible and nothing is unbounded) plus
    /// `m − n` random lanes (cost 1–100, capacity 20–200 or uncapacitated), with `lanes`
    /// bundles over the same lane in every commodity (capacity 5–60 above the members' lower
    /// bounds) and `mixed` bundles of 2–5 arbitrary unbundled arcs (5–40), tight enough that
    /// many bind; 10 sources and 15 sinks per commodity. With `twists`, some lanes have
    /// negative costs (capacitated) and lower bounds.
    static func largeProblem(seed: UInt64, K: Int, n: Int, m: Int, lanes: Int, mixed: Int, twists: Bool) -> BundledFlowProblem {
        var rng = Xoshiro256StarStar(seed: seed)
        var shape = (0 ..< n).map { (NodeID($0), NodeID(($0 + 1) % n)) }
        while shape.count < m {
            let t = NodeID(rng.below(UInt64(n))), h = NodeID(rng.below(UInt64(n)))
            if t != h { shape.append((t, h)) }
        }
        let base = shape.indices.map { $0 < n ? rng.uniform(500 ... 1000) : rng.uniform(1 ... 100) }
        var commodities = [MinCostFlowProblem]()
        for _ in 0 ..< K {
            var g = MinCostFlowProblem(nodeCount: n)
            var nodes = Array(0 ..< n)
            for i in 0 ..< 25 { nodes.swapAt(i, i + Int(rng.below(UInt64(n - i)))) }
            var total: Int64 = 0
            for i in 0 ..< 10 { let s = rng.uniform(20 ... 100); g.setSupply(NodeID(nodes[i]), s); total += s }
            for i in 10 ..< 25 {
                let d = i == 24 ? total : min(total, rng.uniform(0 ... total / 8))
                g.setSupply(NodeID(nodes[i]), -d); total -= d
            }
            for (a, (t, h)) in shape.enumerated() {
                if a < n { g.addArc(from: t, to: h, cost: base[a]); continue }
                var cost = base[a] + rng.uniform(0 ... 10)
                var lower: Int64 = 0
                var capacity = rng.percent(20) ? MinCostFlowProblem.unbounded : rng.uniform(20 ... 200)
                if twists && rng.percent(10) {
                    if capacity == MinCostFlowProblem.unbounded { capacity = rng.uniform(20 ... 200) }
                    cost = -rng.uniform(1 ... 30)
                }
                if twists && rng.percent(5) { lower = rng.uniform(1 ... 5); capacity = max(capacity, lower) }
                g.addArc(from: t, to: h, lower: lower, capacity: capacity, cost: cost)
            }
            commodities.append(g)
        }
        var p = BundledFlowProblem(commodities: commodities)
        var taken = commodities.map { [Bool](repeating: false, count: $0.arcCount) }
        var laneArcs = Array(n ..< m)
        for i in 0 ..< lanes { laneArcs.swapAt(i, i + Int(rng.below(UInt64(laneArcs.count - i)))) }
        for a in laneArcs.prefix(lanes) {
            let lower = commodities.reduce(Int64(0)) { $0 + $1.lower[a] }
            p.addBundle(capacity: lower + rng.uniform(5 ... 60), members: (0 ..< K).map { ($0, ArcID(a)) })
            for k in 0 ..< K { taken[k][a] = true }
        }
        for _ in 0 ..< mixed {
            var members = [(commodity: Int, arc: ArcID)]()
            var lower: Int64 = 0
            let size = Int(rng.uniform(2 ... 5))
            while members.count < size {
                let k = Int(rng.below(UInt64(K))), a = n + Int(rng.below(UInt64(m - n)))
                if taken[k][a] { continue }
                taken[k][a] = true
                members.append((k, ArcID(a)))
                lower += commodities[k].lower[a]
            }
            p.addBundle(capacity: lower + rng.uniform(5 ... 40), members: members)
        }
        return p
    }

    func testLargerSharedLaneInstancesAgainstGLPK() throws {
        for (seed, twists) in [(UInt64(1), false), (2, true)] {
            let p = Self.largeProblem(seed: seed, K: 4, n: 200, m: 800, lanes: 80, mixed: 20, twists: twists)
            XCTAssertNil(p.validate())
            let clock = ContinuousClock()
            var r = BundledFlowResult(status: .numericalTrouble)
            let elapsed = clock.measure { r = PrimalPartitioningSimplex().solve(p) }
            XCTAssertEqual(r.status, .optimal, "large seed \(seed)")
            let outcome = try crossCheck(p, r, "large seed \(seed)")
            XCTAssertEqual(outcome, "optimal")
            let priced = r.bundlePrice.filter { $0 > 1e-9 }.count
            XCTAssertGreaterThan(priced, 0, "large seed \(seed): no bundle binds, the instance tests little")
            print("BundledFlowTests large seed \(seed): \(r.pivots) pivots, working basis \(r.workingBasisSize) "
                  + "(largest \(r.largestWorkingBasis)), \(priced) priced bundles, \(elapsed)")
        }
    }

    /// Long solves report where they stand: pivots in order, never past the end, phases 1–2.
    func testProgressReports() {
        let p = Self.largeProblem(seed: 1, K: 4, n: 600, m: 2400, lanes: 240, mixed: 60, twists: false)
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var reports: [PrimalPartitioningSimplex.Progress] = []
        }
        let seen = Seen()
        var solver = PrimalPartitioningSimplex()
        solver.progressInterval = 0
        solver.progress = { r in seen.lock.lock(); seen.reports.append(r); seen.lock.unlock() }
        let r = solver.solve(p)
        XCTAssertEqual(r.status, .optimal)
        XCTAssertGreaterThan(r.pivots, 2048)
        // At every 1,024th pivot (pivot 0 included) once the interval has passed: here always.
        XCTAssertGreaterThanOrEqual(seen.reports.count, r.pivots / 1024)
        XCTAssertTrue(seen.reports.allSatisfy { $0.pivots % 1024 == 0 })
        XCTAssertEqual(seen.reports.map(\.pivots), seen.reports.map(\.pivots).sorted())
        XCTAssertTrue(seen.reports.allSatisfy { $0.pivots <= r.pivots && (1 ... 2).contains($0.phase) && $0.overfullBundles == 0 })
        XCTAssertEqual(seen.reports.last?.phase, 2)
    }

    func testLimitsStopEarly() {
        let p = Self.largeProblem(seed: 3, K: 4, n: 200, m: 800, lanes: 80, mixed: 20, twists: false)
        var solver = PrimalPartitioningSimplex()
        solver.maxPivots = 3
        let r = solver.solve(p)
        XCTAssertEqual(r.status, .limitReached)
        XCTAssertLessThanOrEqual(r.pivots, 3)
        if r.feasible { XCTAssertEqual(Self.primalViolations(p, r.flow), []) }

        let s = PrimalPartitioningSimplex().solve(p, deadline: .now - .seconds(1))
        XCTAssertEqual(s.status, .limitReached)
        if s.feasible { XCTAssertEqual(Self.primalViolations(p, s.flow), []) }
    }
}
