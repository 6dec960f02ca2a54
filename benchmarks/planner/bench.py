#!/usr/bin/env python3
"""Planner benchmark: `fuelflow plan` vs HiGHS (highspy) and glpsol on the same exported MPS.

Usage (from the package root, after `swift build -c release`):
    python3 benchmarks/planner/bench.py --presets province,national --time-limit 300

For each preset: generate the network (seed 1, no sales history; `province` uses data/example),
export the model as free MPS with `fuelflow plan --no-solve --write-mps`, then time
  * ours:   `fuelflow plan DIR --out OUT --method auto` (or `--method M`; wall clock, loading included; the
            solver's own time is read from plan.json),
  * HiGHS:  highspy, run() only (MPS reading excluded), default settings, same time limit,
  * glpsol: `glpsol --freemps` (primal simplex, GLPK's default), its own "Time used".
Prints a Markdown table to stdout.
"""
import argparse, json, os, re, subprocess, sys, time

def sh(cmd, timeout=None):
    t = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p, time.time() - t

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--presets", default="province,national")
    ap.add_argument("--time-limit", type=float, default=300)
    ap.add_argument("--bin", default=".build/release/fuelflow")
    ap.add_argument("--work", default="/tmp/ff-bench")
    ap.add_argument("--skip-glpsol", action="store_true")
    ap.add_argument("--method", default="auto", help="fuelflow's --method (auto, lp, mincost, partition)")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    rows = []
    for preset in a.presets.split(","):
        # `name=DIR` plans an existing network folder under that name.
        preset, _, given = preset.partition("=")
        d = given or ("data/example" if preset == "province" else os.path.join(a.work, preset))
        if not given and preset != "province" and not os.path.exists(os.path.join(d, "settings.yaml")):
            p, _ = sh([a.bin, "generate", "--preset", preset, "--seed", "1", "--history-days", "0", "--out", d])
            print(p.stdout.strip(), file=sys.stderr)
        mps = os.path.join(a.work, preset + ".mps")
        p, t_export = sh([a.bin, "plan", d, "--out", os.path.join(a.work, preset + "-x"), "--no-solve", "--quiet", "--write-mps", mps])
        if p.returncode != 0:
            print(p.stderr, file=sys.stderr); continue
        out = os.path.join(a.work, preset + "-plan")
        p, t_ours = sh([a.bin, "plan", d, "--out", out, "--quiet", "--method", a.method, "--time-limit", str(a.time_limit)])
        plan = json.load(open(os.path.join(out, "plan.json")))
        s = plan["solver"]
        row = dict(preset=preset, variables=s["variables"], constraints=s["constraints"], nonzeros=s["nonzeros"],
                   ours_status=plan["status"], ours_route=s["route"], ours_wall=t_ours, ours_solve=s["solve_seconds"],
                   ours_obj=plan["total_cost"], export=t_export)
        print(f"{preset}: ours {plan['status']} {s['route']} {t_ours:.2f} s obj {plan['total_cost']}", file=sys.stderr)
        try:
            import highspy
            h = highspy.Highs(); h.setOptionValue("output_flag", False)
            h.setOptionValue("time_limit", a.time_limit)
            h.readModel(mps)
            t = time.time(); h.run(); th = time.time() - t
            row.update(highs_status=h.modelStatusToString(h.getModelStatus()), highs_time=th,
                       highs_obj=h.getInfo().objective_function_value)
            del h
        except Exception as e:
            row.update(highs_status=f"error {e}", highs_time=float("nan"), highs_obj=None)
        print(f"{preset}: highs {row['highs_status']} {row['highs_time']:.2f} s obj {row['highs_obj']}", file=sys.stderr)
        if not a.skip_glpsol:
            try:
                # Solution to a scratch file: glpsol replaced /dev/null by a regular file when given it.
                p, tg = sh(["glpsol", "--freemps", mps, "--tmlim", str(int(a.time_limit)), "-o", os.path.join(a.work, preset + ".glpsol.txt")], timeout=a.time_limit * 3 + 600)
                m = re.search(r"Time used:\s+([\d.]+) secs", p.stdout)
                st = "optimal" if "OPTIMAL LP SOLUTION FOUND" in p.stdout else ("time limit" if "TIME LIMIT" in p.stdout else "other")
                obj = re.findall(r"obj =\s+([-\d.e+]+)", p.stdout)
                row.update(glpsol_status=st, glpsol_time=float(m.group(1)) if m else tg, glpsol_obj=float(obj[-1]) if obj else None)
            except subprocess.TimeoutExpired:
                row.update(glpsol_status="killed", glpsol_time=float("nan"), glpsol_obj=None)
            print(f"{preset}: glpsol {row['glpsol_status']} {row['glpsol_time']:.2f} s", file=sys.stderr)
        rows.append(row)
    print("| preset | variables | constraints | ours (route) | ours s | HiGHS s | glpsol s | ours / HiGHS | objective ours | objective HiGHS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r["ours_wall"] / r["highs_time"] if r.get("highs_time") else float("nan")
        print(f"| {r['preset']} | {r['variables']:,} | {r['constraints']:,} | {r['ours_status']} ({r['ours_route']}) | "
              f"{r['ours_wall']:.2f} | {r['highs_time']:.2f} ({r['highs_status']}) | "
              f"{r.get('glpsol_time', float('nan')):.2f} ({r.get('glpsol_status', '-')}) | {ratio:.2f} | {r['ours_obj']} | {r['highs_obj']} |")

if __name__ == "__main__":
    main()
