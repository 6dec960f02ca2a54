import Foundation
import XCTest

/// End-to-end tests of `fuelflow mincost` and `fuelflow mcfgen`, run as a user runs them.
final class MinCostCLITests: XCTestCase {
    var example: String { CLI.packageRoot.appendingPathComponent("data/mincost/example.min").path }

    func testExampleSolvedByEveryAlgorithm() throws {
        // data/mincost/example.min: optimum 28500, cross-checked with networkx when it was written.
        for algorithm in ["simplex", "okalg", "glpk-lp"] {
            let r = try CLI.run(["mincost", example, "--algorithm", algorithm, "--json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(object["status"] as? String, "optimal")
            XCTAssertEqual((object["objective"] as? NSNumber)?.int64Value, 28500, algorithm)
            XCTAssertEqual(object["algorithm"] as? String, algorithm)
            XCTAssertNotNil(object["solve_seconds"] as? Double)
        }
    }

    func testTextOutputNamesObjectiveTimeAndAlgorithm() throws {
        let r = try CLI.run(["mincost", example])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("objective:  28500"), r.stdout)
        XCTAssertTrue(r.stdout.contains("solve time:"), r.stdout)
        XCTAssertTrue(r.stdout.contains("network simplex"), r.stdout)
    }

    func testFlowsFileConservesFlow() throws {
        let dir = try temporaryDirectory()
        let flows = dir.appendingPathComponent("flows.csv").path
        let r = try CLI.run(["mincost", example, "--flows", flows])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try String(contentsOfFile: flows, encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.count, 24)
        // Net outflow of every node equals its supply in the file.
        var net = [Int: Int64]()
        for row in rows {
            let f = row.split(separator: ",")
            let from = Int(f[1])!, to = Int(f[2])!, x = Int64(f[3])!
            net[from, default: 0] += x
            net[to, default: 0] -= x
        }
        XCTAssertEqual(net[1], 900); XCTAssertEqual(net[2], 600)
        for station in 8 ... 13 { XCTAssertEqual(net[station], -250) }
        for hub in 3 ... 7 { XCTAssertEqual(net[hub], 0) }
    }

    /// Found by fuzzing: the objective went through a Double (9007199254740993 printed as
    /// …992); bad bounds and costs gave messages without file and line.
    func testExactObjectiveAndBadArcsNamedByLine() throws {
        let dir = try temporaryDirectory()
        let big = dir.appendingPathComponent("big.min")
        try "p min 2 1\nn 1 3\nn 2 -3\na 1 2 0 3 123456789012345677\n".write(to: big, atomically: true, encoding: .utf8)
        var r = try CLI.run(["mincost", big.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("objective:  370370367037037031"), r.stdout)
        r = try CLI.run(["mincost", big.path, "--json"])
        XCTAssertTrue(r.stdout.contains("\"objective\":370370367037037031"), r.stdout)
        let cases = [("c bounds\np min 2 1\nn 1 1\nn 2 -1\na 1 2 6 5 1\n", ":5: arc 1 → 2: lower bound 6 exceeds capacity 5"),
                     ("p min 2 2\nn 1 1\nn 2 -1\na 1 2 0 5 1\na 2 1 0 5 9223372036854775807\n", ":5: arc 2 → 1: cost 9223372036854775807 is too large")]
        for (i, (text, message)) in cases.enumerated() {
            let file = dir.appendingPathComponent("bad\(i).min")
            try text.write(to: file, atomically: true, encoding: .utf8)
            for algorithm in ["simplex", "okalg"] {
                let r = try CLI.run(["mincost", file.path, "--algorithm", algorithm])
                XCTAssertEqual(r.status, 1, algorithm)
                XCTAssertTrue(r.stderr.contains(file.path + message), r.stderr)
            }
        }
    }

    func testInfeasibleExitsTwoWithOneLineMessage() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("short.min")
        try "p min 2 1\nn 1 5\nn 2 -5\na 1 2 0 4 1\n".write(to: file, atomically: true, encoding: .utf8)
        for algorithm in ["simplex", "okalg", "glpk-lp"] {
            let r = try CLI.run(["mincost", file.path, "--algorithm", algorithm, "--json"])
            XCTAssertEqual(r.status, 2, algorithm)
            XCTAssertTrue(r.stdout.contains("\"status\":\"infeasible\""), r.stdout)
            XCTAssertEqual(r.stderr, "fuelflow: the problem is infeasible\n")
        }
    }

    func testUnboundedNegativeCycle() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("cycle.min")
        // 1 → 2 → 3 → 1 uncapacitated (huge capacity) with total cost −1.
        let big = Int64.max
        try "p min 3 3\na 1 2 0 \(big) 1\na 2 3 0 \(big) 1\na 3 1 0 \(big) -3\n"
            .write(to: file, atomically: true, encoding: .utf8)
        for algorithm in ["simplex", "okalg", "glpk-lp"] {
            let r = try CLI.run(["mincost", file.path, "--algorithm", algorithm, "--json"])
            XCTAssertEqual(r.status, 2, "\(algorithm): \(r.stdout) \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("\"status\":\"unbounded\""), "\(algorithm): \(r.stdout)")
        }
    }

    func testMalformedFileGivesFileAndLine() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("bad.min")
        try "c a comment\np min 2 1\na 1 x 0 10 1\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["mincost", file.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("fuelflow: \(file.path):3:"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
    }

    func testMissingFile() throws {
        let r = try CLI.run(["mincost", "/nonexistent/x.min"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("/nonexistent/x.min"), r.stderr)
    }

    func testMcfgenIsDeterministicAndSolvable() throws {
        let dir = try temporaryDirectory()
        let a = dir.appendingPathComponent("a.min").path, b = dir.appendingPathComponent("b.min").path
        let c = dir.appendingPathComponent("c.min").path
        for (path, seed) in [(a, "7"), (b, "7"), (c, "8")] {
            let r = try CLI.run(["mcfgen", "--nodes", "500", "--arcs", "4000", "--seed", seed, "-o", path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: c)))
        // Our simplex and GLPK's out-of-kilter agree on the generated instance.
        var objectives: [Int64] = []
        for algorithm in ["simplex", "okalg"] {
            let r = try CLI.run(["mincost", a, "--algorithm", algorithm, "--json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            objectives.append(try XCTUnwrap((o["objective"] as? NSNumber)?.int64Value))
        }
        XCTAssertEqual(objectives[0], objectives[1])
    }

    func testMcfgenShapes() throws {
        let dir = try temporaryDirectory()
        for shape in ["grid", "transportation"] {
            let path = dir.appendingPathComponent("\(shape).min").path
            XCTAssertEqual(try CLI.run(["mcfgen", "--nodes", "100", "--arcs", "600", "--shape", shape, "-o", path]).status, 0)
            let r = try CLI.run(["mincost", path, "--json"])
            XCTAssertEqual(r.status, 0, "\(shape): \(r.stderr)")
        }
        let bad = try CLI.run(["mcfgen", "--nodes", "1", "--arcs", "5", "-o", dir.appendingPathComponent("x").path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--nodes"), bad.stderr)
    }

    func testVersionAndHelp() throws {
        let v = try CLI.run(["--version"])
        XCTAssertEqual(v.status, 0)
        XCTAssertFalse(v.stdout.isEmpty)
        let h = try CLI.run(["--help"])
        XCTAssertEqual(h.status, 0)
        XCTAssertTrue(h.stdout.contains("mincost"))
        XCTAssertTrue(h.stdout.contains("mcfgen"))
    }
}
