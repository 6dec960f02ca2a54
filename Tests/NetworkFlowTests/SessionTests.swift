// SessionTests.swift — NetworkSimplexSession (warm start across cost changes) and the deadline
// of NetworkSimplex.solve(_:deadline:): every warm solve against a cold solve of the same
// problem (same status, same objective, exactly), the tree invariants checked throughout.

import XCTest
@testable import NetworkFlow

final class SessionTests: XCTestCase {
    /// How to change the costs between solves.
    enum Perturbation: CaseIterable {
        /// 1 % of the arcs (at least one) by up to ±10 % (at least ±1): a Dantzig–Wolfe step.
        case small
        /// 5 % of the arcs much cheaper (possibly negative) or much dearer.
        case large
        /// Every cost drawn afresh in [lo, hi].
        case fresh
        /// Every cost multiplied by 1000 (the artificial big-M must follow).
        case scaled
    }

    static func perturb(_ cost: [Int64], _ kind: Perturbation, freshRange: ClosedRange<Int64>,
                        _ rng: inout Xoshiro256StarStar) -> [Int64] {
        var c = cost
        let m = c.count
        if m == 0 { return c }
        switch kind {
        case .small:
            for _ in 0..<max(1, m / 100) {
                let a = Int(rng.below(UInt64(m)))
                let r = rng.uniform(-10...10)
                var d = c[a] * r / 100
                if d == 0 { d = r.signum() }
                c[a] += d
            }
        case .large:
            for _ in 0..<max(1, m / 20) {
                let a = Int(rng.below(UInt64(m)))
                c[a] = rng.percent(50) ? c[a] / 10 - rng.uniform(0...50) : c[a] * 10 + rng.uniform(0...100)
            }
        case .fresh:
            for a in 0..<m { c[a] = rng.uniform(freshRange) }
        case .scaled:
            for a in 0..<m where abs(c[a]) < 1 << 40 { c[a] *= 1000 }
        }
        return c
    }

    /// Even seeds: a random instance (every status, lower bounds, loops) from `seed + random`;
    /// odd seeds: a small time-expanded one from `seed + expanded`.
    static func mixedInstance(_ seed: UInt64, random: UInt64, expanded: UInt64) -> MinCostFlowProblem {
        seed % 2 == 0 ? RandomizedTests.randomInstance(seed: seed &+ random) : CrashStartTests.timeExpanded(seed: seed &+ expanded)
    }

    /// Compares a session result with a cold solve of the session's current problem: same status,
    /// same objective, a valid solution, no violated invariant. Returns the cold result.
    @discardableResult
    func compare(_ s: NetworkSimplexSession, _ r: MinCostFlowResult, _ label: String,
                 oracle: Bool = false, file: StaticString = #filePath, line: UInt = #line) -> MinCostFlowResult {
        let p = s.problem
        let cold = NetworkSimplex().solve(p)
        XCTAssertNil(s.lastViolation, label, file: file, line: line)
        XCTAssertEqual(r.status, cold.status, label, file: file, line: line)
        if oracle { XCTAssertEqual(r.status, Oracle.solve(p).status, label, file: file, line: line) }
        if r.status == .optimal || r.status == .objectiveOverflow {
            XCTAssertEqual(r.objective, cold.objective, label, file: file, line: line)
            let report = p.check(r)
            XCTAssertTrue(report.isValid, "\(label): \(report)", file: file, line: line)
        } else {
            XCTAssertTrue(r.flow.isEmpty && r.potential.isEmpty, label, file: file, line: line)
        }
        return cold
    }

