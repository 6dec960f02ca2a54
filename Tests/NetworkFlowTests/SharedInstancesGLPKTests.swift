import Foundation
import GLPK
import NetworkFlow
import XCTest

/// The public instances in `../shared/mcf` solved to their published optima by GLPK's
/// algorithms too (our network simplex is covered in `SharedInstanceTests`), read with our
/// DIMACS parser. The two largest NETGEN files take GLPK minutes (okalg 25–50 s, its simplex
/// 35–200 s on this machine), so those run only with `FUELFLOW_SLOW_TESTS=1`; the benchmark
/// (`benchmarks/mincost/bench.py`) solves every instance with every algorithm.
final class SharedInstancesGLPKTests: XCTestCase {
    static let slow = ProcessInfo.processInfo.environment["FUELFLOW_SLOW_TESTS"] == "1"

    static func solve(_ p: MinCostFlowProblem, _ method: GLPKMinCostFlow.Method) throws -> GLPKMinCostFlow.Result {
        try GLPKMinCostFlow.solve(
            nodeCount: p.nodeCount, supply: p.supply, tails: p.tail.map { Int($0) }, heads: p.head.map { Int($0) },
            lower: p.lower,
            upper: p.capacity.map { $0 == MinCostFlowProblem.unbounded ? GLPKMinCostFlow.unlimited : $0 },
            cost: p.cost, method: method)
    }

    func testPublicInstancesByOutOfKilterAndSimplex() throws {
        let dir = try SharedInstances.requireDirectory()
        let optima = try SharedInstances.optima(dir + "/optima.tsv")
        XCTAssertEqual(optima.count, 8)
        for (file, objective) in optima {
            let p = try DIMACS.read(path: dir + "/" + file)
            let big = p.arcCount > 60_000
            if !big || Self.slow {
                XCTAssertEqual(try Self.solve(p, .outOfKilter).objective, Double(objective), "okalg \(file)")
            }
            if p.arcCount <= 20_000 || file.hasPrefix("transport") || Self.slow {
                XCTAssertEqual(try Self.solve(p, .simplex).objective, Double(objective), "glpk simplex \(file)")
            }
        }
    }

    func testClassicNetgenSampleByOutOfKilter() throws {
        let dir = try SharedInstances.requireDirectory()
        let classic = try SharedInstances.classicDirectory()
        defer { SharedInstances.removeClassic(classic) }
        let optima = try SharedInstances.optima(dir + "/optima-classic.tsv")
        XCTAssertEqual(optima.count, 50)
        // Every fifth problem by default (each family is represented), all 50 when slow tests are on.
        for (i, (file, objective)) in optima.enumerated() where Self.slow || i % 5 == 0 {
            let p = try DIMACS.read(path: classic + "/" + file)
            let ours = NetworkSimplex().solve(p)
            XCTAssertEqual(ours.objective, objective, "ours \(file)")
            XCTAssertEqual(try Self.solve(p, .outOfKilter).objective, Double(objective), "okalg \(file)")
        }
    }
}
