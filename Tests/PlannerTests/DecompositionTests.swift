import Foundation
import FuelFlowModel
import FuelFlowSupport
@testable import Planner
import XCTest

/// The Dantzig–Wolfe route `auto` takes on large coupled models (forced here with
/// `decompositionThreshold = 0` on small generated networks whose relaxation violates shared rows).
final class DecompositionRouteTests: XCTestCase {
    func generated(seed: UInt64, days: Int = 4, stations: Int = 25, products: Int = 3) -> Network {
        var c = GeneratorConfig(preset: .small, seed: seed)
        c.days = days; c.stations = stations; c.products = products; c.historyDays = 0
        return NetworkGenerator.generate(c)
    }

    func decomposed(_ net: Network, rounds: Int = 0, timeLimit: Double = 30, gap: Double = PlanOptions().decompositionGap,
                    kind: DecompositionKind) throws -> Plan {
        var o = PlanOptions(method: .auto, timeLimit: timeLimit, threads: 2)
        o.decompositionGap = gap
        o.decompositionThreshold = 0
        o.partitionThreshold = 0   // the decomposition, not the exact partitioning first
        o.decompositionRounds = rounds
        o.decomposition = kind
        return try Planner.plan(net, options: o)
    }

    /// Coupled networks whose relaxation violates shared rows (seeds checked by the route).
    var coupledSeeds: [UInt64] { Array(11...26) }

    /// Runs `body` on each coupled seed's network with its LP plan and model; `body` returns
    /// whether it checked the network (false: its relaxation already satisfies the shared rows).
    /// At least three must be checked.
    func forEachCoupledNetwork(_ body: (UInt64, Network, Plan, PlanModel) throws -> Bool) throws {
        var checked = 0
        for seed in coupledSeeds {
            let net = generated(seed: seed, days: 3 + Int(seed % 3))
            if try body(seed, net, try plan(net, .lp), PlanModel(net)) { checked += 1 }
        }
        XCTAssertGreaterThan(checked, 2)
    }

    /// Above the partition threshold, station blocks whose master would be large end with the
    /// heuristic rounds and hand their best plan to the partitioning (forced here: threshold 1,
    /// every master "large"): GLPK's optimum exactly, with certifying duals. Stopped by a pivot
    /// budget, the partitioning's flows are a feasible plan within the decomposition's bound.
    func testPartitioningGoesOnFromTheRoundsBestPlan() throws {
        var exact = 0, short = 0, rounds: [Int: Int] = [:]
        try forEachCoupledNetwork { seed, net, lp, _ in
            var o = PlanOptions(method: .auto, timeLimit: 60, threads: 2)
            o.partitionThreshold = 1
            o.pricingRelaxationFrom = 0
            o.masterSplitFromRows = 0
            o.decomposition = .leaves
            let auto = try Planner.plan(net, options: o)
            guard auto.notes.contains(where: { $0.contains(Decomposition.handedOff) }) else {
                XCTAssertTrue(["mincost-relaxation", "decomposition"].contains(auto.route), "seed \(seed): \(auto.notes)")
                XCTAssertTrue(relClose(lp.objective, auto.objective), "seed \(seed): lp \(lp.objective) auto \(auto.objective)")
                return false
            }
            exact += 1
            XCTAssertEqual(auto.route, "partition", "seed \(seed): \(auto.notes)")
            // At most `handOffRounds` capacity-respecting plans before the hand-off.
            let made = auto.notes.lazy.compactMap { note -> Int? in
                guard note.hasPrefix("decomposition: "), note.contains("capacity-respecting plan(s)") else { return nil }
                return Int(note.dropFirst("decomposition: ".count).prefix { $0.isNumber })
            }.first
            XCTAssertNotNil(made, "seed \(seed): \(auto.notes)")
            XCTAssertLessThanOrEqual(made ?? .max, LeafDecomposition.handOffRounds, "seed \(seed): \(auto.notes)")
            rounds[made ?? 0, default: 0] += 1
            XCTAssertEqual(auto.status, .optimal, "seed \(seed): \(auto.notes)")
            XCTAssertTrue(auto.routeReason.contains("from that plan's shares"), auto.routeReason)
            // Warm on the sessions the rounds made their plans on (the relaxation's are freed).
            XCTAssertTrue(auto.notes.contains { $0.contains("on the rounds' plan sessions") }, "seed \(seed): \(auto.notes)")
            XCTAssertTrue(relClose(lp.objective, auto.objective), "seed \(seed): lp \(lp.objective) auto \(auto.objective)")
            assertFeasible(auto); assertDualOptimal(auto)
            o.partitionPivots = 1
            let cut = try Planner.plan(net, options: o)
            if cut.status == .optimal { return true }
            short += 1
            XCTAssertEqual(cut.route, "decomposition", "seed \(seed): \(cut.notes)")
            XCTAssertEqual(cut.status, .timeLimit, "seed \(seed): \(cut.notes)")
            XCTAssertTrue(cut.notes.contains { $0.hasPrefix("primal partitioning from the shares") && $0.contains(": 1 pivots") }, "seed \(seed): \(cut.notes)")
            assertFeasible(cut)
            XCTAssertGreaterThanOrEqual(cut.objective, lp.objective - 1e-7 * abs(lp.objective))
            XCTAssertLessThanOrEqual(cut.lowerBound!, lp.objective + 1e-7 * abs(lp.objective))
            XCTAssertEqual(cut.relativeGap!, (cut.objective - cut.lowerBound!) / max(1, abs(cut.objective)), accuracy: 1e-12)
            return true
        }
        XCTAssertGreaterThan(exact, 2)
        XCTAssertGreaterThan(short, 0)
        print("testPartitioningGoesOnFromTheRoundsBestPlan: capacity-respecting plans before the hand-off \(rounds.sorted { $0.key < $1.key })")
    }

    func testConvergedDecompositionEqualsLP() throws {
        for kind in DecompositionKind.allCases {
        var checked = 0
        for seed in coupledSeeds {
            let net = generated(seed: seed, days: 3 + Int(seed % 3))
            let lp = try plan(net, .lp)
            let dw = try decomposed(net, kind: kind)
            if dw.route != "decomposition" { continue }  // relaxation already optimal
            checked += 1
            XCTAssertEqual(dw.status, .optimal, "\(kind) seed \(seed): \(dw.notes)")
            XCTAssertTrue(relClose(lp.objective, dw.objective), "seed \(seed): lp \(lp.objective) dw \(dw.objective)")
            XCTAssertLessThanOrEqual(dw.relativeGap ?? 1, PlanOptions().decompositionGap)
            XCTAssertLessThanOrEqual(dw.lowerBound!, lp.objective + 1e-7 * abs(lp.objective))
            assertFeasible(dw)
        }
        XCTAssertGreaterThan(checked, 2)
        }
    }

