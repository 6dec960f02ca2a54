import Foundation
import XCTest
@testable import FuelFlowModel

final class ValidationTests: XCTestCase {
    func testBaseFolderIsValidWithoutWarnings() {
        let r = validateFolder()
        XCTAssertEqual(r.diagnostics.map(\.description), [])
        XCTAssertTrue(r.isValid)
        let n = r.network!
        XCTAssertEqual(n.nodes.count, 5)
        XCTAssertEqual(n.lanes.count, 4)
        XCTAssertEqual(n.lanes[3].products, [0])
        XCTAssertEqual(n.demand.count, 3)
        XCTAssertEqual(n.salesHistory.count, 2)
        XCTAssertEqual(n.fleets[0].compartmentsM3, [8, 8, 7, 7])
        XCTAssertNil(n.holidays)
        XCTAssertEqual(n.settings.calendar.end.iso, "2026-03-04")
    }

    // MARK: missing files and columns

    func testMissingRequiredFile() {
        assertDiagnostic(["lanes.csv": nil], "lanes.csv: error: missing required file")
        assertDiagnostic(["settings.yaml": nil], "settings.yaml: error: missing required file")
        assertDiagnostic(["demand.csv": nil], "demand.csv: error: missing required file")
    }

    func testOptionalFilesMayBeAbsent() {
        let r = validateFolder(["fleet.csv": nil, "sales_history.csv": nil])
        XCTAssertTrue(r.isValid, "\(r.diagnostics)")
        XCTAssertEqual(r.network?.fleets.count, 0)
    }

    func testMissingColumn() {
        assertDiagnostic(["products.csv": baseWith("products.csv", line: 1, "product,name,shortage_penalty")],
                         "products.csv:1:1: error: missing column 'safety_penalty'")
    }

    func testEmptyAndHeaderOnlyFiles() {
        assertDiagnostic(["nodes.csv": ""], "nodes.csv:1:1: error: empty file (expected a header row)")
        // Header-only demand is legal (no demand) but then no product is demanded.
        assertDiagnostic(["demand.csv": "station,product,date,volume_m3\n"],
                         "products.csv:2:1: warning: product 'g95' is never demanded")
    }

    func testUnknownColumnIsAWarning() {
        assertDiagnostic(["fleet.csv": baseWith("fleet.csv", line: 1, "depot,trucks,compartments_m3,speed_kmh,load_minutes,unload_minutes,shift_hours,colour")],
                         "fleet.csv:1:1: error: missing column 'cost_per_km'")
        let r = validateFolder(["holidays.csv": "date,name,comment\n2026-03-03,Feast,x\n"])
        XCTAssertTrue(r.diagnostics.map(\.description).contains("holidays.csv:1:11: warning: unknown column 'comment' ignored"))
        XCTAssertTrue(r.isValid)
        XCTAssertEqual(r.network?.holidays, [Holiday(day: Day(iso: "2026-03-03")!, name: "Feast")])
    }

    // MARK: references and kinds

