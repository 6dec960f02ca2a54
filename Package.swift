// swift-tools-version:6.0
//
// FuelFlow — planning engine for fuel distribution networks.
//
// Module layering (dependencies point downwards only):
//
//   FuelFlowCLI (executable `fuelflow`)
//        │
//   Pipeline / scenarios (later)
//        │
//   Planner · Simulator · Forecasting
//        │
//   FuelFlowModel (domain)        GLPK (safe wrapper)   NetworkFlow (pure Swift min-cost flow)
//                                   │
//                                 CGLPK (system library over libglpk-dev)
import PackageDescription

// The solvers' inner loops read and write arrays held by classes; Swift checks every such access
// for exclusivity at run time, which cost a third of the primal partitioning's time (QA n4:
// 7.7 s with the checks, 4.8 s without; docs/benchmarks.md, "Session 20"). Release builds of
// the two solver modules leave those checks out; debug builds keep them, and `.ci/run` runs the
// solver engines' tests in a debug build as well (`make test-debug-engines`).
let hotLoops: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "FuelFlow",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fuelflow", targets: ["FuelFlowCLI"]),
        .library(name: "GLPK", targets: ["GLPK"]),
        .library(name: "NetworkFlow", targets: ["NetworkFlow"]),
        .library(name: "FuelFlowModel", targets: ["FuelFlowModel"]),
        .library(name: "Forecasting", targets: ["Forecasting"]),
        .library(name: "Planner", targets: ["Planner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // The only place that sees C: GLPK's header through a module map.
        .systemLibrary(
            name: "CGLPK",
            path: "Sources/CGLPK",
            providers: [.apt(["libglpk-dev"])]
        ),
        // Safe Swift API over GLPK; the only module that imports CGLPK.
        .target(
            name: "GLPK",
            dependencies: [
                "CGLPK",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Small shared utilities every layer may use: atomic output files, seeded RNGs.
        .target(name: "FuelFlowSupport"),
        // Our own min-cost-flow engine (network simplex), DIMACS I/O, instance generator.
        .target(name: "NetworkFlow", dependencies: ["FuelFlowSupport"], swiftSettings: hotLoops),
        // The fuel network domain model: value types, CSV/YAML loading, validation, generator.
        .target(name: "FuelFlowModel", dependencies: ["FuelFlowSupport"]),
        // The planner: the time-expanded min-cost flow / LP / MIP over a network and horizon.
        .target(name: "Planner", dependencies: ["FuelFlowModel", "GLPK", "NetworkFlow"], swiftSettings: hotLoops),
        // Demand forecasting: pure Swift, no solver; network-level forecasts and the roll-up
        // read the domain model.
        .target(name: "Forecasting", dependencies: ["FuelFlowModel", "FuelFlowSupport"]),
        .executableTarget(
            name: "FuelFlowCLI",
            dependencies: [
                "GLPK", "NetworkFlow", "FuelFlowModel", "Forecasting", "Planner", "FuelFlowSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "GLPKTests", dependencies: ["GLPK"]),
        .testTarget(name: "NetworkFlowTests", dependencies: ["NetworkFlow", "GLPK"]),
        .testTarget(name: "FuelFlowModelTests", dependencies: ["FuelFlowModel"]),
        .testTarget(name: "PlannerTests", dependencies: ["Planner", "FuelFlowModel", "FuelFlowSupport", "GLPK", "NetworkFlow"]),
        .testTarget(name: "ForecastingTests", dependencies: ["Forecasting", "FuelFlowModel"]),
        .testTarget(name: "FuelFlowCLITests", dependencies: ["FuelFlowCLI"]),
        .testTarget(name: "FuelFlowSupportTests", dependencies: ["FuelFlowSupport"]),
    ]
)
