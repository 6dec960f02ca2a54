// Planner module — see docs/model.md.
