// NetworkFlow module — FuelFlow's pure-Swift min-cost-flow engine.
//
//   MinCostFlowProblem   problem (struct-of-arrays), validation, statuses, result, solution check
//   NetworkSimplex       primal network simplex (LEMON-style spanning-tree data structures)
//   BundledFlowProblem, PrimalPartitioningSimplex
//                        several commodities coupled by bundle capacities; primal simplex with
//                        one spanning tree per commodity and a dense working basis
//   DIMACS               DIMACS min-cost-flow reader / writer
//   InstanceGenerator    deterministic NETGEN-style, grid and transportation instances
//   SplitMix64, Xoshiro256StarStar   seedable RNGs
//
// Design, statuses, sign conventions and measured performance: docs/network-simplex.md.
