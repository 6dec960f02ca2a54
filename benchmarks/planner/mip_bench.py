#!/usr/bin/env python3
"""`fuelflow plan --mip` against HiGHS and glpsol on the same exported MIP (free MPS).

Usage (from the package root, after `swift build -c release`):
    python3 benchmarks/planner/mip_bench.py --networks province,n3k=/tmp/n3k --time-limit 60

For each network folder (`province` = data/example): export the MIP with `fuelflow plan --mip
--no-solve --write-mps` (the lane-day binaries, their rows and the hire included), then run
  * ours:   `fuelflow plan DIR --out OUT --mip --time-limit S` (route `mip`: GLPK branch-and-cut
            from our warm root; route `mip-lots` from 200,000 variables), objective, bound and
            gap from plan.json, wall clock including loading;
  * HiGHS:  highspy on the MPS, same time limit, one thread (MPS reading excluded);
  * glpsol: `glpsol --freemps --tmlim S` (GLPK cold, with its own presolve), unless --skip-glpsol.
Every plan of ours is checked with benchmarks/qa/check_plan.py (minimums and hire included).
Prints a Markdown table to stdout.
"""
import argparse, json, os, re, sys, time

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, os.path.join(here, "..", "qa")]
from check_plan import check
from bench import sh


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--networks", default="province")
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--bin", default=".build/release/fuelflow")
    ap.add_argument("--work", default="/tmp/ff-mip-bench")
    ap.add_argument("--skip-glpsol", action="store_true")
    ap.add_argument("--skip-highs", default="", help="comma-separated names not given to HiGHS")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    rows = []
    for item in a.networks.split(","):
        name, _, given = item.partition("=")
        d = given or "data/example"
        mps = os.path.join(a.work, name + ".mps")
        sh([a.bin, "plan", d, "--out", os.path.join(a.work, name + "-x"), "--mip", "--no-solve", "--quiet", "--write-mps", mps])
        out = os.path.join(a.work, name + "-plan")
        p, wall = sh([a.bin, "plan", d, "--out", out, "--mip", "--time-limit", str(a.time_limit), "--quiet"])
        plan = json.load(open(os.path.join(out, "plan.json")))
        sv = plan["solver"]
        problems = check(d, out)[0] if plan.get("total_cost") is not None else ["no plan"]
        ours = dict(status=plan["status"], obj=plan.get("total_cost"), gap=sv.get("mip_gap"), route=sv["route"],
                    solve=sv["solve_seconds"], wall=wall, checked="ok" if not problems else f"{len(problems)} problem(s)")
        highs = {}
        if name not in a.skip_highs.split(","):
            import highspy
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            h.setOptionValue("time_limit", a.time_limit)
            h.setOptionValue("threads", 1)
            h.readModel(mps)
            t = time.time(); h.run(); ht = time.time() - t
            info = h.getInfo()
            highs = dict(status=h.modelStatusToString(h.getModelStatus()), obj=info.objective_function_value,
                         bound=info.mip_dual_bound, gap=info.mip_gap, secs=ht)
        glp = {}
        if not a.skip_glpsol:
            p, gt = sh(["glpsol", "--freemps", mps, "--tmlim", str(int(a.time_limit))])
            objs = re.findall(r"mip =\s+([0-9.e+-]+)", p.stdout)
            glp = dict(obj=float(objs[-1]) if objs else None, secs=gt,
                       status="optimal" if "INTEGER OPTIMAL SOLUTION FOUND" in p.stdout else "time limit")
        rows.append((name, sv["variables"], ours, highs, glp))
        print(name, ours, highs, glp, file=sys.stderr)
    print(f"| network | variables | ours: route, status | ours: plan | ours: gap | ours: solve s (wall) | check | HiGHS: status | HiGHS: plan | HiGHS: gap | HiGHS s | glpsol: plan | glpsol s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    f = lambda v: "—" if v is None else (f"{v:,.2f}" if isinstance(v, float) else str(v))
    pct = lambda v: "—" if v is None else f"{v * 100:.4f} %"
    for name, n, o, h, g in rows:
        print(f"| {name} | {n:,} | {o['route']}, {o['status']} | {f(o['obj'])} | {pct(o['gap'])} | {o['solve']:.1f} ({o['wall']:.1f}) | {o['checked']} "
              f"| {h.get('status', 'not run')} | {f(h.get('obj'))} | {pct(h.get('gap'))} | {f(h.get('secs'))} | {f(g.get('obj'))} | {f(g.get('secs'))} |")


if __name__ == "__main__":
    main()