    /// With the default gap (10⁻⁸ of the cost) an `optimal` plan's marginal costs are LP duals
    /// too: the decomposition's are checked against the plan, and where they do not prove it
    /// optimal (QA: lane shadow prices of 0 where the LP's are 0.005) the full LP from the
    /// relaxation's basis gives them. Either way they are dual feasible and complementary, by
    /// the independent check here, and the objective is the LP's.
    func testOptimalDecompositionPlansCarryOptimalDuals() throws {
        var routes: [String: Int] = [:]
        for kind in DecompositionKind.allCases {
            try forEachCoupledNetwork { seed, net, lp, _ in
                let dw = try decomposed(net, kind: kind)
                XCTAssertEqual(dw.status, .optimal, "\(kind) seed \(seed): \(dw.notes)")
                XCTAssertTrue(relClose(lp.objective, dw.objective), "seed \(seed): lp \(lp.objective) auto \(dw.objective)")
                assertFeasible(dw)
                assertDualOptimal(dw)
                XCTAssertNil(Planner.dualViolation(dw.model, x: dw.columnValues, y: dw.rowDuals), "\(kind) seed \(seed)")
                routes[dw.route, default: 0] += 1
                return dw.route == "decomposition" || dw.route == "lp-warm"
            }
        }
        // Both outcomes occur on these networks: duals that verify, and the hand-over.
        XCTAssertGreaterThan(routes["decomposition"] ?? 0, 0, "\(routes)")
        XCTAssertGreaterThan(routes["lp-warm"] ?? 0, 0, "\(routes)")
    }

    /// Lane-day floors (``PlanModel/floorColumns(_:)``, the lots heuristic's lots rounded up
    /// inside the LP) are honoured by every route: 1 m³ forced onto lane-days the LP optimum
    /// leaves empty gives, once the floors are added back, GLPK's optimum of the original LP
    /// with those lower bounds — through the full LP and through the decomposition alike.
    func testLaneDayFloorsAreHonouredByEveryRoute() throws {
        var dearer = 0
        try forEachCoupledNetwork { seed, net, lp, m in
            let act = m.rowActivities(of: lp.columnValues)
            var floors: [(column: Int, volume: Double)] = []
            for (l, lane) in net.lanes.enumerated() where m.laneSpan[l] > 0 && floors.count < 6 {
                for t in 1...m.laneSpan[l] where floors.count < 6 {
                    let j = m.laneColumnStart[l] + t - 1
                    guard lp.columnValues[j] == 0, (l + t) % 3 == 0 else { continue }
                    // Room for it on the lane's shared capacity and the origin's throughput.
                    if m.laneCapacityRowStart[l] >= 0 && act[m.laneCapacityRowStart[l] + t - 1] > m.rowUpper[m.laneCapacityRowStart[l] + t - 1] - 2 { continue }
                    if m.throughputRowStart[lane.from] >= 0 && act[m.throughputRowStart[lane.from] + t - 1] > m.rowUpper[m.throughputRowStart[lane.from] + t - 1] - 2 { continue }
                    floors.append((j, 1))
                }
            }
            guard !floors.isEmpty else { return false }
            var reference = m.linearProgram()
            for (j, v) in floors { reference.columns[j].bounds = .init(lower: v, upper: reference.columns[j].bounds.upper) }
            let exact = try reference.solve(.init(method: .dualSimplex))
            var floored = m
            floored.floorColumns(floors)
            for method in [PlanMethod.lp, .auto] {
                var o = PlanOptions(method: method, timeLimit: 30, threads: 2)
                o.decompositionThreshold = 0
                o.partitionThreshold = 0   // the decomposition, not the exact partitioning first
                var p = Plan(unsolved: floored, method: method)
                if method == .lp { try Planner.solveLP(floored, options: o, route: "lp", into: &p) } else { try Planner.solveAuto(floored, options: o, into: &p) }
                XCTAssertEqual(p.status == .optimal, exact.status == .optimal, "seed \(seed) \(method): \(p.status) vs \(exact.status)")
                guard exact.status == .optimal, p.status == .optimal else { continue }
                let x = floored.unfloored(p.columnValues)
                for (j, v) in floors { XCTAssertGreaterThanOrEqual(x[j], v - 1e-9) }
                XCTAssertTrue(relClose(m.objective(of: x), exact.objective), "seed \(seed) \(method) (\(p.route)): \(m.objective(of: x)) vs \(exact.objective)")
                XCTAssertTrue(FlowRoute.couplingViolation(m, x: x).count == 0, "seed \(seed) \(method)")
            }
            if exact.status == .optimal && exact.objective > lp.objective + 1e-6 { dearer += 1 }
            return true
        }
        XCTAssertGreaterThan(dearer, 0, "some floor must cost something")
    }

    /// Once the gap is closed, the marginal costs (the last pricing problem's potentials at the
    /// optimal multipliers) are LP duals: dual feasible and complementary to the plan.
    func testConvergedDecompositionDualsAreOptimal() throws {
        for kind in DecompositionKind.allCases {
        var checked = 0
        for seed in coupledSeeds {
            let net = generated(seed: seed, days: 3 + Int(seed % 3))
            // Converged to the optimum itself (the default 1e-8 gap leaves ε-complementary duals).
            let dw = try decomposed(net, gap: 1e-12, kind: kind)
            if dw.route != "decomposition" { continue }
            checked += 1
            XCTAssertEqual(dw.status, .optimal)
            assertDualOptimal(dw)
        }
        XCTAssertGreaterThan(checked, 2)
        }
    }

    /// One round: a feasible plan (every row and bound), UB ≥ LP optimum ≥ LB, status time_limit.
    func testRoundLimitGivesFeasiblePlanWithValidBounds() throws {
        for kind in DecompositionKind.allCases {
        var checked = 0
        for seed in coupledSeeds {
            let net = generated(seed: seed, days: 3 + Int(seed % 3))
            let lp = try plan(net, .lp)
            for rounds in [1, 3] {
                let dw = try decomposed(net, rounds: rounds, kind: kind)
                if dw.route != "decomposition" { continue }
                checked += 1
                XCTAssertTrue(dw.hasPlan, "seed \(seed): \(dw.notes)")
                guard dw.hasPlan else { continue }
                XCTAssertTrue(dw.status == .timeLimit || dw.status == .optimal)
                assertFeasible(dw)
                let tol = 1e-7 * abs(lp.objective)
                XCTAssertGreaterThanOrEqual(dw.objective, lp.objective - tol, "seed \(seed)")
                XCTAssertLessThanOrEqual(dw.lowerBound!, lp.objective + tol, "seed \(seed)")
                let gap = (dw.objective - dw.lowerBound!) / max(1, abs(dw.objective))
                XCTAssertEqual(dw.relativeGap!, gap, accuracy: 1e-12)
                if dw.status == .timeLimit { XCTAssertGreaterThan(gap, PlanOptions().decompositionGap) }
            }
        }
        XCTAssertGreaterThan(checked, 2)
        }
    }

