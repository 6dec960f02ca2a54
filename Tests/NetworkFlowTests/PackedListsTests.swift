// PackedListsTests.swift — the flat storage of the partitioning's per-extra lists against plain
// nested arrays under random appends, removals, clears and list removals (with the relocations
// and compactions they trigger).
import FuelFlowSupport
import XCTest
@testable import NetworkFlow

final class PackedListsTests: XCTestCase {
    func testMatchesNestedArraysUnderRandomEdits() {
        var rng = Xoshiro256StarStar(seed: 23)
        var packed = PackedLists()
        var model: [[(Int32, Double)]] = []
        func check(_ step: Int) {
            XCTAssertEqual(packed.listCount, model.count, "step \(step)")
            for (i, list) in model.enumerated() {
                XCTAssertEqual(Int(packed.count[i]), list.count, "step \(step) list \(i)")
                for (j, (k, v)) in list.enumerated() {
                    XCTAssertEqual(packed.key(i, j), k); XCTAssertEqual(packed.value(i, j), v)
                }
            }
        }
        for step in 0 ..< 20_000 {
            let op = rng.uniform(0 ... 99)
            if model.isEmpty || op < 8 {
                packed.appendList(); model.append([])
            } else if op < 12 {
                let i = Int(rng.uniform(0 ... Int64(model.count - 1)))
                packed.removeList(at: i); model.remove(at: i)
            } else if op < 15 {
                let i = Int(rng.uniform(0 ... Int64(model.count - 1)))
                packed.clear(i); model[i].removeAll()
            } else if op < 75 {
                let i = Int(rng.uniform(0 ... Int64(model.count - 1)))
                let k = Int32(rng.uniform(0 ... 50)), v = Double(rng.uniform(0 ... 4)) - 2
                packed.append(to: i, key: k, value: v); model[i].append((k, v))
            } else if op < 85 {
                let i = Int(rng.uniform(0 ... Int64(model.count - 1)))
                let k = Int32(rng.uniform(0 ... 50))
                let j = packed.firstIndex(in: i, of: k)
                XCTAssertEqual(j, model[i].firstIndex { $0.0 == k })
                if let j { packed.remove(from: i, at: j); model[i].remove(at: j) }
            } else if op < 92 {
                let i = Int(rng.uniform(0 ... Int64(model.count - 1)))
                guard !model[i].isEmpty else { continue }
                let j = Int(rng.uniform(0 ... Int64(model[i].count - 1)))
                packed.add(1, to: i, at: j); model[i][j].1 += 1
            } else {
                let i = Int(rng.uniform(0 ... Int64(model.count - 1)))
                packed.dropZeros(i); model[i].removeAll { $0.1 == 0 }
            }
            if step % 97 == 0 { check(step) }
        }
        check(-1)
        XCTAssertGreaterThan(model.count, 5)
    }
}
