// Forecasting module — see docs/architecture.md.
