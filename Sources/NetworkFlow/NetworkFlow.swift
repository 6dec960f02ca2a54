// NetworkFlow module — see docs/architecture.md.
