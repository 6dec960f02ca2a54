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
        if let extra = ProcessInfo.processInfo.environment["NETWORKFLOW_BENCH_FILES"] {
            files = extra.split(separator: ":").map { (String($0), nil) }
        } else {
            let dir = try SharedInstances.requireDirectory()
            files += try SharedInstances.optima(dir + "/optima.tsv").map { (dir + "/" + $0.file, $0.objective) }
            let classic = try SharedInstances.classicDirectory()
            files += try SharedInstances.optima(dir + "/optima-classic.tsv").map { (classic + "/" + $0.file, $0.objective) }
        }
        var times: [String: [Double]] = [:]
        for (path, optimum) in files {
            let t0 = Date()
            let p = try DIMACS.read(path: path)
            let t1 = Date()
            let r = NetworkSimplex().solve(p)
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