    func testUnknownReferences() {
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 2, "R1,T9,pipeline,3,1000,1,80,")],
                         "lanes.csv:2:4: error: unknown node 'T9'")
        assertDiagnostic(["storage.csv": baseWith("storage.csv", line: 2, "T1,xyz,1000,500,100,0.01")],
                         "storage.csv:2:4: error: unknown product 'xyz'")
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 5, "D1,S2,truck,6,,0,30,g95;lpg")],
                         "lanes.csv:5:21: error: unknown product 'lpg' in products list")
        assertDiagnostic(["demand.csv": baseAppending("demand.csv", "S7,g95,2026-03-02,1")],
                         "demand.csv:5:1: error: unknown node 'S7'")
    }

    func testWrongKinds() {
        assertDiagnostic(["lanes.csv": baseAppending("lanes.csv", "S1,D1,truck,5,,0,20,")],
                         "lanes.csv:6:1: error: lane starts at station 'S1'")
        assertDiagnostic(["lanes.csv": baseAppending("lanes.csv", "T1,R1,pipeline,3,,1,80,")],
                         "lanes.csv:6:4: error: lane ends at refinery 'R1'")
        assertDiagnostic(["lanes.csv": baseAppending("lanes.csv", "D1,D1,truck,3,,0,1,")],
                         "lanes.csv:6:4: error: lane starts and ends at 'D1'")
        assertDiagnostic(["production.csv": baseAppending("production.csv", "T1,g95,0,500,600")],
                         "production.csv:4:1: error: production at 'T1', which is a terminal, not a refinery")
        assertDiagnostic(["demand.csv": baseAppending("demand.csv", "D1,g95,2026-03-02,10")],
                         "demand.csv:5:1: error: demand at 'D1', which is a depot, not a station")
        assertDiagnostic(["sales_history.csv": baseAppending("sales_history.csv", "T1,g95,2026-02-01,10")],
                         "sales_history.csv:4:1: error: sales at 'T1', which is a terminal, not a station")
        assertDiagnostic(["fleet.csv": baseAppending("fleet.csv", "S1,1,8,60,45,35,10,1.8")],
                         "fleet.csv:3:1: error: fleet at 'S1', which is a station, not a depot or terminal")
    }

    func testUnknownKindAndMode() {
        assertDiagnostic(["nodes.csv": baseAppending("nodes.csv", "X1,warehouse,W,50,19,")],
                         "nodes.csv:7:4: error: unknown kind 'warehouse' (expected refinery, terminal, depot or station)")
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 2, "R1,T1,teleport,3,1000,1,80,")],
                         "lanes.csv:2:7: error: unknown mode 'teleport' (expected pipeline, rail, ship or truck)")
    }

    func testDuplicates() {
        assertDiagnostic(["nodes.csv": baseAppending("nodes.csv", "S1,station,Again,51,20,")],
                         "nodes.csv:7:1: error: duplicate node 'S1' (first defined on line 5)")
        assertDiagnostic(["products.csv": baseAppending("products.csv", "dsl,Diesel again,1000,5")],
                         "products.csv:4:1: error: duplicate product 'dsl' (first defined on line 3)")
        assertDiagnostic(["storage.csv": baseAppending("storage.csv", "S1,g95,40,10,5,0.03")],
                         "storage.csv:9:1: error: duplicate storage of 'g95' at 'S1' (first on line 6)")
        assertDiagnostic(["production.csv": baseAppending("production.csv", "R1,g95,0,100,600")],
                         "production.csv:4:1: error: duplicate production of 'g95' at 'R1' (first on line 2)")
        assertDiagnostic(["demand.csv": baseAppending("demand.csv", "S1,g95,2026-03-02,3")],
                         "demand.csv:5:1: error: duplicate demand for 'S1', 'g95' on 2026-03-02 (first on line 2)")
        assertDiagnostic(["products.csv": baseWith("products.csv", line: 1, "product,name,shortage_penalty,name")],
                         "products.csv:1:31: error: duplicate column 'name'")
    }

    // MARK: values

    func testNegativeAndNonNumericValues() {
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 2, "R1,T1,pipeline,-3,1000,1,80,")],
                         "lanes.csv:2:16: error: 'cost_per_m3' must be >= 0, got -3")
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 2, "R1,T1,pipeline,abc,1000,1,80,")],
                         "lanes.csv:2:16: error: 'cost_per_m3' is not a number: 'abc'")
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 2, "R1,T1,pipeline,3,1000,1.5,80,")],
                         "lanes.csv:2:23: error: 'transit_days' is not an integer: '1.5'")
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 2, "R1,T1,pipeline,3,1000,-1,80,")],
                         "lanes.csv:2:23: error: 'transit_days' must be >= 0, got -1")
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 2, "R1,T1,pipeline,,1000,1,80,")],
                         "lanes.csv:2:16: error: missing value for 'cost_per_m3'")
        assertDiagnostic(["storage.csv": baseWith("storage.csv", line: 2, "T1,g95,1000,nan,100,0.01")],
                         "storage.csv:2:13: error: 'initial_m3' is not a number: 'nan'")
        assertDiagnostic(["storage.csv": baseWith("storage.csv", line: 2, "T1,g95,inf,500,100,0.01")],
                         "storage.csv:2:8: error: 'capacity_m3' is not a number: 'inf'")
        assertDiagnostic(["storage.csv": baseWith("storage.csv", line: 2, "T1,g95,1e400,500,100,0.01")],
                         "storage.csv:2:8: error: 'capacity_m3' is not a number: '1e400'")
        assertDiagnostic(["storage.csv": baseWith("storage.csv", line: 2, "T1,g95,1e300,500,100,0.01")],
                         "storage.csv:2:8: error: 'capacity_m3' is out of range: '1e300'")
        assertDiagnostic(["nodes.csv": baseWith("nodes.csv", line: 3, "T1,terminal,Terminal,50.5,19.5,0")],
                         "nodes.csv:3:32: error: 'throughput_m3_per_day' must be > 0, got 0")
        assertDiagnostic(["nodes.csv": baseWith("nodes.csv", line: 3, "T1,terminal,Terminal,95,19.5,100")],
                         "nodes.csv:3:22: error: 'lat' must be within -90...90, got 95")
        assertDiagnostic(["fleet.csv": baseWith("fleet.csv", line: 2, "D1,3,8;x;7,60,45,35,10,1.8")],
                         "fleet.csv:2:6: error: 'compartments_m3' must be a ';'-separated list of positive numbers: '8;x;7'")
    }

    func testMinAboveMaxAndInitialAboveCapacity() {
        assertDiagnostic(["production.csv": baseWith("production.csv", line: 2, "R1,g95,600,500,600")],
                         "production.csv:2:8: error: min_m3_per_day (600) exceeds max_m3_per_day (500)")
        assertDiagnostic(["storage.csv": baseWith("storage.csv", line: 6, "S1,g95,30,40,5,0.03")],
                         "storage.csv:6:11: error: initial_m3 (40) exceeds capacity_m3 (30)")
    }

    func testDates() {
        assertDiagnostic(["demand.csv": baseWith("demand.csv", line: 2, "S1,g95,2026-04-01,10")],
                         "demand.csv:2:8: error: date 2026-04-01 is outside the planning horizon 2026-03-02..2026-03-04")
        assertDiagnostic(["demand.csv": baseWith("demand.csv", line: 2, "S1,g95,03/02/2026,10")],
                         "demand.csv:2:8: error: 'date' is not an ISO date (yyyy-MM-dd): '03/02/2026'")
        assertDiagnostic(["demand.csv": baseWith("demand.csv", line: 2, "S1,g95,2026-02-30,10")],
                         "demand.csv:2:8: error: 'date' is not an ISO date (yyyy-MM-dd): '2026-02-30'")
        assertDiagnostic(["sales_history.csv": baseAppending("sales_history.csv", "S1,g95,2026-03-02,9")],
                         "sales_history.csv:4:8: error: sales date 2026-03-02 is not before the planning start 2026-03-02")
        assertDiagnostic(["holidays.csv": "date,name\n2026-13-01,Nope\n"],
                         "holidays.csv:2:1: error: 'date' is not an ISO date (yyyy-MM-dd): '2026-13-01'")
    }

    func testSettings() {
        assertDiagnostic(["settings.yaml": "start: 2026-03-02\ndays: 0\n"],
                         "settings.yaml:2:7: error: 'days' must be an integer from 1 to 100000, got '0'")
        assertDiagnostic(["settings.yaml": "start: 2.3.2026\ndays: 3\n"],
                         "settings.yaml:1:8: error: 'start' is not an ISO date (yyyy-MM-dd): '2.3.2026'")
        assertDiagnostic(["settings.yaml": "days: 3\n"], "settings.yaml: error: missing key 'start'")
        assertDiagnostic(["settings.yaml": "# comment\nstart: \"2026-03-02\"  # first day\ndays: 3\nhorizon\n"],
                         "settings.yaml:4:1: error: expected 'key: value'")
        assertDiagnostic(["settings.yaml": "start: 2026-03-02\ndays: 3\ncolour: red\n"],
                         "settings.yaml:3:1: warning: unknown key 'colour' ignored")
        assertDiagnostic(["settings.yaml": "start: 2026-03-02\ndays: 100001\n"],
                         "settings.yaml:2:7: error: 'days' must be an integer from 1 to 100000, got '100001'")
        // CRLF line ends, as in the CSV files (a Character split saw one line here).
        let crlf = validateFolder(["settings.yaml": "start: 2026-03-02\r\ndays: 3\r\ncurrency: EUR\r\n"])
        XCTAssertTrue(crlf.isValid, crlf.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(crlf.network?.settings.days, 3)
        XCTAssertEqual(crlf.network?.settings.currency, "EUR")
        assertDiagnostic(["settings.yaml": "start: 2026-03-02\r\ndays: 0\r\n"],
                         "settings.yaml:2:7: error: 'days' must be an integer from 1 to 100000, got '0'")
    }

    func testNoRouteFromRefinery() {
        // S2 only receives g95 (lane product list), so diesel demand there has no route.
        assertDiagnostic(["demand.csv": baseAppending("demand.csv", "S2,dsl,2026-03-04,4")],
                         "demand.csv:5:1: error: station 'S2' has demand for 'dsl' but no route from any refinery")
        // Without the refinery's production there is no source at all.
        assertDiagnostic(["production.csv": baseWith("production.csv", line: 3, "R1,dsl,0,0,580")],
                         "demand.csv:3:1: error: station 'S1' has demand for 'dsl' but no route from any refinery")
    }

    // MARK: structure and bytes

    func testFieldCountAndQuotes() {
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 3, "T1,D1,rail,6,800,1,90")],
                         "lanes.csv:3:1: error: expected 8 fields, found 7")
        assertDiagnostic(["nodes.csv": baseAppending("nodes.csv", "S3,station,\"Open quote,51,20,")],
                         "nodes.csv:7:12: error: unterminated quoted field")
        assertDiagnostic(["nodes.csv": baseAppending("nodes.csv", "S3,station,\"Name\"x,51,20,")],
                         "nodes.csv:7:18: error: unexpected character after closing quote")
    }

    func testGarbageNeverCrashes() {
        var g = SplitMix64(seed: 7)
        for file in ["nodes.csv", "lanes.csv", "demand.csv", "settings.yaml", "storage.csv"] {
            for len in [1, 17, 500, 5000] {
                let bytes = (0..<len).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                let r = validateFolder([:], raw: [file: bytes])
                XCTAssertFalse(r.isValid, "\(file) \(len)")
            }
        }
        // Valid CSV with invalid UTF-8 inside an id.
        var nodes = Array(baseFiles["nodes.csv"]!.utf8)
        nodes.append(contentsOf: [0x53, 0xFF, 0xFE] + Array(",station,X,51,20,\n".utf8))
        assertDiagnostic([:], "nodes.csv:7:1: error: 'node' is not valid UTF-8", raw: ["nodes.csv": nodes])
        assertDiagnostic(["nodes.csv": baseAppending("nodes.csv", "\"S\u{1}\n3\",station,X,51,20,")],
                         "nodes.csv:7:1: error: 'node' contains control characters: 'S?\\n3'")
        assertDiagnostic(["nodes.csv": baseWith("nodes.csv", line: 1, "node,kind,name,lat,lon,throughput_m3_per_day,\u{7}\u{1B}x")],
                         "nodes.csv:1:46: warning: unknown column '??x' ignored")
        // A directory where a file should be.
        let r = validateFolder(["fleet.csv": nil])
        XCTAssertTrue(r.isValid)
    }

    func testNoCascadeFromBrokenDefinitions() {
        // A node row with a bad value is reported once; references to it are not errors again.
        let r = validateFolder(["nodes.csv": baseWith("nodes.csv", line: 3, "T1,terminal,Terminal,50.5,19.5,0")])
        XCTAssertEqual(r.errors.map(\.description), ["nodes.csv:3:32: error: 'throughput_m3_per_day' must be > 0, got 0"])
        let r2 = validateFolder(["products.csv": baseWith("products.csv", line: 1, "product,name,shortage_penalty")])
        XCTAssertEqual(r2.errors.map(\.description), ["products.csv:1:1: error: missing column 'safety_penalty'"])
    }

    func testVolumeFilesInAnyShape() {
        // Reordered columns, CRLF, quotes, spaces: the general path, same result as the fast path.
        let base = validateFolder().network!
        let odd = "product,station,volume_m3,date\r\ng95,\"S1\",10,2026-03-02\r\ndsl,S1, 12 ,2026-03-02\r\n\r\ng95,S2,8,2026-03-03\r\n"
        let r = validateFolder(["demand.csv": odd])
        XCTAssertEqual(r.diagnostics.map(\.description), [])
        XCTAssertEqual(r.network?.demand, base.demand)
        // An error after many fast-path rows keeps its exact position.
        var demand = "station,product,date,volume_m3\n"
        for d in 2...4 { for _ in 0..<1 { demand += "S1,g95,2026-03-0\(d),1\n" } }
        demand += "S1,dsl,2026-03-02,1\nS1,dsl,2026-03-03,-2\nS1,dsl,\"2026-03-04\",x\n"
        let r2 = validateFolder(["demand.csv": demand])
        XCTAssertEqual(r2.errors.map(\.description), ["demand.csv:6:19: error: 'volume_m3' must be >= 0, got -2",
                                                     "demand.csv:7:21: error: 'volume_m3' is not a number: 'x'"])
    }

    func testCollectsEveryProblem() {
        let r = validateFolder([
            "lanes.csv": baseWith("lanes.csv", line: 2, "R1,T9,teleport,-1,x,y,80,"),
            "storage.csv": baseWith("storage.csv", line: 6, "S1,g95,30,40,5,0.03"),
            "production.csv": baseWith("production.csv", line: 2, "R1,g95,600,500,600"),
        ])
        let errs = r.errors.map(\.description)
        for e in ["lanes.csv:2:4: error: unknown node 'T9'",
                  "lanes.csv:2:7: error: unknown mode 'teleport' (expected pipeline, rail, ship or truck)",
                  "lanes.csv:2:16: error: 'cost_per_m3' must be >= 0, got -1",
                  "lanes.csv:2:19: error: 'capacity_m3_per_day' is not a number: 'x'",
                  "lanes.csv:2:21: error: 'transit_days' is not an integer: 'y'",
                  "storage.csv:6:11: error: initial_m3 (40) exceeds capacity_m3 (30)",
                  "production.csv:2:8: error: min_m3_per_day (600) exceeds max_m3_per_day (500)"] {
            XCTAssertTrue(errs.contains(e), "missing \(e) in\n\(errs.joined(separator: "\n"))")
        }
        XCTAssertEqual(r.errorCount, errs.count)
    }

    func testDiagnosticCapPerFile() {
        var demand = "station,product,date,volume_m3\n"
        for _ in 0..<300 { demand += "S1,g95,2026-03-02,-1\n" }
        let r = validateFolder(["demand.csv": demand])
        XCTAssertEqual(r.errors.filter { $0.file == "demand.csv" && $0.line != nil }.count, 100)
        XCTAssertGreaterThanOrEqual(r.errorCount, 300)
        XCTAssertTrue(r.diagnostics.map(\.description).contains("demand.csv: error: 200 more error(s) not shown"))
    }

    // MARK: warnings

    func testWarnings() {
        var st = baseFiles["storage.csv"]!.components(separatedBy: "\n"); st.remove(at: 7)
        assertDiagnostic(["storage.csv": st.joined(separator: "\n")], "nodes.csv:6:1: warning: station 'S2' has no storage")
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 4, "D1,S1,truck,0,,0,20,")],
                         "lanes.csv:4:13: warning: lane has zero cost")
        assertDiagnostic(["production.csv": baseAppending("production.csv", "R2,g95,0,0,600"),
                          "nodes.csv": baseAppending("nodes.csv", "R2,refinery,Small,50,18,")],
                         "production.csv:4:10: warning: refinery 'R2' cannot produce 'g95' (max_m3_per_day is 0)")
        assertDiagnostic(["storage.csv": baseWith("storage.csv", line: 6, "S1,g95,30,15,35,0.03")],
                         "storage.csv:6:14: warning: safety_m3 (35) exceeds capacity_m3 (30): the safety level can never be met")
        assertDiagnostic(["nodes.csv": baseAppending("nodes.csv", "R2,refinery,Idle,50,18,")],
                         "nodes.csv:7:1: warning: refinery 'R2' has no production rows")
        // Dead ends: a terminal that receives but cannot keep, sell or pass anything on; a
        // refinery with a minimum production and no lanes.
        assertDiagnostic(["nodes.csv": baseAppending("nodes.csv", "T2,terminal,Dead end,50.6,19.6,"),
                          "lanes.csv": baseAppending("lanes.csv", "R1,T2,rail,5,100,1,60,")],
                         "nodes.csv:7:1: warning: terminal 'T2' receives 1 lane(s) but has no outgoing lane, no storage and no demand: nothing can be delivered to it")
        assertDiagnostic(["nodes.csv": baseAppending("nodes.csv", "R2,refinery,Landlocked,50,18,"),
                          "production.csv": baseAppending("production.csv", "R2,g95,10,50,600")],
                         "nodes.csv:7:1: warning: refinery 'R2' has no lanes: its minimum production can only go into its own tanks, and must fit there over the whole horizon")
        // A lane whose transit is the whole horizon (3 days); a minimum production no lane carries.
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 3, "T1,D1,rail,6,800,3,90,")],
                         "lanes.csv:3:18: warning: transit_days (3) is not shorter than the horizon (3 days): the lane can deliver nothing within it")
        assertDiagnostic(["lanes.csv": baseWith("lanes.csv", line: 2, "R1,T1,pipeline,3,1000,1,80,dsl"),
                          "production.csv": baseWith("production.csv", line: 2, "R1,g95,10,500,600")],
                         "production.csv:2:1: warning: refinery 'R1' must produce 'g95' (min_m3_per_day 10) but none of its lanes carries it: it can only go into its own tank")
        let r = validateFolder(["lanes.csv": baseWith("lanes.csv", line: 4, "D1,S1,truck,0,,0,20,")])
        XCTAssertTrue(r.isValid)
        XCTAssertNotNil(r.network)
    }

    func testOptionalLaneColumns() {
        let lanes = """
            from,to,mode,cost_per_m3,capacity_m3_per_day,transit_days,distance_km,products,min_shipment_m3,fixed_cost_per_day
            R1,T1,pipeline,3,1000,1,80,,200,1500
            T1,D1,rail,6,800,1,90,,,
            D1,S1,truck,5,,0,20,,,
            D1,S2,truck,6,,0,30,g95,,

            """
        let r = validateFolder(["lanes.csv": lanes])
        XCTAssertTrue(r.isValid, "\(r.diagnostics)")
        XCTAssertEqual(r.network?.lanes[0].minShipmentM3, 200)
        XCTAssertEqual(r.network?.lanes[0].fixedCostPerDay, 1500)
        XCTAssertNil(r.network?.lanes[1].minShipmentM3)
        assertDiagnostic(["lanes.csv": lanes.replacingOccurrences(of: ",,200,1500", with: ",,2000,1500")],
                         "lanes.csv:2:29: warning: min_shipment_m3 (2000) exceeds capacity_m3_per_day (1000): the lane can never be used")
    }
}
