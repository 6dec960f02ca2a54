// Re-export the shared utilities (seeded RNGs, atomic files) so users of this module see the
// same types everywhere, e.g. one `SplitMix64` whichever modules a file imports.
@_exported import FuelFlowSupport