    /// Same inputs, same plan: with a round limit (and a time limit far away) the decomposition
    /// gives bit-identical flows, duals, costs and bounds run after run and with 1 or 2 worker
    /// threads, for both kinds of blocks — whatever order the workers take the products in.
    func testRoundLimitedDecompositionIsDeterministic() throws {
        for kind in DecompositionKind.allCases {
            var checked = 0
            for seed in coupledSeeds {
                let net = generated(seed: seed, days: 3 + Int(seed % 3))
                var runs: [Plan] = []
                for threads in [2, 2, 1] {
                    var o = PlanOptions(method: .auto, timeLimit: 600, threads: threads)
                    o.decompositionThreshold = 0
                    o.partitionThreshold = 0   // the decomposition, not the exact partitioning first
                    o.decompositionRounds = 3
                    o.decomposition = kind
                    runs.append(try Planner.plan(net, options: o))
                }
                guard runs[0].route == "decomposition", runs[0].hasPlan else { continue }
                checked += 1
                for r in runs.dropFirst() {
                    XCTAssertEqual(r.route, runs[0].route, "seed \(seed) \(kind)")
                    XCTAssertEqual(r.status, runs[0].status, "seed \(seed) \(kind)")
                    XCTAssertEqual(r.objective, runs[0].objective, "seed \(seed) \(kind)")
                    XCTAssertEqual(r.lowerBound, runs[0].lowerBound, "seed \(seed) \(kind)")
                    XCTAssertEqual(r.columnValues, runs[0].columnValues, "seed \(seed) \(kind)")
                    XCTAssertEqual(r.rowDuals, runs[0].rowDuals, "seed \(seed) \(kind)")
                }
            }
            XCTAssertGreaterThan(checked, 2, "\(kind)")
        }
    }

    /// A shared lane too small for both products' demand: the limit's price is the shortage
    /// penalty (1000/m³), far above the lane cost (2/m³) that starts the master's dual box, so the
    /// master must widen the box (×10 until it covers 1000) before its plan meets the limit.
    /// Optimum by hand: 10 m³/day through the lane (cost 2 + production 1), 6 m³/day short.
    func testDualBoxWidensToTheShortagePrice() throws {
        var n = TinyNet(days: 2)
        let g = n.product("g", shortage: 1000), d = n.product("d", shortage: 1000)
        let r = n.node("R", .refinery), s = n.node("S", .station)
        n.lane(r, s, cost: 2, capacity: 10)
        for p in [g, d] {
            n.produce(r, p, max: 100, cost: 1)
            for t in 1...2 { n.demand(s, p, day: t, 8) }
        }
        let messages = MessageLog()
        var o = PlanOptions(method: .auto, timeLimit: 30, threads: 2, progress: { messages.append($0) })
        o.decompositionThreshold = 0
        o.partitionThreshold = 0   // the decomposition, not the exact partitioning first
        o.decomposition = .products
        let dw = try Planner.plan(n.network, options: o)
        XCTAssertEqual(dw.route, "decomposition", "\(dw.notes)")
        XCTAssertEqual(dw.status, .optimal, "\(dw.notes)")
        XCTAssertEqual(dw.objective, 2 * (10 * 3 + 6 * 1000), accuracy: 1e-6)
        XCTAssertTrue(messages.all.contains { $0.contains("artificial cost raised") }, "\(messages.all)")
        assertFeasible(dw)
        // The station blocks reach the same optimum (the lane into S is a block column priced at
        // the master's capacity dual).
        o.decomposition = .leaves
        let leaves = try Planner.plan(n.network, options: o)
        XCTAssertEqual(leaves.route, "decomposition", "\(leaves.notes)")
        XCTAssertEqual(leaves.status, .optimal, "\(leaves.notes)")
        XCTAssertEqual(leaves.objective, 2 * (10 * 3 + 6 * 1000), accuracy: 1e-6)
        assertFeasible(leaves)
    }

    /// Both starts of the station-block master reach the LP optimum: split columns (what masters
    /// of 20,000+ rows use, forced here) and caps lifted by the dual simplex (the default below).
    func testStationBlockStartsReachTheLPOptimum() throws {
        try forEachCoupledNetwork { seed, net, lp, m in
            let sc = try FlowScaling.choose(for: m).get()
            let relaxed = FlowRoute.solve(m, scaling: sc, relaxCoupling: false, threads: 2)
            if FlowRoute.couplingViolation(m, x: relaxed.x).count == 0 { return false }
            let blocks = try XCTUnwrap(LeafBlocks(m))
            for split in [0, Int.max] {
                let out = try XCTUnwrap(LeafDecomposition.solve(
                    m, blocks: blocks, scaling: sc, x0: relaxed.x, relaxationObjective: m.objective(of: relaxed.x),
                    relaxationDuals: relaxed.y, threads: 2, deadline: .now + .seconds(30), splitFromRows: split, progress: nil))
                XCTAssertTrue(out.converged, "seed \(seed) split from \(split): \(out.stopReason)")
                XCTAssertTrue(relClose(lp.objective, out.objective), "seed \(seed) split from \(split): lp \(lp.objective) dw \(out.objective)")
                var p = lp
                p.columnValues = out.x; p.objective = out.objective
                assertFeasible(p)
            }
            return true
        }
    }

    /// A decomposition that stops short of the optimum for another reason than a limit hands a
    /// model under 200,000 variables over to the full LP, which finishes it: the LP's optimum,
    /// route lp-warm (or lp-fallback), and a note saying why.
    func testStalledDecompositionHandsOverToTheLP() throws {
        var checked = 0
        for seed in coupledSeeds.prefix(6) {
            let net = generated(seed: seed, days: 3 + Int(seed % 3))
            let lp = try plan(net, .lp)
            for kind in DecompositionKind.allCases {
                var o = PlanOptions(method: .auto, timeLimit: 30, threads: 2)
                o.decompositionThreshold = 0
                o.partitionThreshold = 0   // the decomposition, not the exact partitioning first
                o.decomposition = kind
                o.decompositionRounds = 1
                o.simulateDecompositionStall = true
                let p = try Planner.plan(net, options: o)
                if p.notes.allSatisfy({ !$0.contains("relaxation violates") }) { continue }  // relaxation optimal
                checked += 1
                XCTAssertTrue(["lp-warm", "lp-fallback"].contains(p.route), "\(kind) seed \(seed): \(p.route) \(p.notes)")
                XCTAssertEqual(p.status, .optimal)
                XCTAssertTrue(relClose(lp.objective, p.objective), "\(kind) seed \(seed): lp \(lp.objective) got \(p.objective)")
                XCTAssertTrue(p.notes.contains { $0.contains("decomposition did not converge (no improving column (simulated)); continuing with the full LP") }, "\(p.notes)")
                assertFeasible(p)
            }
        }
        XCTAssertGreaterThan(checked, 2)
    }

    /// A real stall (fuzzing found it): with a shortage penalty of 10⁶ per m³ the station blocks'
    /// pricing costs are so coarse that rounded "improving" regions kept coming while neither
    /// bound moved — 36,000 rounds in 10 s at a gap of 2·10⁻⁷. The stall guard stops the rounds
    /// and the LP takes over: the LP's optimum, well before the default limit.
    func testStationBlocksStallHandsOverToTheLP() throws {
        var net = NetworkGenerator.generate(GeneratorConfig(preset: .small, seed: 2))
        net.products[0].shortagePenalty = 1_000_000
        try assertStallHandsOver(net, kind: .leaves, lp: try plan(net, .lp))
    }