    /// 4,000 random small instances (all statuses: optimal, infeasible, unbounded, unbalanced,
    /// self-loops, lower bounds) with relabelling and invariant checks at every pivot; five cost
    /// changes each, some solves first interrupted by a past deadline. Warm = cold = oracle.
    func testWarmMatchesColdOnRandomInstances() {
        var statuses: [MinCostFlowStatus: Int] = [:]
        var transitions = 0
        for seed in UInt64(0)..<4000 {
            let p = RandomizedTests.randomInstance(seed: seed &+ 3_000_000)
            var options = NetworkSimplex()
            options.arcMixing = seed % 2 == 0
            options.relabelInterval = [0, 1, 3, nil][Int(seed % 4)]
            options.crashStart = seed % 3 != 0
            options.checkInvariantsEvery = 1
            let s = NetworkSimplexSession(p, options: options)
            var rng = Xoshiro256StarStar(seed: seed)
            var last = s.solve()
            compare(s, last, "seed \(seed) first", oracle: true)
            let needsSimplex = NetworkSimplex().precheck(p) == nil
            for round in 0..<5 {
                let kind = Perturbation.allCases[Int(rng.below(4))]
                let c = Self.perturb(s.problem.cost, kind, freshRange: -8...12, &rng)
                if let bad = s.setCosts(c) {
                    XCTAssertEqual(bad, .badCostRange, "seed \(seed) round \(round)")
                    continue
                }
                XCTAssertEqual(s.problem.cost, c)
                let label = "seed \(seed) round \(round) \(kind)"
                if rng.percent(25) {
                    let r = s.solve(deadline: .now - .seconds(1))
                    XCTAssertEqual(r.status, needsSimplex ? .timeLimit : last.status, label)
                }
                let r = s.solve()
                statuses[r.status, default: 0] += 1
                if r.status != last.status { transitions += 1 }
                compare(s, r, label, oracle: true)
                last = r
            }
        }
        print("warm random outcomes:", statuses.sorted { $0.value > $1.value }, "status changes:", transitions)
        XCTAssertGreaterThan(statuses[.optimal, default: 0], 5000)
        XCTAssertGreaterThan(statuses[.infeasible, default: 0], 500)
        XCTAssertGreaterThan(statuses[.unbounded, default: 0], 500)
        XCTAssertGreaterThan(transitions, 500)   // optimal ⇄ unbounded through cost changes
    }

    /// Small time-expanded instances (crash basis, negative inventory costs) through the session.
    func testWarmMatchesColdOnTimeExpanded() {
        var crashed = 0
        for seed in UInt64(0)..<1500 {
            let p = CrashStartTests.timeExpanded(seed: seed &+ 50_000)
            var options = NetworkSimplex()
            options.checkInvariantsEvery = 1
            options.relabelInterval = seed % 2 == 0 ? 2 : nil
            let s = NetworkSimplexSession(p, options: options)
            var rng = Xoshiro256StarStar(seed: seed &+ 7)
            compare(s, s.solve(), "seed \(seed) first", oracle: true)
            if s.crashed { crashed += 1 }
            for round in 0..<4 {
                let kind = Perturbation.allCases[Int(rng.below(4))]
                XCTAssertNil(s.setCosts(Self.perturb(s.problem.cost, kind, freshRange: -25...30, &rng)))
                compare(s, s.solve(), "seed \(seed) round \(round) \(kind)", oracle: true)
            }
        }
        XCTAssertGreaterThan(crashed, 200)
    }

