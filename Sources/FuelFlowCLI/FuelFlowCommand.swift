import ArgumentParser

struct FuelFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuelflow",
        abstract: "Planning engine for fuel distribution networks.",
        version: "0.1.0",
        subcommands: [ValidateCommand.self, GenerateCommand.self, PlanCommand.self]
    )
}
