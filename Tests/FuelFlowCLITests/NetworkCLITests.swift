import Foundation
import XCTest

/// End-to-end tests of `fuelflow validate` and `fuelflow generate`.
final class NetworkCLITests: XCTestCase {
    func testExampleValidates() throws {
        let r = try CLI.run(["validate", CLI.packageRoot.appendingPathComponent("data/example").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("0 error(s)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("150 stations"), r.stdout)
    }

    /// Copies the example network's small files into a temp folder (no sales history) so a test can break one.
    func copyOfExample() throws -> URL {
        let dir = try temporaryDirectory()
        let source = CLI.packageRoot.appendingPathComponent("data/example")
        for name in ["settings.yaml", "products.csv", "nodes.csv", "lanes.csv", "production.csv",
                     "storage.csv", "demand.csv", "fleet.csv"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name),
                                             to: dir.appendingPathComponent(name))
        }
        return dir
    }

    func testBrokenFolderReportsEveryProblemWithFileLineColumnAndExitsOne() throws {
        let dir = try copyOfExample()
        // Break two different files: a lane to an unknown node, and a non-numeric capacity.
        let lanes = dir.appendingPathComponent("lanes.csv")
        var text = try String(contentsOf: lanes, encoding: .utf8)
        text += "R01,NOWHERE,truck,1.5,,0,,,,\n"
        try text.write(to: lanes, atomically: true, encoding: .utf8)
        let laneLine = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        let storage = dir.appendingPathComponent("storage.csv")
        var rows = try String(contentsOf: storage, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var fields = rows[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[2] = "lots"
        rows[1] = fields.joined(separator: ",")
        try rows.joined(separator: "\n").write(to: storage, atomically: true, encoding: .utf8)

        let r = try CLI.run(["validate", dir.path])
        XCTAssertEqual(r.status, 1)
        let all = r.stdout + r.stderr
        // Columns count characters from 1: "R01,NOWHERE" puts the bad id at column 5.
        XCTAssertTrue(all.contains("lanes.csv:\(laneLine):5: error: unknown node 'NOWHERE'"), all)
        let column = fields[0].count + fields[1].count + 3
        XCTAssertTrue(all.contains("storage.csv:2:\(column): error: 'capacity_m3' is not a number: 'lots'"), all)
    }

    func testGarbageNeverCrashes() throws {
        let dir = try copyOfExample()
        var bytes = [UInt8]()
        var state: UInt64 = 42
        for _ in 0 ..< 4096 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        try Data(bytes).write(to: dir.appendingPathComponent("nodes.csv"))
        let r = try CLI.run(["validate", dir.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue((r.stdout + r.stderr).contains("nodes.csv"))
    }

    func testMissingFolder() throws {
        let r = try CLI.run(["validate", "/nonexistent/network"])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(r.stderr.isEmpty)
    }

    func testGenerateWritesAValidDeterministicNetwork() throws {
        let base = try temporaryDirectory()
        let a = base.appendingPathComponent("a"), b = base.appendingPathComponent("b")
        for out in [a, b] {
            let r = try CLI.run(["generate", "--preset", "small", "--seed", "3", "--out", out.path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let v = try CLI.run(["validate", a.path])
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        for name in ["nodes.csv", "lanes.csv", "demand.csv", "storage.csv"] {
            XCTAssertEqual(try Data(contentsOf: a.appendingPathComponent(name)),
                           try Data(contentsOf: b.appendingPathComponent(name)), name)
        }
        let bad = try CLI.run(["generate", "--preset", "galactic", "--out", base.appendingPathComponent("c").path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("galactic"), bad.stderr)
        // Dates beyond four-digit years crashed the generator (fuzzing); now a usage error.
        for args in [["--start", "9999-12-31"], ["--start", "0001-01-01", "--history-days", "0"]] {
            let r = try CLI.run(["generate", "--preset", "small", "--out", base.appendingPathComponent("d").path] + args)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains("must lie within 0002-01-01...9998-12-31"), r.stderr)
        }
        // Sizes that would only exhaust memory are refused up front.
        for (args, message) in [(["mcfgen", "--nodes", "999999999999", "--arcs", "10", "-o", base.appendingPathComponent("x.min").path], "--nodes must be within"),
                                (["forecast", base.path, "--out", base.appendingPathComponent("f").path, "--horizon", "1000000000"], "--horizon must be within")] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
        }
    }
}