    /// Generated NETGEN-style instances (300–3,000 nodes, some negative costs): warm solves after
    /// small perturbations give the cold optimum and take far fewer pivots in total; large
    /// perturbations and forced relabelling with invariant checks on some instances.
    func testWarmMatchesColdOnGeneratedInstances() {
        var coldPivots = 0, warmPivots = 0, rounds = 0
        for seed in UInt64(1)...30 {
            var g = GeneratorParameters()
            g.seed = seed
            g.nodes = 300 + 100 * Int(seed)
            g.arcs = g.nodes * 8
            g.sources = 4 + Int(seed % 7); g.sinks = 4 + Int(seed % 5)
            g.minCost = seed % 3 == 0 ? -20 : 1
            g.maxCost = 1000
            g.percentCapacitated = 60
            g.percentHighCostSkeleton = 30
            let p = InstanceGenerator.generate(g)
            var options = NetworkSimplex()
            if seed % 5 == 0 { options.relabelInterval = 13; options.checkInvariantsEvery = 17 }
            options.arcMixing = seed % 4 != 1
            let s = NetworkSimplexSession(p, options: options)
            var rng = Xoshiro256StarStar(seed: seed)
            let first = s.solve()
            XCTAssertEqual(first.status, .optimal)
            compare(s, first, "seed \(seed) first")
            for round in 0..<6 {
                let kind: Perturbation = round < 4 ? .small : (round == 4 ? .large : .scaled)
                XCTAssertNil(s.setCosts(Self.perturb(s.problem.cost, kind, freshRange: 0...0, &rng)))
                let r = s.solve()
                XCTAssertEqual(r.status, .optimal, "seed \(seed) round \(round)")
                let cold = compare(s, r, "seed \(seed) round \(round) \(kind)")
                if kind == .small { coldPivots += cold.iterations; warmPivots += r.iterations; rounds += 1 }
            }
            // Unchanged costs: the basis is already optimal.
            XCTAssertEqual(s.solve().iterations, 0, "seed \(seed)")
        }
        print("generated, \(rounds) small perturbations: cold \(coldPivots) pivots, warm \(warmPivots)")
        XCTAssertLessThan(warmPivots * 4, coldPivots)
    }

    /// A deadline in the past: `.timeLimit` with empty flow/potential and no pivots, both
    /// stateless and through a session; the session then continues — and since nothing had been
    /// done, exactly as a cold solve (same pivots, same flows). A far deadline changes nothing.
    func testPastDeadline() {
        var g = GeneratorParameters()
        g.seed = 5; g.nodes = 3000; g.arcs = 24_000; g.percentCapacitated = 50
        let netgen = InstanceGenerator.generate(g)
        // A time-expanded instance large enough for the crash basis to be taken.
        let expanded = Self.largeTimeExpanded(locations: 60, days: 90, seed: 3)
        for (name, p) in [("netgen", netgen), ("time-expanded", expanded)] {
            let cold = NetworkSimplex().solveChecked(p)
            XCTAssertEqual(cold.result.status, .optimal, name)
            XCTAssertGreaterThan(cold.result.iterations, 100, name)
            let past = ContinuousClock.now - .milliseconds(1)
            let r = NetworkSimplex().solve(p, deadline: past)
            XCTAssertEqual(r.status, .timeLimit, name)
            XCTAssertEqual(r.status.description, "time limit")
            XCTAssertTrue(r.flow.isEmpty && r.potential.isEmpty, name)
            XCTAssertEqual(r.iterations, 0, name)
            XCTAssertEqual(NetworkSimplex().solve(p, deadline: .now + .seconds(3600)), cold.result, name)
            XCTAssertEqual(NetworkSimplex().solve(p, deadline: nil), cold.result, name)

            let s = NetworkSimplexSession(p)
            XCTAssertEqual(s.solve(deadline: past).status, .timeLimit, name)
            XCTAssertEqual(s.solve(deadline: past).status, .timeLimit, name)
            let warm = s.solve()
            XCTAssertEqual(warm, cold.result, name)
            XCTAssertEqual(s.crashed, cold.crashed, name)
            if name == "time-expanded" { XCTAssertTrue(cold.crashed) }
        }
    }

