#!/usr/bin/env python3
"""Solve DIMACS min-cost-flow files with OR-Tools' SimpleMinCostFlow (peer for our benchmarks).

Usage: ortools_mcf.py FILE...   → one JSON line per file:
  {"file": ..., "objective": ..., "status": ..., "solve_seconds": ...}
Parsing is excluded from solve_seconds, as in `fuelflow mincost`.
Lower bounds are handled by the usual transformation (shift supplies, subtract from capacity).
"""
import json
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow


def read_dimacs(path):
    supply = None
    tails, heads, lows, caps, costs = [], [], [], [], []
    with open(path, "rb") as f:
        for raw in f:
            if not raw or raw[0] in b"c\n":
                continue
            t = raw.split()
            if t[0] == b"p":
                supply = np.zeros(int(t[2]) + 1, dtype=np.int64)
            elif t[0] == b"n":
                supply[int(t[1])] += int(t[2])
            elif t[0] == b"a":
                tails.append(int(t[1])); heads.append(int(t[2]))
                lows.append(int(t[3])); caps.append(int(t[4])); costs.append(int(t[5]))
    return (supply, np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
            np.array(lows, dtype=np.int64), np.array(caps, dtype=np.int64),
            np.array(costs, dtype=np.int64))


def solve(path):
    supply, tails, heads, lows, caps, costs = read_dimacs(path)
    supply = supply.copy()
    # lower bounds: send `low` up front
    np.subtract.at(supply, tails, lows)
    np.add.at(supply, heads, lows)
    fixed = int(np.dot(lows, costs))
    # "Unbounded" capacities (FuelFlow writes Int64.max) overflow OR-Tools' range checks; no
    # optimal flow can use more than the total absolute supply on an arc, so cap them there.
    bound = int(np.abs(supply).sum()) + 1
    caps = np.where(caps >= (1 << 62), lows + bound, caps)
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps - lows, costs)
    smcf.set_nodes_supplies(np.arange(len(supply)), supply)
    start = time.perf_counter()
    status = smcf.solve()
    seconds = time.perf_counter() - start
    names = {smcf.OPTIMAL: "optimal", smcf.INFEASIBLE: "infeasible", smcf.UNBALANCED: "infeasible"}
    name = names.get(status, str(status))
    objective = smcf.optimal_cost() + fixed if status == smcf.OPTIMAL else None
    return {"file": path, "objective": objective, "status": name, "solve_seconds": seconds}


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps(solve(p)), flush=True)
