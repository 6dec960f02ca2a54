import Foundation
import XCTest
@testable import FuelFlowModel

/// A small valid network folder, as file name → contents.
let baseFiles: [String: String] = [
    "settings.yaml": "start: 2026-03-02\ndays: 3\ncurrency: EUR\n",
    "products.csv": """
        product,name,shortage_penalty,safety_penalty
        g95,Gasoline 95,1000,5
        dsl,Diesel,1000,5

        """,
    "nodes.csv": """
        node,kind,name,lat,lon,throughput_m3_per_day
        R1,refinery,Refinery,50,19,
        T1,terminal,Terminal,50.5,19.5,1000
        D1,depot,Depot,51,20,500
        S1,station,Station 1,51.1,20.1,
        S2,station,Station 2,51.2,20.2,

        """,
    "lanes.csv": """
        from,to,mode,cost_per_m3,capacity_m3_per_day,transit_days,distance_km,products
        R1,T1,pipeline,3,1000,1,80,
        T1,D1,rail,6,800,1,90,
        D1,S1,truck,5,,0,20,
        D1,S2,truck,6,,0,30,g95

        """,
    "production.csv": """
        refinery,product,min_m3_per_day,max_m3_per_day,cost_per_m3
        R1,g95,0,500,600
        R1,dsl,0,500,580

        """,
    "storage.csv": """
        node,product,capacity_m3,initial_m3,safety_m3,holding_cost_per_m3_day
        T1,g95,1000,500,100,0.01
        T1,dsl,1000,500,100,0.01
        D1,g95,500,200,50,0.02
        D1,dsl,500,200,50,0.02
        S1,g95,30,15,5,0.03
        S1,dsl,30,15,5,0.03
        S2,g95,30,15,5,0.03

        """,
    "demand.csv": """
        station,product,date,volume_m3
        S1,g95,2026-03-02,10
        S1,dsl,2026-03-02,12
        S2,g95,2026-03-03,8

        """,
    "sales_history.csv": """
        station,product,date,volume_m3
        S1,g95,2026-02-28,9
        S1,g95,2026-03-01,9.5

        """,
    "fleet.csv": """
        depot,trucks,compartments_m3,speed_kmh,load_minutes,unload_minutes,shift_hours,cost_per_km
        D1,3,8;8;7;7,60,45,35,10,1.8

        """,
]

func tempDir(_ tag: String = "ff") -> String {
    let p = NSTemporaryDirectory() + "fuelflow-test-\(tag)-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
}

/// Writes the base folder with some files replaced (nil = file removed) and validates it.
func validateFolder(_ overrides: [String: String?] = [:], raw: [String: [UInt8]] = [:]) -> LoadResult {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var files = baseFiles
    for (k, v) in overrides { files[k] = v }
    for (k, v) in files { try! Data(v.utf8).write(to: URL(fileURLWithPath: dir + "/" + k)) }
    for (k, v) in raw { try! Data(v).write(to: URL(fileURLWithPath: dir + "/" + k)) }
    return NetworkLoader.validate(directory: dir)
}

/// Asserts that validating the modified folder reports exactly `expected` (among others).
func assertDiagnostic(_ overrides: [String: String?], _ expected: String, raw: [String: [UInt8]] = [:],
                      file: StaticString = #filePath, line: UInt = #line) {
    let r = validateFolder(overrides, raw: raw)
    let all = r.diagnostics.map(\.description)
    XCTAssertTrue(all.contains(expected), "expected \(expected)\n got:\n\(all.joined(separator: "\n"))", file: file, line: line)
    if expected.contains(": error: ") {
        XCTAssertFalse(r.isValid, file: file, line: line)
        XCTAssertNil(r.network, file: file, line: line)
    }
}

/// Replaces one line (1-based) of a base file.
func baseWith(_ name: String, line n: Int, _ text: String) -> String {
    var lines = baseFiles[name]!.components(separatedBy: "\n")
    lines[n - 1] = text
    return lines.joined(separator: "\n")
}

/// Appends lines to a base file.
func baseAppending(_ name: String, _ text: String) -> String {
    baseFiles[name]! + text + "\n"
}