    /// Short deadlines interrupt the solve at arbitrary points — in the crash search, the initial
    /// pivots or the pivot loop (timing-dependent, so each call's outcome is not asserted).
    /// Without cost changes the interrupted calls add up to exactly the cold solve (same pivots,
    /// flows, potentials); with cost changes between some calls the final optimum equals the
    /// cold one for the final costs.
    func testInterruptAndContinue() {
        for seed in UInt64(1)...3 {
            let p = Self.largeTimeExpanded(locations: 80, days: 120, seed: seed)
            var options = NetworkSimplex()
            options.relabelInterval = 500
            options.crashStart = seed != 3   // seed 3: artificial start, so initial pivots
            let cold = options.solve(p)
            XCTAssertEqual(cold.status, .optimal)
            for changeCosts in [false, true] {
                let s = NetworkSimplexSession(p, options: options)
                var rng = Xoshiro256StarStar(seed: seed)
                var calls = 0, interrupted = 0, pivots = 0
                var slice = Duration.microseconds(200)
                var r = MinCostFlowResult(status: .timeLimit)
                while r.status == .timeLimit && calls < 100_000 {
                    if changeCosts && calls % 3 == 2 && calls < 30 {
                        XCTAssertNil(s.setCosts(Self.perturb(s.problem.cost, .small, freshRange: 0...0, &rng)))
                    }
                    r = s.solve(deadline: .now + slice)
                    calls += 1; pivots += r.iterations
                    // No pivot in this call (slow machine or a long crash search): allow more time.
                    slice = r.iterations == 0 ? slice * 2 : .microseconds(200)
                    if r.status == .timeLimit { interrupted += 1; XCTAssertTrue(r.flow.isEmpty) }
                }
                let label = "seed \(seed) \(changeCosts ? "with" : "without") cost changes"
                XCTAssertEqual(r.status, .optimal, label)
                compare(s, r, label)
                if !changeCosts {
                    XCTAssertEqual(pivots, cold.iterations, label)
                    XCTAssertEqual(r.flow, cold.flow, label)
                    XCTAssertEqual(r.potential, cold.potential, label)
                }
                print("\(label): \(calls) calls, \(interrupted) interrupted, \(pivots) pivots in all")
            }
        }
    }

    /// Reproducible interruptions: the clock is read at every pivot / crash-search step and the
    /// deadline "passes" at the k-th read of each call, so every call stops after a step or two —
    /// inside the crash search, the initial pivots and the pivot loop. The calls must add up to
    /// exactly the uninterrupted solve (status, pivots, flows, potentials, crash taken or not);
    /// with costs changed between some calls, to the cold optimum of the final costs.
    func testReproducibleInterruptionsAddUpToOneSolve() {
        var instances: [(String, MinCostFlowProblem)] = []
        for seed in UInt64(0)..<1500 {
            instances.append(("random \(seed)", RandomizedTests.randomInstance(seed: seed &+ 4_000_000)))
        }
        for seed in UInt64(0)..<500 {
            instances.append(("time-expanded \(seed)", CrashStartTests.timeExpanded(seed: seed &+ 60_000)))
        }
        for seed in UInt64(1)...6 {
            var g = GeneratorParameters()
            g.seed = seed; g.nodes = 150; g.arcs = 1200; g.percentCapacitated = 50
            g.sources = seed % 2 == 0 ? 1 : 5; g.sinks = seed % 2 == 0 ? 1 : 5   // both initial-pivot rules
            instances.append(("generated \(seed)", InstanceGenerator.generate(g)))
        }
        instances.append(("large time-expanded", Self.largeTimeExpanded(locations: 6, days: 20, seed: 9)))
        var crashedCount = 0, interruptedCalls = 0
        for (i, (name, p)) in instances.enumerated() {
            var options = NetworkSimplex()
            options.crashStart = i % 5 != 4
            options.relabelInterval = i % 3 == 0 ? 2 : nil
            options.checkInvariantsEvery = 1
            let (cold, _, coldCrashed) = options.solveChecked(p)
            options.clockInterval = 1
            options.expireAtClockRead = 3 + i % 4
            for changeCosts in [false, true] {
                let s = NetworkSimplexSession(p, options: options)
                var rng = Xoshiro256StarStar(seed: UInt64(i))
                var calls = 0, pivots = 0
                var r = MinCostFlowResult(status: .timeLimit)
                while r.status == .timeLimit && calls < 1_000_000 {
                    if changeCosts && calls % 4 == 1 && calls < 40 {
                        let kind = Perturbation.allCases[Int(rng.below(3))]
                        XCTAssertNil(s.setCosts(Self.perturb(s.problem.cost, kind, freshRange: -5...15, &rng)))
                    }
                    r = s.solve(deadline: .now + .seconds(3600))
                    calls += 1; pivots += r.iterations
                    if r.status == .timeLimit { interruptedCalls += 1 }
                }
                let label = "\(name) \(changeCosts ? "with" : "without") cost changes"
                XCTAssertNotEqual(r.status, .timeLimit, label)
                compare(s, r, label)
                if !changeCosts {
                    XCTAssertEqual(r.status, cold.status, label)
                    XCTAssertEqual(pivots, cold.iterations, label)
                    XCTAssertEqual(r.flow, cold.flow, label)
                    XCTAssertEqual(r.potential, cold.potential, label)
                    XCTAssertEqual(s.crashed, coldCrashed, label)
                    if coldCrashed { crashedCount += 1 }
                }
            }
        }
        print("reproducible interruptions: \(interruptedCalls) interrupted calls, crash basis on \(crashedCount) of \(instances.count)")
        XCTAssertGreaterThan(crashedCount, 150)
    }

