import Forecasting
import FuelFlowModel
import XCTest

/// Network-wide forecasts: one series per station × product, and the roll-up up the supply tree.
final class NetworkForecastTests: XCTestCase {
    static func network(seed: UInt64 = 5) -> Network {
        var config = GeneratorConfig(preset: .small, seed: seed)
        config.stations = 24
        config.historyDays = 120
        return NetworkGenerator.generate(config)
    }

    func testEverySeriesForecastForTheHorizonWithoutNaN() {
        let network = Self.network()
        var options = NetworkForecastOptions()
        options.horizon = 10
        let f = NetworkForecaster.forecast(network, options: options)
        XCTAssertEqual(f.horizon, 10)
        XCTAssertEqual(f.firstDay, network.settings.start)
        let expected = network.salesHistory.seriesIndex(productCount: network.products.count).count
        XCTAssertEqual(f.stations.count, expected)
        for s in f.stations {
            XCTAssertEqual(network.nodes[s.station].kind, .station)
            XCTAssertEqual(s.result.forecast.count, 10)
            for level in [0.1, 0.5, 0.9] {
                let q = try! XCTUnwrap(s.result.quantile(level))
                XCTAssertTrue(q.allSatisfy { $0.isFinite && $0 >= 0 })
            }
            XCTAssertTrue(s.result.forecast.allSatisfy { $0.isFinite && $0 >= 0 })
        }
        // Ordered by station, then product.
        let keys = f.stations.map { $0.station * 100 + $0.product }
        XCTAssertEqual(keys, keys.sorted())
    }

    func testRollupSumsMatchStationTotalsExactly() {
        let network = Self.network()
        let f = NetworkForecaster.forecast(network)
        // Hand-rolled: each station's forecast into every node of its normal supply path.
        var expected: [String: Double] = [:]
        for s in f.stations {
            for node in network.normalSupplyPath(of: s.station, product: s.product).dropFirst() {
                for (d, v) in s.result.forecast.enumerated() {
                    expected["\(node)/\(s.product)/\(d)", default: 0] += v
                }
            }
        }
        var got: [String: Double] = [:]
        for r in f.rollup {
            XCTAssertNotEqual(network.nodes[r.node].kind, .station)
            got["\(r.node)/\(r.product)/\(r.dayOffset)"] = r.volume
        }
        XCTAssertEqual(got.count, expected.filter { $0.value != 0 }.count)
        for (k, v) in expected where v != 0 { XCTAssertEqual(got[k], v, k) }

        // Every refinery-bound path ends at a refinery, and per product and day the refineries
        // together carry exactly the forecast of every station whose path reaches one.
        for p in 0 ..< network.products.count {
            for d in 0 ..< f.horizon {
                var stations = 0.0
                for s in f.stations where s.product == p {
                    if let last = network.normalSupplyPath(of: s.station, product: p).last,
                       network.nodes[last].kind == .refinery { stations += s.result.forecast[d] }
                }
                let refineries = f.rollup.filter { $0.product == p && $0.dayOffset == d && network.nodes[$0.node].kind == .refinery }
                    .reduce(0) { $0 + $1.volume }
                XCTAssertEqual(refineries, stations, accuracy: 1e-9 * max(1, stations))
            }
        }
    }

    func testDemandFromForecastUsesTheChosenQuantile() {
        let network = Self.network()
        let f = NetworkForecaster.forecast(network)
        let p50 = f.demand(quantile: 0.5), p90 = f.demand(quantile: 0.9), point = f.demand()
        XCTAssertGreaterThan(p90.volume.reduce(0, +), p50.volume.reduce(0, +))
        XCTAssertGreaterThan(point.count, 0)
        let calendar = network.calendar
        for i in 0 ..< p50.count {
            XCTAssertGreaterThanOrEqual(p50.day[i], calendar.start.raw)
            XCTAssertLessThan(p50.day[i], calendar.start.raw + Int32(calendar.days))
        }
    }

    func testDeterministic() {
        let a = NetworkForecaster.forecast(Self.network()), b = NetworkForecaster.forecast(Self.network())
        XCTAssertEqual(a.rollup, b.rollup)
        XCTAssertEqual(a.stations.map(\.result.forecast), b.stations.map(\.result.forecast))
    }

    func testGapsAreMissingNotZeroAndHistoryAfterStartIgnored() {
        // One station, one product: sales 10 every day except a 20-day gap; the forecast stays
        // near 10 (a gap counted as zeros would pull it down).
        var network = Self.network()
        let station = network.nodes(ofKind: .station)[0]
        var history = StationVolumes()
        let start = network.settings.start
        for d in 1 ... 100 where !(30 ..< 50).contains(d) {
            history.append(station: station, product: 0, day: start.advanced(by: -d), volume: 10)
        }
        history.append(station: station, product: 0, day: start, volume: 1_000)  // on the start: ignored
        network.salesHistory = history
        var options = NetworkForecastOptions()
        options.method = .naive
        let f = NetworkForecaster.forecast(network, options: options)
        XCTAssertEqual(f.stations.count, 1)
        XCTAssertEqual(f.stations[0].result.forecast, [Double](repeating: 10, count: network.settings.days))
        XCTAssertFalse(f.withoutHistory.isEmpty, "stations with demand but no history are reported")
    }
}
