import ArgumentParser
import Foundation

// The one place that ends the process: commands throw, this maps outcomes to exit statuses.
do {
    var command = try FuelFlowCommand.parseAsRoot()
    try command.run()
} catch let failure as CLIFailure {
    FileHandle.standardError.write(Data("fuelflow: \(failure.description)\n".utf8))
    exit(failure.exitCode)
} catch {
    FuelFlowCommand.exit(withError: error)
}