    /// Infeasible, unbalanced, unbounded and invalid problems through the session, the statuses
    /// following the costs where they can (unbounded ⇄ optimal), and `setCosts` validation.
    func testSessionStatusesAndValidation() {
        // Capacity-starved: infeasible whatever the costs.
        var starved = MinCostFlowProblem()
        starved.addNode(supply: 10); starved.addNode(); starved.addNode(supply: -10)
        starved.addArc(from: 0, to: 1, capacity: 5, cost: 3)
        starved.addArc(from: 1, to: 2, capacity: 20, cost: 4)
        starved.addArc(from: 0, to: 2, capacity: 2, cost: 9)
        var s = NetworkSimplexSession(starved)
        XCTAssertEqual(s.solve().status, .infeasible)
        XCTAssertNil(s.setCosts([-7, 100_000, 2]))
        XCTAssertEqual(s.solve().status, .infeasible)

        // Unbalanced: infeasible without pivoting, also after a cost change.
        var unbalanced = starved
        unbalanced.setSupply(2, -9)
        s = NetworkSimplexSession(unbalanced)
        XCTAssertEqual(s.solve(), MinCostFlowResult(status: .infeasible))
        XCTAssertNil(s.setCosts([1, 1, 1]))
        XCTAssertEqual(s.solve(deadline: .now - .seconds(1)), MinCostFlowResult(status: .infeasible))

        // 0 → 1 → 2 with an uncapacitated cycle 1 ⇄ 3: unbounded when the cycle is negative.
        var cyc = MinCostFlowProblem()
        cyc.addNode(supply: 4); cyc.addNode(); cyc.addNode(supply: -4); cyc.addNode()
        cyc.addArc(from: 0, to: 1, capacity: 10, cost: 2)
        cyc.addArc(from: 1, to: 2, capacity: 10, cost: 3)
        cyc.addArc(from: 1, to: 3, cost: 1)
        cyc.addArc(from: 3, to: 1, cost: 1)
        s = NetworkSimplexSession(cyc)
        var r = s.solve()
        XCTAssertEqual(r.status, .optimal)
        XCTAssertEqual(r.objective, 20)
        XCTAssertNil(s.setCosts([2, 3, 1, -2]))
        XCTAssertEqual(s.solve().status, .unbounded)
        XCTAssertEqual(s.solve().status, .unbounded)   // again from the same basis
        XCTAssertNil(s.setCosts([5, -1, 4, -3]))
        r = s.solve()
        XCTAssertEqual(r.status, .optimal)
        XCTAssertEqual(r.objective, 16)
        compare(s, r, "cycle")

        // Invalid problem: its status every time; costs can still be replaced.
        var bad = cyc
        bad.addArc(from: 0, to: 9, cost: 1)
        s = NetworkSimplexSession(bad)
        XCTAssertEqual(s.solve().status, .badNodeID)
        XCTAssertNil(s.setCosts([1, 1, 1, 1, 1]))
        XCTAssertEqual(s.solve().status, .badNodeID)

        // setCosts validation leaves the session unchanged.
        s = NetworkSimplexSession(cyc)
        XCTAssertEqual(s.solve().objective, 20)
        XCTAssertEqual(s.setCosts([1, 2, 3]), .badNodeID)
        XCTAssertEqual(s.setCosts([1, 2, 3, .min]), .badCostRange)
        XCTAssertEqual(s.setCosts([1, 2, 3, MinCostFlowProblem.costRangeLimit]), .badCostRange)
        XCTAssertEqual(s.setCosts([1, 2, 3, MinCostFlowProblem.costRangeLimit / 5]), .badCostRange)
        XCTAssertEqual(s.problem, cyc)
        XCTAssertEqual(s.solve().iterations, 0)
        // The largest allowed cost ((max + 1)·(n + 1) = limit) is accepted and solved exactly.
        let top = MinCostFlowProblem.costRangeLimit / 5 - 1
        XCTAssertNil(s.setCosts([top, -top, top, top]))
        r = s.solve()
        XCTAssertEqual(r.status, NetworkSimplex().solve(s.problem).status)

        // Empty problem.
        s = NetworkSimplexSession(MinCostFlowProblem())
        XCTAssertEqual(s.solve().status, .optimal)
        XCTAssertNil(s.setCosts([]))
        XCTAssertEqual(s.solve().status, .optimal)
    }

