import ArgumentParser

/// The `fuelflow` command: one subcommand per job, each thin (parse, call a library, report).
struct FuelFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuelflow",
        abstract: "Planning engine for fuel distribution networks.",
        version: "0.1.0",
        subcommands: [
            // Network data
            ValidateCommand.self,
            GenerateCommand.self,
            // Planning
            PlanCommand.self,
            // Min-cost flow engine
            MinCostCommand.self,
            McfgenCommand.self,
            // Forecasting
            ForecastCommand.self,
            ForecastSeriesCommand.self,
        ]
    )
}
