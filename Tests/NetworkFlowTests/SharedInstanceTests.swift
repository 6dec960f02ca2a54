// SharedInstanceTests.swift — public DIMACS instances solved to their published optima.

import Foundation
import XCTest
@testable import NetworkFlow

final class SharedInstanceTests: XCTestCase {
    func solveAll(_ files: [(path: String, objective: Int64)]) throws {
        XCTAssertFalse(files.isEmpty)
        for (path, optimum) in files {
            let p = try DIMACS.read(path: path)
            let r = NetworkSimplex().solve(p)
            let name = (path as NSString).lastPathComponent
            XCTAssertEqual(r.status, .optimal, name)
            XCTAssertEqual(r.objective, optimum, name)
            let report = p.check(r)
            XCTAssertTrue(report.isValid, "\(name): \(report)")
        }
    }

    /// The 8 instances of `optima.tsv` (netgen_8_*, transport_*, two sanity checks).
    func testPublicInstances() throws {
        let dir = try SharedInstances.requireDirectory()
        let optima = try SharedInstances.optima(dir + "/optima.tsv")
        XCTAssertEqual(optima.count, 8)
        try solveAll(optima.map { (dir + "/" + $0.file, $0.objective) })
    }

    /// The 50 classic NETGEN problems (Klingman, Napier & Stutz 1974) of `optima-classic.tsv`.
    func testClassicNetgen() throws {
        let dir = try SharedInstances.requireDirectory()
        let classic = try SharedInstances.classicDirectory()
        let optima = try SharedInstances.optima(dir + "/optima-classic.tsv")
        XCTAssertEqual(optima.count, 50)
        try solveAll(optima.map { (classic + "/" + $0.file, $0.objective) })
    }
}