    /// Costs set before the first solve are simply the problem's: the first solve is a cold one.
    /// Two sessions fed the same calls give identical results (flows, potentials, pivots).
    func testDeterminismAndCostsBeforeFirstSolve() {
        var g = GeneratorParameters()
        g.seed = 11; g.nodes = 2000; g.arcs = 16_000; g.minCost = -10; g.percentCapacitated = 40
        let p = InstanceGenerator.generate(g)
        var rng = Xoshiro256StarStar(seed: 1)
        let c0 = Self.perturb(p.cost, .large, freshRange: 0...0, &rng)
        var q = p
        for a in 0..<q.arcCount { q.setCost(ArcID(a), c0[a]) }
        let a = NetworkSimplexSession(p), b = NetworkSimplexSession(p)
        XCTAssertNil(a.setCosts(c0)); XCTAssertNil(b.setCosts(c0))
        XCTAssertEqual(a.problem, q)
        let first = a.solve()
        XCTAssertEqual(first, NetworkSimplex().solve(q))
        XCTAssertEqual(b.solve(), first)
        for _ in 0..<5 {
            let c = Self.perturb(a.problem.cost, .small, freshRange: 0...0, &rng)
            XCTAssertNil(a.setCosts(c)); XCTAssertNil(b.setCosts(c))
            let ra = a.solve(), rb = b.solve()
            XCTAssertEqual(ra, rb)
            compare(a, ra, "determinism")
        }
    }

