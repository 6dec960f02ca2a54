// BenchmarkTests.swift — manual timing harness (no timed assertions).
//
// Run:  NETWORKFLOW_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter BenchmarkTests
// Optional: NETWORKFLOW_BENCH_FILES=/path/a.min:/path/b.min to time other files.

import Foundation
import XCTest
@testable import NetworkFlow

final class BenchmarkTests: XCTestCase {
    func testTimeSharedInstances() throws {
        guard ProcessInfo.processInfo.environment["NETWORKFLOW_BENCH"] != nil else {
            throw XCTSkip("set NETWORKFLOW_BENCH=1 to run the timing harness")
        }
        var files: [(String, Int64?)] = []
        var classicToRemove: String?
        defer { if let c = classicToRemove { SharedInstances.removeClassic(c) } }
        if let extra = ProcessInfo.processInfo.environment["NETWORKFLOW_BENCH_FILES"] {
            files = extra.split(separator: ":").map { (String($0), nil) }
        } else {
            let dir = try SharedInstances.requireDirectory()
            files += try SharedInstances.optima(dir + "/optima.tsv").map { (dir + "/" + $0.file, $0.objective) }
            let classic = try SharedInstances.classicDirectory()
            classicToRemove = classic
            files += try SharedInstances.optima(dir + "/optima-classic.tsv").map { (classic + "/" + $0.file, $0.objective) }
        }
        var times: [String: [Double]] = [:]
        for (path, optimum) in files {
            let t0 = Date()
            let p = try DIMACS.read(path: path)
            let t1 = Date()
            var solver = NetworkSimplex()
            if let f = ProcessInfo.processInfo.environment["NETWORKFLOW_BENCH_BLOCK"].flatMap(Double.init) {
                solver.blockSizeFactor = f
            }
            let r = solver.solve(p)
            let t2 = Date()
            let name = (path as NSString).lastPathComponent
            let ok = optimum.map { $0 == r.objective } ?? true
            print(String(format: "%-22@ n=%7d m=%8d read %.3fs solve %.3fs pivots %8d %@ %lld %@",
                         name as NSString, p.nodeCount, p.arcCount, t1.timeIntervalSince(t0), t2.timeIntervalSince(t1),
                         r.iterations, "\(r.status)" as NSString, r.objective, ok ? "" : "MISMATCH"))
            let group = name.hasPrefix("netgn1") ? "classic" : "shared"
            times[group, default: []].append(t2.timeIntervalSince(t1))
        }
        for (g, ts) in times.sorted(by: { $0.key < $1.key }) {
            let s = ts.sorted()
            print(String(format: "%@: min %.4fs median %.4fs max %.4fs total %.3fs", g as NSString,
                         s.first!, s[s.count / 2], s.last!, s.reduce(0, +)))
        }
    }
}

extension BenchmarkTests {
    /// NETGEN-style instance of the "8" family scaled to 125k nodes / 1M arcs (our generator).
    /// Run: NETWORKFLOW_BENCH_BIG=1 swift test -c release -Xswiftc -enable-testing --filter BenchmarkTests
    func testTimeGeneratedLarge() throws {
        guard let spec = ProcessInfo.processInfo.environment["NETWORKFLOW_BENCH_BIG"] else {
            throw XCTSkip("set NETWORKFLOW_BENCH_BIG=1 (or =NODES:ARCS) to run")
        }
        let parts = spec.split(separator: ":").compactMap { Int($0) }
        var g = GeneratorParameters()
        g.nodes = parts.count == 2 ? parts[0] : 125_000
        g.arcs = parts.count == 2 ? parts[1] : 1_000_000
        g.sources = Int(Double(g.nodes).squareRoot()); g.sinks = g.sources
        // The parameters of the netgen_8 family (LEMON benchmark): supply 1000 per source,
        // costs 1...10000, capacities 1...1000, skeleton all max-cost and capacitated.
        g.minCost = 1; g.maxCost = 10_000; g.totalSupply = Int64(g.sources) * 1000
        g.minCapacity = 1; g.maxCapacity = 1000; g.percentCapacitated = 100
        g.percentHighCostSkeleton = 100
        for seed in [1, 2] as [UInt64] {
            g.seed = seed
            let t0 = Date()
            let p = InstanceGenerator.generate(g)
            let t1 = Date()
            let text = DIMACS.write(p)
            let t2 = Date()
            let q = try DIMACS.parse(text)
            let t3 = Date()
            let r = NetworkSimplex().solve(q)
            let t4 = Date()
            print(String(format: "generated n=%d m=%d seed %llu: generate %.3fs write %.3fs parse %.3fs (%.1f MB) solve %.3fs pivots %d %@ %lld",
                         p.nodeCount, p.arcCount, seed, t1.timeIntervalSince(t0), t2.timeIntervalSince(t1),
                         t3.timeIntervalSince(t2), Double(text.utf8.count) / 1e6, t4.timeIntervalSince(t3),
                         r.iterations, "\(r.status)" as NSString, r.objective))
            XCTAssertEqual(q, p)
            XCTAssertTrue(q.check(r).isValid)
        }
    }
}

