import Foundation
import XCTest
@testable import FuelFlowModel

final class ExampleTests: XCTestCase {
    static let exampleDir: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("data/example").path
    }()

    func testExampleValidatesWithoutErrors() throws {
        let r = NetworkLoader.validate(directory: Self.exampleDir)
        XCTAssertEqual(r.errors.map(\.description), [])
        let net = try XCTUnwrap(r.network)
        XCTAssertGreaterThanOrEqual(net.nodes(ofKind: .refinery).count, 2)
        XCTAssertEqual(net.nodes(ofKind: .terminal).count, 3)
        XCTAssertEqual(net.nodes(ofKind: .depot).count, 8)
        XCTAssertEqual(net.nodes(ofKind: .station).count, 150)
        XCTAssertEqual(net.products.map(\.id), ["g92", "g95", "dsl"])
        XCTAssertEqual(net.settings.days, 14)
        XCTAssertEqual(net.fleets.map(\.depot).sorted(), net.nodes(ofKind: .depot))
        XCTAssertFalse(try XCTUnwrap(net.holidays).isEmpty)
        // Each terminal is fed by a different bulk mode.
        let feeds = net.nodes(ofKind: .terminal).map { t in Set(net.incomingLanes(of: t).map { net.lanes[$0].mode }) }
        XCTAssertTrue(feeds.contains { $0.contains(.pipeline) })
        XCTAssertTrue(feeds.contains { $0.contains(.rail) })
        XCTAssertTrue(feeds.contains { $0.contains(.ship) })
        // Two years of history for every station × product.
        XCTAssertEqual(net.salesHistory.count, 150 * 3 * 730)
    }

    func testExampleIsWhatTheGeneratorWrites() {
        // data/example is `fuelflow generate --preset province --seed 42`.
        let files = NetworkWriter.render(NetworkGenerator.generate(GeneratorConfig(preset: .province, seed: 42)))
        for (name, bytes) in files {
            XCTAssertEqual(FileManager.default.contents(atPath: Self.exampleDir + "/" + name), Data(bytes), name)
        }
    }
}
