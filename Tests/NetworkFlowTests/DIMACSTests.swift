// DIMACSTests.swift — parsing, round trips and error messages.

import Foundation
import XCTest
@testable import NetworkFlow

final class DIMACSTests: XCTestCase {
    func testParsesCommentsSuppliesAndArcs() throws {
        let text = """
        c a comment
        p min 4 4

        n 1 10
        n 4 -10
        c comment between arcs
        a 1 2 0 10 5
        a 1 3 0 10 2\r
        a\t2 4 1 10 3
        a 3 4 0 9223372036854775807 -7
        """
        let p = try DIMACS.parse(text)
        XCTAssertEqual(p.nodeCount, 4)
        XCTAssertEqual(p.supply, [10, 0, 0, -10])
        XCTAssertEqual(p.tail, [0, 0, 1, 2])
        XCTAssertEqual(p.head, [1, 2, 3, 3])
        XCTAssertEqual(p.lower, [0, 0, 1, 0])
        XCTAssertEqual(p.capacity, [10, 10, 10, MinCostFlowProblem.unbounded])
        XCTAssertEqual(p.cost, [5, 2, 3, -7])
    }

    func testRoundTripGenerated() throws {
        for shape in [GeneratorParameters.Shape.netgen, .grid(rows: 5, columns: 7), .transportation(sources: 4, sinks: 6)] {
            var g = GeneratorParameters(shape: shape, seed: 3)
            g.nodes = 200; g.arcs = 1500; g.percentCapacitated = 50; g.minCost = -3
            var p = InstanceGenerator.generate(g)
            p.addArc(from: 0, to: 1, lower: -2, capacity: 5, cost: -9)   // negative values too
            let text = DIMACS.write(p, comments: ["round trip", "second line"])
            XCTAssertTrue(text.hasPrefix("c round trip\nc second line\np min "))
            let q = try DIMACS.parse(text)
            XCTAssertEqual(p, q)
        }
    }

    func testRoundTripThroughFile() throws {
        var p = MinCostFlowProblem()
        p.addNode(supply: 3); p.addNode(supply: -3)
        p.addArc(from: 0, to: 1, capacity: MinCostFlowProblem.unbounded, cost: Int64.min + 1)
        p.addArc(from: 1, to: 0, lower: Int64.min, capacity: Int64.max - 1, cost: Int64.max)
        let path = NSTemporaryDirectory() + "networkflow-roundtrip-\(UUID().uuidString).min"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DIMACS.write(p, to: path)
        XCTAssertEqual(try DIMACS.read(path: path), p)
    }

    func testRoundTripSharedFile() throws {
        let dir = try SharedInstances.requireDirectory()
        let p = try DIMACS.read(path: dir + "/netgen_8_10a.min")
        XCTAssertEqual(p.nodeCount, 1024)
        XCTAssertEqual(p.arcCount, 8192)
        XCTAssertEqual(try DIMACS.parse(DIMACS.write(p)), p)
    }

    /// Each malformed input must be rejected with the right line and a telling message.
    func testMalformedInputs() {
        let cases: [(String, Int, String)] = [
            ("c only a comment\n", 0, "missing 'p min' line"),
            ("", 0, "missing 'p min' line"),
            ("a 1 2 0 10 5\np min 2 1\n", 1, "'a' line before the 'p' line"),
            ("c x\nn 1 5\np min 2 0\n", 2, "'n' line before the 'p' line"),
            ("p min 2 0\np min 2 0\n", 2, "duplicate 'p' line"),
            ("p max 2 0\n", 1, "is not 'min'"),
            ("p min 2\n", 1, "missing field arc count"),
            ("p min 2 1 7\n", 1, "more than 4 fields"),
            ("p min 2 1\na 1 2 0 10\n", 2, "missing field cost"),
            ("p min 2 1\na 1 2 0 10 5 7\n", 2, "more than 6 fields"),
            ("p min 2 1\na 1 x 0 10 5\n", 2, "target node: expected an integer, found 'x'"),
            ("p min 2 1\na 1 2 0 1.5 5\n", 2, "capacity: expected an integer, found '1.5'"),
            ("p min 2 1\na 1 2 0 10 99999999999999999999\n", 2, "cost: integer out of range"),
            ("p min 2 1\na 1 3 0 10 5\n", 2, "node id 3 out of range 1...2"),
            ("p min 2 1\na 0 2 0 10 5\n", 2, "node id 0 out of range"),
            ("p min 2 0\nn 3 5\n", 2, "node id 3 out of range"),
            ("p min 2 0\nn 1 5\nn 1 -5\n", 3, "duplicate 'n' line for node 1"),
            ("p min 2 0\nn 1\n", 2, "missing field supply"),
            ("p min 2 2\na 1 2 0 10 5\n", 1, "declares 2 arcs but the file has 1"),
            ("p min 2 1\na 1 2 0 1 1\na 2 1 0 1 1\n", 3, "more arcs than the 1 declared on line 1"),
            ("p min 2 0\nx 1 2\n", 2, "unknown line type 'x'"),
            ("p min 2 0\nnode 1 2\n", 2, "unknown line type 'node'"),
            ("p min -2 0\n", 1, "node count -2 out of range"),
        ]
        for (text, line, message) in cases {
            XCTAssertThrowsError(try DIMACS.parse(text, path: "bad.min"), "input: \(text)") { error in
                guard let e = error as? DIMACSError else { return XCTFail("wrong error type \(error)") }
                XCTAssertEqual(e.line, line, "input: \(text) → \(e)")
                XCTAssertTrue(e.message.contains(message), "input: \(text) → \(e)")
                XCTAssertTrue(e.description.hasPrefix(line > 0 ? "bad.min:\(line): " : "bad.min: "), e.description)
            }
        }
    }

    func testErrorNamesTheFile() throws {
        let path = NSTemporaryDirectory() + "networkflow-bad-\(UUID().uuidString).min"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "c bad\np min 2 1\na 1 2 0 ten 5\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DIMACS.read(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path):3: capacity: expected an integer, found 'ten'")
        }
        XCTAssertThrowsError(try DIMACS.read(path: path + ".missing")) { error in
            XCTAssertEqual("\(error)", "\(path).missing: cannot read file")
        }
    }
}