extension BenchmarkTests {
    /// Warm start after small cost changes (``NetworkSimplexSession``) against cold solves.
    /// Each round changes 1 % of the arc costs by up to ±10 % (at least ±1), then solves the
    /// changed problem warm (session) and cold (`NetworkSimplex().solve`), and checks that the
    /// objectives agree. Also times `solve(_:deadline:)` with a far deadline against `solve(_:)`,
    /// and how late a 0.5 s deadline returns.
    /// Run: NETWORKFLOW_BENCH_WARM=NODES:ARCS (NETGEN-style, costs 1…10,000) or =FILE.min
    ///      swift test -c release -Xswiftc -enable-testing --filter BenchmarkTests/testTimeWarmStart
    /// Optional: NETWORKFLOW_BENCH_ROUNDS (default 5), NETWORKFLOW_BENCH_PERCENT (share of arcs
    /// changed, default 1), NETWORKFLOW_BENCH_SPREAD (largest change in %, default 10).
    func testTimeWarmStart() throws {
        guard let spec = ProcessInfo.processInfo.environment["NETWORKFLOW_BENCH_WARM"] else {
            throw XCTSkip("set NETWORKFLOW_BENCH_WARM=NODES:ARCS or =FILE.min to run")
        }
        let p: MinCostFlowProblem
        let parts = spec.split(separator: ":").compactMap { Int($0) }
        if parts.count == 2 {
            var g = GeneratorParameters()
            g.nodes = parts[0]; g.arcs = parts[1]; g.seed = 1
            g.sources = max(1, g.nodes / 100); g.sinks = g.sources
            g.minCost = 1; g.maxCost = 10_000; g.totalSupply = Int64(g.sources) * 1000
            g.minCapacity = 100; g.maxCapacity = 5000; g.percentCapacitated = 30
            g.percentHighCostSkeleton = 30   // the `fuelflow mcfgen` defaults
            p = InstanceGenerator.generate(g)
        } else {
            p = try DIMACS.read(path: spec)
        }
        let env = ProcessInfo.processInfo.environment
        let rounds = env["NETWORKFLOW_BENCH_ROUNDS"].flatMap(Int.init) ?? 5
        let percent = env["NETWORKFLOW_BENCH_PERCENT"].flatMap(Int.init) ?? 1
        let spread = env["NETWORKFLOW_BENCH_SPREAD"].flatMap(Int64.init) ?? 10
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        var r0 = MinCostFlowResult(status: .infeasible), r1 = r0
        let tPlain = clock.measure { r0 = NetworkSimplex().solve(p) }
        let tDeadline = clock.measure { r1 = NetworkSimplex().solve(p, deadline: clock.now + .seconds(86_400)) }
        XCTAssertEqual(r0, r1)
        print(String(format: "n=%d m=%d cold solve %.3fs (%d pivots), with a far deadline %.3fs",
                     p.nodeCount, p.arcCount, seconds(tPlain), r0.iterations, seconds(tDeadline)))
        var stopped = MinCostFlowResult(status: .infeasible)
        let tStopped = clock.measure { stopped = NetworkSimplex().solve(p, deadline: clock.now + .milliseconds(500)) }
        print(String(format: "deadline 0.5 s: %@ after %.3fs (%d pivots)", "\(stopped.status)" as NSString,
                     seconds(tStopped), stopped.iterations))
        let session = NetworkSimplexSession(p)
        var first = MinCostFlowResult(status: .infeasible)
        let tFirst = clock.measure { first = session.solve() }
        XCTAssertEqual(first.objective, r0.objective)
        print(String(format: "session first solve %.3fs (%d pivots)", seconds(tFirst), first.iterations))
        var rng = Xoshiro256StarStar(seed: 42)
        var sums = (cold: 0.0, warm: 0.0, set: 0.0, coldPivots: 0, warmPivots: 0)
        for round in 1...rounds {
            var c = session.problem.cost
            for _ in 0..<max(1, c.count * percent / 100) {
                let a = Int(rng.below(UInt64(c.count)))
                let r = rng.uniform(-spread...spread)
                var d = c[a] * r / 100
                if d == 0 { d = r.signum() }
                c[a] += d
            }
            var bad: MinCostFlowStatus? = nil
            let tSet = clock.measure { bad = session.setCosts(c) }
            XCTAssertNil(bad)
            var warm = MinCostFlowResult(status: .infeasible), cold = warm
            let tWarm = clock.measure { warm = session.solve() }
            let tCold = clock.measure { cold = NetworkSimplex().solve(session.problem) }
            XCTAssertEqual(warm.status, cold.status)
            XCTAssertEqual(warm.objective, cold.objective)
            print(String(format: "round %d: setCosts %.4fs, warm %.3fs (%d pivots), cold %.3fs (%d pivots), objective %lld %@",
                         round, seconds(tSet), seconds(tWarm), warm.iterations, seconds(tCold), cold.iterations,
                         warm.objective, warm.objective == cold.objective ? "equal" : "MISMATCH"))
            sums.cold += seconds(tCold); sums.warm += seconds(tWarm); sums.set += seconds(tSet)
            sums.coldPivots += cold.iterations; sums.warmPivots += warm.iterations
        }
        let k = Double(rounds)
        print(String(format: "mean over %d rounds: cold %.3fs (%d pivots), warm %.3fs + setCosts %.4fs (%d pivots)",
                     rounds, sums.cold / k, sums.coldPivots / rounds, sums.warm / k, sums.set / k, sums.warmPivots / rounds))
    }
}
