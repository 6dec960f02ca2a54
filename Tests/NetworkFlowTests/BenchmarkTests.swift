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
