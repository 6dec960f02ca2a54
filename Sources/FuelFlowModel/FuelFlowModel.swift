// FuelFlowModel module — see docs/architecture.md.