    /// Forces the decomposition of `kind` on `net`: it must stop as stalled, hand over to the LP
    /// and reach `lp`'s optimum with a feasible plan.
    func assertStallHandsOver(_ net: Network, kind: DecompositionKind, lp: Plan,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        var o = PlanOptions(method: .auto, timeLimit: 120, threads: 2)
        o.decompositionThreshold = 0
        o.partitionThreshold = 0   // the decomposition, not the exact partitioning first
        o.decomposition = kind
        let p = try Planner.plan(net, options: o)
        XCTAssertEqual(p.status, .optimal, "\(p.notes)", file: file, line: line)
        XCTAssertTrue(relClose(lp.objective, p.objective), "lp \(lp.objective) got \(p.objective)", file: file, line: line)
        XCTAssertTrue(p.notes.contains { $0.contains("stalled (no better plan or bound in \(LeafDecomposition.stallRounds) rounds)") },
                      "\(p.notes)", file: file, line: line)
        assertFeasible(p, file: file, line: line)
    }

    /// The product-block route's stall (fuzzing again): the example with g95's shortage free,
    /// its safety penalty 10 and one station lane down to 5 m³/day kept product blocks at a
    /// gap of 7 % for 57,000 rounds. The same guard stops them, and the LP takes over.
    func testProductBlocksStallHandsOverToTheLP() throws {
        let example = PlanCLITests.packageRoot.appendingPathComponent("data/example").path
        var net = try NetworkLoader.load(from: example)
        let g95 = try XCTUnwrap(net.products.firstIndex { $0.id == "g95" })
        net.products[g95].shortagePenalty = 0
        net.products[g95].safetyPenalty = 10
        let lane = try XCTUnwrap(net.lanes.firstIndex { net.nodes[$0.from].id == "D03" && net.nodes[$0.to].id == "S105" && $0.mode.rawValue == "truck" })
        net.lanes[lane].capacityM3PerDay = 5
        var warm = PlanOptions(method: .auto, threads: 2)
        warm.decompositionThreshold = 100_000_000   // the warm-started full LP (2 s; `lp` takes 14 s)
        warm.partitionThreshold = 0
        let lp = try Planner.plan(net, options: warm)
        XCTAssertEqual(lp.route, "lp-warm")
        try assertStallHandsOver(net, kind: .products, lp: lp)
    }

    /// A block whose inbound lanes cost the same as at its last solve keeps its solution; a
    /// block whose lane costs changed is solved again. Either way the pricing results equal a
    /// fresh pricing's at the same duals.
    func testBlockPricingReusesOnlyUnchangedBlocks() throws {
        let net = generated(seed: 13, days: 4, stations: 30)
        let m = PlanModel(net)
        let sc = try FlowScaling.choose(for: m).get()
        let lb = try XCTUnwrap(LeafBlocks(m))
        let relaxed = FlowRoute.solve(m, scaling: sc, relaxCoupling: false, threads: 1)
        func priceAll(_ duals: [Double], _ out: LeafDecomposition.Pricing) {
            for r in 0..<m.rowCount { out.duals[r] = duals[r] }
            for b in 0..<lb.count {
                LeafDecomposition.price(m, lb, block: b, duals: UnsafeBufferPointer(out.duals), base: sc, into: out)
            }
        }
        func assertSame(_ a: LeafDecomposition.Pricing, _ b: LeafDecomposition.Pricing, _ what: String) {
            XCTAssertEqual(Array(a.x), Array(b.x), what)
            XCTAssertEqual(Array(a.value), Array(b.value), what)
            for k in 0..<lb.count {
                for r in Int(lb.firstRow[k])..<Int(lb.firstRow[k] + lb.rowSpan[k]) { XCTAssertEqual(a.y[r], b.y[r], what) }
            }
        }
        let kept = LeafDecomposition.Pricing(columns: m.columnCount, rows: m.rowCount, blocks: lb.count)
        priceAll(relaxed.y, kept)
        XCTAssertFalse((0..<lb.count).contains { kept.reused[$0] }, "nothing to reuse on the first round")
        priceAll(relaxed.y, kept)
        XCTAssertTrue((0..<lb.count).allSatisfy { kept.reused[$0] })
        // Raise the price of one depot's balance row on every day: the blocks it supplies change.
        var y = relaxed.y
        let depotRows = lb.masterRows.map(Int.init).filter { r in r < m.balanceCount && net.nodes[Int(m.balanceNode[r])].kind == .depot }
        let depot = Int(m.balanceNode[try XCTUnwrap(depotRows.first)])
        for r in depotRows where Int(m.balanceNode[r]) == depot { y[r] += 500 }
        priceAll(y, kept)
        let fresh = LeafDecomposition.Pricing(columns: m.columnCount, rows: m.rowCount, blocks: lb.count)
        priceAll(y, fresh)
        assertSame(kept, fresh, "after a dual change")
        let changed = (0..<lb.count).filter { !kept.reused[$0] }
        XCTAssertFalse(changed.isEmpty)
        XCTAssertLessThan(changed.count, lb.count)
        for b in changed {  // each re-solved block draws on the depot
            let lanes = lb.columns[lb.columnStart[b]..<lb.columnStart[b + 1]].filter { Int($0) < m.productionBase }
            XCTAssertTrue(lanes.contains { j in
                (m.columnEntryStart[Int(j)]..<m.columnEntryStart[Int(j) + 1]).contains { e in
                    let r = Int(m.entryRow[e])
                    return r < m.balanceCount && Int(m.balanceNode[r]) == depot
                }
            }, "block \(b) re-solved without a lane from the depot")
        }
    }