    /// A larger time-expanded network in the planner's shape (locations × days + super source):
    /// production at a few refineries, lanes between random locations, two-tier inventory (the
    /// first tier negative), shortfall arcs at a penalty, closing stock back to the source.
    static func largeTimeExpanded(locations k: Int, days T: Int, seed: UInt64) -> MinCostFlowProblem {
        var rng = Xoshiro256StarStar(seed: seed)
        let src = NodeID(k * T)
        var p = MinCostFlowProblem(nodeCount: k * T + 1)
        func node(_ a: Int, _ t: Int) -> NodeID { NodeID(a * T + t) }
        var total: Int64 = 0
        for a in 0..<k {
            for t in 0..<T {
                let d = rng.percent(70) ? rng.uniform(0...40) : 0
                let s = (t == 0 ? rng.uniform(0...100) : 0) - d
                p.setSupply(node(a, t), s); total += s
                if d > 0 { p.addArc(from: src, to: node(a, t), capacity: d, cost: 100_000) }
            }
        }
        p.setSupply(src, -total)
        for _ in 0..<(3 * k) {
            let a = Int(rng.below(UInt64(k))), b = Int(rng.below(UInt64(k)))
            if a == b { continue }
            let tau = Int(rng.uniform(0...2))
            let cap = rng.percent(30) ? MinCostFlowProblem.unbounded : rng.uniform(20...200)
            let c = rng.uniform(5...60)
            for t in 0..<(T - tau) { p.addArc(from: node(a, t), to: node(b, t + tau), capacity: cap, cost: c) }
        }
        for _ in 0..<max(1, k / 10) {
            let r = Int(rng.below(UInt64(k)))
            let pc = rng.uniform(10...40)
            for t in 0..<T { p.addArc(from: src, to: node(r, t), capacity: rng.uniform(100...600), cost: pc) }
        }
        for a in 0..<k {
            let safety = rng.uniform(10...50)
            for t in 0..<T {
                let to = t + 1 < T ? node(a, t + 1) : src
                p.addArc(from: node(a, t), to: to, capacity: safety, cost: -5)
                p.addArc(from: node(a, t), to: to, capacity: 500, cost: 2)
            }
        }
        return p
    }
}

extension SessionTests {
    /// New capacities for a random share of the arcs: lowered (possibly to the lower bound),
    /// raised, made unbounded, or an unbounded arc capped.
    static func recapacitate(_ p: MinCostFlowProblem, _ rng: inout Xoshiro256StarStar, share: Int = 30) -> [Int64] {
        var c = p.capacity
        for a in 0..<c.count where rng.percent(share) {
            let lo = p.lower[a]
            let old = c[a] == MinCostFlowProblem.unbounded ? lo + 20 : c[a]
            switch rng.below(4) {
            case 0: c[a] = lo + (old - lo) / 2
            case 1: c[a] = lo
            case 2: c[a] = old + rng.uniform(1...15)
            default: c[a] = rng.percent(50) ? MinCostFlowProblem.unbounded : lo + rng.uniform(0...10)
            }
        }
        return c
    }

    /// Capacity changes between solves (a session repairs its basis): on 3,000 random small
    /// instances (every status, lower bounds, invariants checked at every pivot) and on
    /// time-expanded ones, every warm solve equals a cold solve of the new problem, also mixed
    /// with cost changes; bad capacities are refused and leave the session unchanged.
    func testWarmAfterCapacityChanges() {
        var statuses: [MinCostFlowStatus: Int] = [:]
        for seed in UInt64(0)..<3000 {
            let p = Self.mixedInstance(seed, random: 9_000_000, expanded: 90_000)
            var options = NetworkSimplex()
            options.checkInvariantsEvery = 1
            options.relabelInterval = [0, 2, nil][Int(seed % 3)]
            options.crashStart = seed % 4 != 0
            let s = NetworkSimplexSession(p, options: options)
            var rng = Xoshiro256StarStar(seed: seed &+ 11)
            compare(s, s.solve(), "seed \(seed) first", oracle: true)
            for round in 0..<5 {
                let c = Self.recapacitate(s.problem, &rng)
                if let bad = s.setCapacities(c) {
                    XCTAssertNotEqual(bad, .optimal, "seed \(seed) round \(round)")
                    continue
                }
                XCTAssertEqual(s.problem.capacity, c)
                if rng.percent(30) {
                    XCTAssertNil(s.setCosts(Self.perturb(s.problem.cost, .small, freshRange: 0...0, &rng)))
                }
                let r = s.solve()
                statuses[r.status, default: 0] += 1
                compare(s, r, "seed \(seed) round \(round)", oracle: true)
            }
        }
        print("warm after capacity changes:", statuses.sorted { $0.value > $1.value })
        XCTAssertGreaterThan(statuses[.optimal, default: 0], 4000)
        XCTAssertGreaterThan(statuses[.infeasible, default: 0], 300)

        // Refused: wrong count, a capacity below the lower bound.
        let p = CrashStartTests.timeExpanded(seed: 5)
        let s = NetworkSimplexSession(p)
        let before = s.solve()
        XCTAssertEqual(s.setCapacities([]), .badNodeID)
        if let a = (0..<p.arcCount).first(where: { p.lower[$0] > 0 }) ?? (p.arcCount > 0 ? 0 : nil) {
            var c = p.capacity
            c[a] = p.lower[a] - 1
            XCTAssertEqual(s.setCapacities(c), .badBounds)
        }
        XCTAssertEqual(s.problem.capacity, p.capacity)
        XCTAssertEqual(s.solve().objective, before.objective)
    }

