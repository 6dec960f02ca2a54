import ArgumentParser
FuelFlowCommand.main()