    /// The leaf blocks partition the model: every station row and column in exactly one block
    /// (stations have no outgoing lanes), everything else in the master, blocks grouped by their
    /// home depot and product; a block's columns touch only its own rows and master rows.
    /// The capacity-respecting plan (the guaranteed plan of the decomposition route) satisfies
    /// every row of the full model, for both kinds of shares, and sits within the per-column limits
    /// it reports, which themselves sum within every shared row.
    func testCapacityRespectingPlanIsFeasibleWithinItsCaps() throws {
        try forEachCoupledNetwork { seed, net, lp, m in
            let sc = try FlowScaling.choose(for: m).get()
            let relaxed = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: 2)
            if FlowRoute.couplingViolation(m, x: relaxed.x).count == 0 { return false }
            for equal in [false, true] {
                let h = Decomposition.capacityRespectingFlows(m, x0: relaxed.x, scaling: sc, threads: 2, equalShares: equal, deadline: nil)
                XCTAssertTrue(h.ok.allSatisfy { $0 }, "seed \(seed)")
                var p = lp
                p.columnValues = h.x; p.objective = m.objective(of: h.x)
                assertFeasible(p)
                XCTAssertGreaterThanOrEqual(p.objective, lp.objective - 1e-9 * abs(lp.objective))
                let vs = sc.volumeScale
                let limit = h.caps.map { $0.isFinite ? ($0 * vs).rounded(.down) : .infinity }
                var sum = [Double](repeating: 0, count: m.couplingRowCount)
                for j in 0..<m.productionBase {
                    XCTAssertLessThanOrEqual((h.x[j] * vs).rounded(), limit[j], "seed \(seed) column \(j)")
                    for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                        let r = Int(m.entryRow[e]) - m.laneCapacityBase
                        if r >= 0 && r < m.couplingRowCount { sum[r] += limit[j] }
                    }
                }
                for r in 0..<m.couplingRowCount {
                    XCTAssertLessThanOrEqual(sum[r], m.rowUpper[m.laneCapacityBase + r] * vs + 1e-6, "seed \(seed) row \(r)")
                }
            }
            return true
        }
    }

    /// The Lagrangian function is a lower bound at any prices, equals the relaxation at μ = 0
    /// and reaches the LP optimum at the LP's own shared-row duals (strong duality); the bound of
    /// the share-price phase lies between the relaxation's and the LP optimum.
    func testLagrangianBoundReachesTheLPOptimumAtItsDuals() throws {
        try forEachCoupledNetwork { seed, net, lp, m in
            let sc = Decomposition.pricingScaling(m, base: try FlowScaling.choose(for: m).get())
            let K = m.couplingRowCount, cb = m.laneCapacityBase
            let tol = 1e-7 * abs(lp.objective)
            let zero = try XCTUnwrap(Decomposition.lagrangianBound(m, mu: .init(repeating: 0, count: K), scaling: sc, threads: 2, deadline: nil))
            XCTAssertEqual(zero.bound, m.objective(of: zero.flows.x), accuracy: tol)
            XCTAssertLessThanOrEqual(zero.bound, lp.objective + tol)
            if FlowRoute.couplingViolation(m, x: zero.flows.x).count == 0 { return false }
            let star = (0..<K).map { -lp.rowDuals[cb + $0] }
            XCTAssertTrue(star.allSatisfy { $0 >= -1e-9 })
            let atStar = try XCTUnwrap(Decomposition.lagrangianBound(m, mu: star, scaling: sc, threads: 2, deadline: nil))
            XCTAssertEqual(atStar.bound, lp.objective, accuracy: tol, "seed \(seed)")
            var generator = SplitMix64(seed: seed)
            let random = (0..<K).map { _ in Double(generator.next() % 1000) / 100 }
            let atRandom = try XCTUnwrap(Decomposition.lagrangianBound(m, mu: random, scaling: sc, threads: 2, deadline: nil))
            XCTAssertLessThanOrEqual(atRandom.bound, lp.objective + tol, "seed \(seed)")

            let h = Decomposition.capacityRespectingFlows(m, x0: zero.flows.x, scaling: try FlowScaling.choose(for: m).get(),
                                                          threads: 2, equalShares: false, deadline: nil)
            let sessions = PricingSessions(products: m.P, scaling: sc)
            let phase = try XCTUnwrap(Decomposition.lagrangianPhase(m, sharePrice: h.sharePrice, upperBound: m.objective(of: h.x),
                                                                    sessions: sessions, threads: 2, deadline: .now + .seconds(30), progress: nil))
            XCTAssertLessThanOrEqual(phase.bound, lp.objective + tol, "seed \(seed)")
            XCTAssertEqual(phase.y.count, m.rowCount)
            XCTAssertTrue(h.sharePrice.contains { $0 > 0 }, "seed \(seed): no binding share")
            return true
        }
    }

    /// Sessions with the throughput split nodes: their relaxation lies between the plain one and
    /// the LP optimum; a capacity-respecting plan re-solved warm on a copy of them has exactly
    /// the cold plan's objective and is feasible; the copy leaves the originals alone (the
    /// Lagrangian at μ = 0 on them is still the relaxation); and the Lagrangian on them is a
    /// lower bound at any prices.
    func testSplitNodeSessionsGiveWarmPlansAndValidBounds() throws {
        try forEachCoupledNetwork { seed, net, lp, m in
            let base = try FlowScaling.choose(for: m).get()
            let sc = Decomposition.pricingScaling(m, base: base)
            let tol = 1e-7 * abs(lp.objective)
            let plain = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: 2)
            let sessions = PricingSessions(products: m.P, scaling: sc, splitThroughput: true)
            let split = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: 2, sessions: sessions)
            XCTAssertEqual(split.status, .optimal)
            let relaxation = m.objective(of: split.x)
            XCTAssertGreaterThanOrEqual(relaxation, m.objective(of: plain.x) - tol, "seed \(seed)")
            XCTAssertLessThanOrEqual(relaxation, lp.objective + tol, "seed \(seed)")
            if FlowRoute.couplingViolation(m, x: split.x).count == 0 { return false }

            let copy = sessions.copy()
            var source = split.x
            for round in 0..<3 {
                let cold = Decomposition.capacityRespectingFlows(m, x0: source, scaling: base, threads: 2, equalShares: false, deadline: nil)
                let warm = Decomposition.capacityRespectingFlows(m, x0: source, scaling: base, threads: 2, equalShares: false,
                                                                 deadline: nil, sessions: copy)
                XCTAssertTrue(warm.ok.allSatisfy { $0 } && cold.ok.allSatisfy { $0 }, "seed \(seed)")
                XCTAssertEqual(m.objective(of: warm.x), m.objective(of: cold.x), accuracy: 1e-9 * abs(lp.objective), "seed \(seed) round \(round)")
                var p = lp
                p.columnValues = warm.x; p.objective = m.objective(of: warm.x)
                assertFeasible(p)
                // Share prices are marginal values: nonnegative, and one per product and shared row.
                XCTAssertEqual(warm.sharePrice.count, m.P * m.couplingRowCount)
                XCTAssertTrue(warm.sharePrice.allSatisfy { $0 >= 0 })
                // Next round: shares from the Lagrangian flows at this plan's mean share prices.
                let K = m.couplingRowCount
                let mu = (0..<K).map { r in (0..<m.P).map { warm.sharePrice[$0 * K + r] }.reduce(0, +) / Double(m.P) }
                let l = try XCTUnwrap(Decomposition.lagrangianBound(m, mu: mu, scaling: sc, threads: 2, deadline: nil, sessions: sessions))
                XCTAssertLessThanOrEqual(l.bound, lp.objective + tol, "seed \(seed) round \(round)")
                source = l.flows.x
            }
            // The originals re-priced at μ = 0 give the relaxation again.
            let zero = try XCTUnwrap(Decomposition.lagrangianBound(m, mu: .init(repeating: 0, count: m.couplingRowCount),
                                                                   scaling: sc, threads: 2, deadline: nil, sessions: sessions))
            XCTAssertEqual(zero.bound, relaxation, accuracy: 1e-9 * abs(lp.objective), "seed \(seed)")
            return true
        }
    }

    /// Sibling starts: products on the same lanes start their first solve from the first one's
    /// optimal basis. The relaxation and later warm solves (Lagrangian at random prices) have
    /// the cold sessions' objectives, the start is taken on every network with siblings, and the
    /// flows are bit-identical with 1 and 2 threads.
    func testSiblingStartsGiveTheColdOptimum() throws {
        var adopted = 0
        for seed in coupledSeeds {
            let net = generated(seed: seed, days: 3 + Int(seed % 3), products: 2 + Int(seed % 3))
            let m = PlanModel(net)
            let sc = Decomposition.pricingScaling(m, base: try FlowScaling.choose(for: m).get())
            for split in [false, true] {
                let cold = PricingSessions(products: m.P, scaling: sc, splitThroughput: split)
                cold.siblingStarts = false
                let warm = PricingSessions(products: m.P, scaling: sc, splitThroughput: split)
                let serial = PricingSessions(products: m.P, scaling: sc, splitThroughput: split)
                let c = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: 2, sessions: cold)
                let w = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: 2, sessions: warm)
                let w1 = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: 1, sessions: serial)
                XCTAssertEqual(c.status, .optimal); XCTAssertEqual(w.status, .optimal)
                let tol = 1e-9 * max(1, abs(m.objective(of: c.x)))
                XCTAssertEqual(m.objective(of: w.x), m.objective(of: c.x), accuracy: tol, "seed \(seed) split \(split)")
                XCTAssertEqual(w.x, w1.x, "seed \(seed) split \(split): threads")
                XCTAssertFalse(cold.products.contains { $0.session!.startBasisAdopted })
                let siblings = siblingDonors(m, order: Array(0..<m.P)).filter { $0 >= 0 }.count
                let took = warm.products.filter { $0.session!.startBasisAdopted }.count
                XCTAssertEqual(took, siblings, "seed \(seed) split \(split)")
                adopted += took
                var generator = SplitMix64(seed: seed)
                let mu = (0..<m.couplingRowCount).map { _ in Double(generator.next() % 500) / 100 }
                let lc = try XCTUnwrap(Decomposition.lagrangianBound(m, mu: mu, scaling: sc, threads: 2, deadline: nil, sessions: cold))
                let lw = try XCTUnwrap(Decomposition.lagrangianBound(m, mu: mu, scaling: sc, threads: 2, deadline: nil, sessions: warm))
                XCTAssertEqual(lw.bound, lc.bound, accuracy: tol, "seed \(seed) split \(split)")
            }
        }
        XCTAssertGreaterThan(adopted, 10)
    }

    /// Sessions rebased onto another model of the same shape (the lots rounds: lane-days closed,
    /// lane costs surcharged) continue from their trees and reach a cold solve's optimum of that
    /// model; a product whose supplies changed (a lane-day floor) starts cold, the others stay
    /// warm, again to the cold optimum.
    func testRebasedSessionsContinueFromTheirTrees() throws {
        var warmProducts = 0, coldProducts = 0
        for seed in coupledSeeds.prefix(10) {
            let net = generated(seed: seed, days: 3 + Int(seed % 3), products: 2 + Int(seed % 3))
            let m = PlanModel(net)
            let sc = Decomposition.pricingScaling(m, base: try FlowScaling.choose(for: m).get())
            for split in [false, true] {
                let sessions = PricingSessions(products: m.P, scaling: sc, splitThroughput: split)
                let first = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: 2, sessions: sessions)
                XCTAssertEqual(first.status, .optimal)
                // The busiest lane-days closed, a surcharge on the first lane.
                var busy: [(lane: Int, day: Int, volume: Double)] = []
                for l in net.lanes.indices where m.laneSpan[l] > 0 {
                    for t in 1...m.laneSpan[l] {
                        let v = m.laneProducts[l].indices.reduce(0.0) { $0 + first.x[m.laneColumnStart[l] + $1 * m.laneSpan[l] + t - 1] }
                        if v > 0 { busy.append((l, t, v)) }
                    }
                }
                busy.sort { $0.volume > $1.volume }
                var closed = m
                closed.closeLaneDays(busy.prefix(5).map { ($0.lane, $0.day) })
                closed.surchargeLanes([(0, 0.5)])
                // The pricing scale depends on the largest cost: the surcharge must not change it.
                XCTAssertEqual(Decomposition.pricingScaling(closed, base: try FlowScaling.choose(for: closed).get()), sc)
                func cold(_ model: PlanModel) -> FlowOutcome {
                    FlowRoute.solve(model, scaling: sc, relaxCoupling: true, threads: 2,
                                    sessions: PricingSessions(products: model.P, scaling: sc, splitThroughput: split))
                }
                sessions.rebase()
                let w = FlowRoute.solve(closed, scaling: sc, relaxCoupling: true, threads: 2, sessions: sessions)
                let c = cold(closed)
                XCTAssertEqual(w.status, c.status, "seed \(seed) split \(split)")
                XCTAssertEqual([sessions.rebasedWarm, sessions.rebasedCold], [m.P, 0], "seed \(seed) split \(split)")
                XCTAssertFalse(sessions.rebasing)
                warmProducts += sessions.rebasedWarm
                let tol = 1e-9 * max(1, abs(closed.objective(of: c.x)))
                XCTAssertEqual(closed.objective(of: w.x), closed.objective(of: c.x), accuracy: tol, "seed \(seed) split \(split)")
                for (l, t, _) in busy.prefix(5) {
                    for k in m.laneProducts[l].indices { XCTAssertEqual(w.x[m.laneColumnStart[l] + k * m.laneSpan[l] + t - 1], 0) }
                }
                // A floor on one column of the busiest open lane-day: its product's supplies
                // change (cold), the others' do not (warm).
                guard let open = busy.dropFirst(5).first else { continue }
                let j = m.laneColumnStart[open.lane] + open.day - 1
                var floored = closed
                floored.floorColumns([(j, (w.x[j] / 2 * sc.volumeScale).rounded(.down) / sc.volumeScale)])
                guard !floored.floors.isEmpty else { continue }
                sessions.rebase()
                let wf = FlowRoute.solve(floored, scaling: sc, relaxCoupling: true, threads: 2, sessions: sessions)
                let cf = cold(floored)
                XCTAssertEqual([sessions.rebasedWarm, sessions.rebasedCold], [m.P - 1, 1], "seed \(seed) split \(split)")
                coldProducts += sessions.rebasedCold
                XCTAssertEqual(wf.status, cf.status, "seed \(seed) split \(split)")
                XCTAssertEqual(floored.objective(of: wf.x), floored.objective(of: cf.x),
                               accuracy: 1e-9 * max(1, abs(floored.objective(of: cf.x))), "seed \(seed) split \(split)")
            }
        }
        XCTAssertGreaterThan(warmProducts, 20)
        XCTAssertGreaterThan(coldProducts, 5)
    }

    /// Handing the room a capacity-respecting plan leaves on shared rows to the products that price
    /// it: the new limits still sum within every shared row and keep each product's flows
    /// feasible, so the re-solved plan is feasible, never dearer, and never below the LP optimum;
    /// on some networks it is strictly cheaper. A re-solve cut short keeps its unfinished
    /// products' flows and is still feasible and never dearer.
    func testRedistributedRoomGivesCheaperFeasiblePlans() throws {
        var cheaper = 0
        try forEachCoupledNetwork { seed, net, lp, m in
            let base = try FlowScaling.choose(for: m).get()
            let sc = Decomposition.pricingScaling(m, base: base)
            let tol = 1e-7 * abs(lp.objective)
            let sessions = PricingSessions(products: m.P, scaling: sc, splitThroughput: true)
            let relaxed = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: 2, sessions: sessions)
            if FlowRoute.couplingViolation(m, x: relaxed.x).count == 0 { return false }
            let plan = Decomposition.capacityRespectingFlows(m, x0: relaxed.x, scaling: base, threads: 2, equalShares: false,
                                                             deadline: nil, sessions: sessions)
            XCTAssertTrue(plan.ok.allSatisfy { $0 }, "seed \(seed)")
            let cost = m.objective(of: plan.x)
            guard let limits = Decomposition.redistributingRoom(m, plan, scaling: base) else { return true }
            // Within every shared row: Σ of the products' limits ≤ the row's limit (lane rows:
            // per-column caps; throughput rows: per-product shares), and each flow within its limit.
            let K = m.couplingRowCount, cb = m.laneCapacityBase, tb = m.throughputBase, H = m.safetyRowBase - tb
            let cp = Decomposition.columnProducts(m)
            var laneSum = [Double](repeating: 0, count: tb - cb)
            var productUse = [Double](repeating: 0, count: m.P * H)
            for j in 0..<m.productionBase {
                for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                    let r = Int(m.entryRow[e]) - cb
                    guard r >= 0 && r < K else { continue }
                    if r < tb - cb {
                        laneSum[r] += limits.columnCap[j]
                        XCTAssertLessThanOrEqual(plan.x[j], limits.columnCap[j], "seed \(seed) column \(j)")
                    } else {
                        productUse[Int(cp[j]) * H + r - (tb - cb)] += m.entryValue[e] * plan.x[j]
                    }
                }
            }
            for r in 0..<(tb - cb) where laneSum[r].isFinite {
                XCTAssertLessThanOrEqual(laneSum[r], m.rowUpper[cb + r] + 1e-9, "seed \(seed) lane row \(r)")
            }
            for h in 0..<H {
                let shares = (0..<m.P).map { limits.throughputShare[$0 * H + h] }
                XCTAssertLessThanOrEqual(shares.reduce(0, +), m.rowUpper[tb + h] + 1e-9, "seed \(seed) throughput row \(h)")
                for p in 0..<m.P where productUse[p * H + h] > 0 {
                    XCTAssertLessThanOrEqual(productUse[p * H + h], shares[p] + 1e-9, "seed \(seed) throughput row \(h)")
                }
            }
            let improved = Decomposition.improvedByRedistribution(m, plan, scaling: base, threads: 2, limit: 5,
                                                                  deadline: .now + .seconds(60), sessions: sessions)
            XCTAssertGreaterThan(improved.resolves, 0)
            XCTAssertLessThanOrEqual(improved.cost, cost, "seed \(seed)")
            XCTAssertGreaterThanOrEqual(improved.cost, lp.objective - tol, "seed \(seed)")
            XCTAssertEqual(improved.cost, m.objective(of: improved.plan.x))
            var p = lp
            p.columnValues = improved.plan.x; p.objective = improved.cost
            assertFeasible(p)
            if improved.cost < cost - tol { cheaper += 1 }
            // A re-solve cut short by the deadline: each product in turn unfinished keeps the
            // plan's flows; the mix is feasible, costs between the full re-solve and the plan.
            let full = Decomposition.flowsUnderShares(m, columnCap: limits.columnCap, throughputShare: limits.throughputShare,
                                                      scaling: base, threads: 2, deadline: nil, sessions: sessions)
            XCTAssertTrue(full.ok.allSatisfy { $0 }, "seed \(seed)")
            let fullCost = m.objective(of: full.x)
            for cut in 0..<m.P {
                var partial = full
                partial.ok[cut] = false
                for j in 0..<m.columnCount where Int(cp[j]) == cut { partial.x[j] = 0 }
                let mixed = Decomposition.keepingUnfinished(m, partial, from: plan, scaling: base)
                for j in 0..<m.columnCount {
                    XCTAssertEqual(mixed.x[j], Int(cp[j]) == cut ? plan.x[j] : full.x[j], "seed \(seed) column \(j)")
                }
                let c = m.objective(of: mixed.x)
                XCTAssertLessThanOrEqual(c, cost + tol, "seed \(seed) product \(cut)")
                XCTAssertGreaterThanOrEqual(c, fullCost - tol, "seed \(seed) product \(cut)")
                var q = lp
                q.columnValues = mixed.x; q.objective = c
                assertFeasible(q)
                for j in 0..<m.productionBase where mixed.caps[j].isFinite {
                    XCTAssertGreaterThanOrEqual(mixed.caps[j] + 1e-9, mixed.x[j], "seed \(seed) column \(j)")
                }
            }
            return true
        }
        XCTAssertGreaterThan(cheaper, 0, "no network where the room helped")
    }

    /// With the relaxation's sessions (as on models of 200,000+ variables) the station-block route
    /// runs the Lagrangian phase and, for split-start masters, heuristic rounds (plans from the
    /// averaged Lagrangian flows; with split-node sessions warm): it still reaches the LP optimum,
    /// and with a loose gap tolerance it stops before any master with a feasible plan and a valid
    /// bound. More heuristic rounds never give a worse first plan.
    func testStationBlocksWithLagrangianPhase() throws {
        var multiRound = 0
        defer { XCTAssertGreaterThan(multiRound, 0, "no network took a second heuristic round") }
        try forEachCoupledNetwork { seed, net, lp, m in
            let base = try FlowScaling.choose(for: m).get()
            let blocks = try XCTUnwrap(LeafBlocks(m))
            func run(gap: Double, split: Bool, rounds: Int = .max, masterRounds: Int = .max) throws -> Decomposition.Outcome? {
                let sessions = PricingSessions(products: m.P, scaling: Decomposition.pricingScaling(m, base: base),
                                               splitThroughput: split)
                let relaxed = FlowRoute.solve(m, scaling: sessions.scaling, relaxCoupling: true, threads: 2, sessions: sessions)
                if FlowRoute.couplingViolation(m, x: relaxed.x).count == 0 { return nil }
                let out = try XCTUnwrap(LeafDecomposition.solve(
                    m, blocks: blocks, scaling: base, x0: relaxed.x, relaxationObjective: m.objective(of: relaxed.x),
                    relaxationDuals: relaxed.y, threads: 2, maxIterations: masterRounds, deadline: .now + .seconds(30),
                    sessions: sessions, splitFromRows: 0, heuristicRounds: rounds, gapTolerance: gap, progress: nil))
                // Released for the master; kept for the caller when it stops before one.
                let beforeMaster = out.iterations == 0 && ["gap closed", "time limit"].contains(out.stopReason)
                XCTAssertEqual(sessions.products.allSatisfy { $0.session == nil }, !beforeMaster, "sessions released: \(out.stopReason)")
                return out
            }
            // Before any master: more heuristic rounds give a plan at least as good, a bound at
            // least as high, both valid.
            if let one = try run(gap: 1e-8, split: true, rounds: 1, masterRounds: 0),
               let more = try run(gap: 1e-8, split: true, masterRounds: 0) {
                let tol = 1e-9 * abs(lp.objective)
                XCTAssertEqual(one.heuristicRounds, 1)
                XCTAssertLessThanOrEqual(one.redistributions, LeafDecomposition.redistributionsPerRound)
                XCTAssertGreaterThanOrEqual(more.heuristicRounds, 1)
                if more.heuristicRounds > 1 { multiRound += 1 }
                XCTAssertLessThanOrEqual(more.objective, one.objective + tol, "seed \(seed)")
                XCTAssertGreaterThanOrEqual(more.lowerBound, one.lowerBound - tol, "seed \(seed)")
                XCTAssertLessThanOrEqual(more.lowerBound, lp.objective + 1e-7 * abs(lp.objective), "seed \(seed)")
                XCTAssertGreaterThanOrEqual(one.objective, lp.objective - 1e-7 * abs(lp.objective), "seed \(seed)")
                // The rounds are deterministic: the same run again gives the same plan and bound.
                let again = try XCTUnwrap(try run(gap: 1e-8, split: true, masterRounds: 0))
                XCTAssertEqual(again.x, more.x, "seed \(seed)")
                XCTAssertEqual(again.objective, more.objective, "seed \(seed)")
                XCTAssertEqual(again.lowerBound, more.lowerBound, "seed \(seed)")
                XCTAssertEqual(again.heuristicRounds, more.heuristicRounds, "seed \(seed)")
                for o in [one, more] {
                    var p = lp
                    p.columnValues = o.x; p.objective = o.objective
                    assertFeasible(p)
                }
            }
            for (gap, split) in [(1e-8, false), (0.5, false), (1e-8, true), (0.5, true)] {
                guard let out = try run(gap: gap, split: split) else { return false }
                XCTAssertTrue(out.converged, "seed \(seed): \(out.stopReason)")
                XCTAssertLessThanOrEqual(out.lowerBound, lp.objective + 1e-7 * abs(lp.objective), "seed \(seed)")
                XCTAssertGreaterThanOrEqual(out.objective, lp.objective - 1e-7 * abs(lp.objective), "seed \(seed)")
                XCTAssertLessThanOrEqual(out.relativeGap, gap)
                if gap == 1e-8 {
                    XCTAssertTrue(relClose(lp.objective, out.objective), "seed \(seed): lp \(lp.objective) dw \(out.objective)")
                } else {
                    XCTAssertEqual(out.iterations, 0, "seed \(seed): stops before the first master")
                }
                var p = lp
                p.columnValues = out.x; p.objective = out.objective
                assertFeasible(p)
            }
            return true
        }
    }

    /// The last heuristic round takes no Lagrangian steps: the last one allowed, or (from round 1)
    /// one with less time left than the previous round took, or one with less than twice its
    /// plan's time left; round 0 steps otherwise.
    func testLastRoundBeforeTheDeadlineSkipsTheSteps() {
        let k = LeafDecomposition.lagrangianStepsPerRound
        XCTAssertEqual(LeafDecomposition.lagrangianSteps(round: 0, maxRounds: .max, secondsLeft: 1, lastRoundSeconds: 0), k)
        // National `--time-limit 60` on a slow day: the bound with 14.7 s left after a 17.4-s plan.
        XCTAssertEqual(LeafDecomposition.lagrangianSteps(round: 0, maxRounds: .max, secondsLeft: 14.7, lastRoundSeconds: 0, planSeconds: 17.4), 0)
        XCTAssertEqual(LeafDecomposition.lagrangianSteps(round: 0, maxRounds: .max, secondsLeft: 540, lastRoundSeconds: 0, planSeconds: 17.4), k)
        XCTAssertEqual(LeafDecomposition.lagrangianSteps(round: 2, maxRounds: .max, secondsLeft: 20, lastRoundSeconds: 15, planSeconds: 12), 0)
        XCTAssertEqual(LeafDecomposition.lagrangianSteps(round: 2, maxRounds: .max, secondsLeft: 30, lastRoundSeconds: 15, planSeconds: 12), k)
        XCTAssertEqual(LeafDecomposition.lagrangianSteps(round: 0, maxRounds: 1, secondsLeft: 600, lastRoundSeconds: 0), 0)
        // National `--time-limit 60`: round 1's plan ends with 8.7 s left; round 0 took 24 s.
        XCTAssertEqual(LeafDecomposition.lagrangianSteps(round: 1, maxRounds: .max, secondsLeft: 8.7, lastRoundSeconds: 24), 0)
        XCTAssertEqual(LeafDecomposition.lagrangianSteps(round: 1, maxRounds: .max, secondsLeft: 90, lastRoundSeconds: 24), k)
        XCTAssertEqual(LeafDecomposition.lagrangianSteps(round: 4, maxRounds: 5, secondsLeft: 90, lastRoundSeconds: 10), 0)
        XCTAssertEqual(LeafDecomposition.lagrangianSteps(round: 3, maxRounds: 5, secondsLeft: 90, lastRoundSeconds: 10), k)
    }

    func testLeafBlocksPartitionTheModel() throws {
        let net = generated(seed: 13, days: 4, stations: 30)
        let m = PlanModel(net)
        let lb = try XCTUnwrap(LeafBlocks(m))
        var stationPairs = Set<Int>()
        for i in 0..<m.balanceCount where net.nodes[Int(m.balanceNode[i])].kind == .station {
            stationPairs.insert(Int(m.balanceNode[i]) * m.P + m.product(ofBalanceRow: i))
            XCTAssertGreaterThanOrEqual(lb.rowBlock[i], 0, "station balance row \(i) in the master")
        }
        XCTAssertEqual(lb.count, stationPairs.count)
        for i in 0..<m.balanceCount where net.nodes[Int(m.balanceNode[i])].kind != .station { XCTAssertEqual(lb.rowBlock[i], -1) }
        XCTAssertEqual(lb.columns.count + lb.masterColumns.count, m.columnCount)
        for b in 0..<lb.count {
            for j in lb.columns[lb.columnStart[b]..<lb.columnStart[b + 1]] {
                XCTAssertEqual(lb.columnBlock[Int(j)], Int32(b))
                for e in m.columnEntryStart[Int(j)]..<m.columnEntryStart[Int(j) + 1] {
                    let r = Int(m.entryRow[e])
                    XCTAssertTrue(lb.rowBlock[r] == Int32(b) || lb.masterRowPosition[r] >= 0, "column \(j) row \(r)")
                }
            }
        }
        // Regions: one per (home depot, product) with blocks.
        var homes = Set<Int>()
        for (n, node) in net.nodes.enumerated() where node.kind == .station {
            let home = try XCTUnwrap(net.lanes.first { $0.to == n }).from
            for p in 0..<m.P where stationPairs.contains(n * m.P + p) { homes.insert(home * m.P + p) }
        }
        XCTAssertEqual(lb.regionCount, homes.count)
    }
}

/// Collects progress messages from any thread.
final class MessageLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