    /// On generated instances (1,300–3,000 nodes) a small capacity change re-solves warm in far
    /// fewer pivots than a cold solve, to the same optimum.
    func testWarmAfterCapacityChangesIsCheaper() {
        var coldPivots = 0, warmPivots = 0
        for seed in UInt64(1)...10 {
            var g = GeneratorParameters()
            g.seed = seed
            g.nodes = 1000 + 200 * Int(seed)
            g.arcs = g.nodes * 8
            g.sources = 5; g.sinks = 5
            g.percentCapacitated = 80
            let p = InstanceGenerator.generate(g)
            let s = NetworkSimplexSession(p)
            XCTAssertEqual(s.solve().status, .optimal)
            var rng = Xoshiro256StarStar(seed: seed)
            for round in 0..<3 {
                XCTAssertNil(s.setCapacities(Self.recapacitate(s.problem, &rng, share: 1)))
                let r = s.solve()
                let cold = compare(s, r, "seed \(seed) round \(round)")
                coldPivots += cold.iterations; warmPivots += r.iterations
            }
        }
        print("capacity changes on 1 % of the arcs: cold \(coldPivots) pivots, warm \(warmPivots)")
        XCTAssertLessThan(warmPivots * 3, coldPivots)
    }

    /// A copy continues exactly as the original would (same pivots, flows and potentials), and
    /// the two are independent: a capacity change on the copy leaves the original's problem and
    /// basis alone. Copies taken before the first solve, after an interruption and at an optimum.
    func testCopyContinuesLikeTheOriginal() {
        for seed in UInt64(0)..<400 {
            let p = Self.mixedInstance(seed, random: 5_000_000, expanded: 50_000)
            var options = NetworkSimplex()
            options.checkInvariantsEvery = seed % 5 == 0 ? 1 : 0
            options.crashStart = seed % 3 != 0
            let a = NetworkSimplexSession(p, options: options)
            var rng = Xoshiro256StarStar(seed: seed &+ 3)
            if seed % 4 == 1 { _ = a.solve(deadline: .now - .seconds(1)) }   // interrupted
            else if seed % 4 != 0 { compare(a, a.solve(), "seed \(seed) first") }
            let b = a.copy()
            let costs = Self.perturb(p.cost, .small, freshRange: 0...0, &rng)
            XCTAssertNil(a.setCosts(costs)); XCTAssertNil(b.setCosts(costs))
            let ra = a.solve(), rb = b.solve()
            XCTAssertEqual(ra.status, rb.status, "seed \(seed)")
            XCTAssertEqual(ra.iterations, rb.iterations, "seed \(seed)")
            XCTAssertEqual(ra.flow, rb.flow, "seed \(seed)")
            XCTAssertEqual(ra.potential, rb.potential, "seed \(seed)")
            compare(b, rb, "seed \(seed) copy")
            // Independent: change the copy's capacities; the original re-solves to its own optimum.
            let before = a.problem
            if b.setCapacities(Self.recapacitate(b.problem, &rng)) == nil { compare(b, b.solve(), "seed \(seed) copy recapacitated") }
            XCTAssertEqual(a.problem.capacity, before.capacity)
            let again = a.solve()
            XCTAssertEqual(again.iterations, ra.status == .optimal ? 0 : again.iterations, "seed \(seed)")
            compare(a, again, "seed \(seed) original after the copy changed")
        }
    }
}
