#!/usr/bin/env python3
"""The lots heuristic (`plan --mip --lots`) against GLPK's branch-and-cut (`plan --mip`) on
small generated networks with lot minimums, each plan checked by check_plan.py.

    python3 benchmarks/qa/lots_vs_mip.py --bin .build/release/fuelflow [--work /tmp/lots-qa]
        [--plan-bin OLD/fuelflow]   # plan with another build (the networks still from --bin)
        [--suite hard --mip-time-limit 60]   # the 32 networks of hard_lots_networks.py

Networks (`generate --preset small`, no history):
  * "trucks" seeds 40-49, 6 days: every truck lane with a capacity gets a minimum of 20 % and
    50 % of it (two networks per seed);
  * "mixed" seeds 100-115, 5-8 days: pipeline, rail and ship lanes (and in half of them every
    truck lane) get minimums of 20, 50, 80 or 100 % of their capacity, half the rail and ship
    lanes a hire of 200, 1,000 or 5,000 a day.
Prints, per network, how far the heuristic's plan is above branch-and-cut's (30 s; proven
optimal unless noted), then the mean, the worst and the count above 0.1 %. Exit 1 if a plan
fails check_plan.py.
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def generate(ff, seed, days, out):
    subprocess.run([ff, 'generate', '--preset', 'small', '--seed', str(seed), '--days', str(days),
                    '--history-days', '0', '--out', out, '--quiet'], check=True)


def set_minimums(out, rule):
    path = os.path.join(out, 'lanes.csv')
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0].keys()) + [k for k in ('min_shipment_m3', 'fixed_cost_per_day') if k not in rows[0]]
    for r in rows:
        if r['capacity_m3_per_day']:
            rule(r, float(r['capacity_m3_per_day']))
    with open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def networks(ff, work):
    for seed in range(40, 50):
        for share in (0.2, 0.5):
            out = os.path.join(work, f'trucks-{seed}-{share}')
            generate(ff, seed, 6, out)
            def rule(r, cap, share=share):
                if r['mode'] == 'truck':
                    r['min_shipment_m3'] = '%g' % (share * cap)
            set_minimums(out, rule)
            yield out
    for seed in range(100, 116):
        rng = random.Random(seed)
        days = rng.choice([5, 6, 7, 8])
        out = os.path.join(work, f'mixed-{seed}')
        generate(ff, seed, days, out)
        trucks = rng.random() < 0.5
        def rule(r, cap, rng=rng, trucks=trucks):
            if r['mode'] in ('pipeline', 'rail', 'ship') or (trucks and r['mode'] == 'truck'):
                r['min_shipment_m3'] = '%g' % (rng.choice([0.2, 0.5, 0.8, 1.0]) * cap)
                if r['mode'] in ('rail', 'ship') and rng.random() < 0.5:
                    r['fixed_cost_per_day'] = '%g' % rng.choice([200, 1000, 5000])
        set_minimums(out, rule)
        yield out


def plan(ff, net, out, *flags):
    subprocess.run([ff, 'plan', net, '--out', out, '--quiet', *flags], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    try:
        with open(os.path.join(out, 'plan.json')) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--bin', default='.build/release/fuelflow')
    ap.add_argument('--work', default='/tmp/lots-qa')
    ap.add_argument('--mip-time-limit', type=float, default=30)
    ap.add_argument('--suite', choices=('standard', 'hard'), default='standard',
                    help='standard: the 36 networks below; hard: hard_lots_networks.py (32, minimums on every kind of lane)')
    ap.add_argument('--plan-bin', help='another fuelflow to plan with (e.g. an older build, to compare); '
                                       '--bin still generates the networks')
    a = ap.parse_args()
    ff = os.path.abspath(a.bin)
    planner = os.path.abspath(a.plan_bin) if a.plan_bin else ff
    os.makedirs(a.work, exist_ok=True)
    excess, failed = [], 0
    if a.suite == 'hard':
        sys.path.insert(0, HERE)
        import hard_lots_networks
        nets = hard_lots_networks.networks(ff, a.work)
    else:
        nets = networks(ff, a.work)
    for net in nets:
        name = os.path.basename(net)
        lots = plan(planner, net, net + '-lots', '--mip', '--lots')
        mip = plan(planner, net, net + '-mip', '--mip', '--time-limit', str(a.mip_time_limit))
        if not lots or not mip or lots.get('total_cost') is None or mip.get('total_cost') is None:
            print(f'{name:18} no plan (lots {lots and lots.get("status")}, branch-and-cut {mip and mip.get("status")})')
            continue
        check = subprocess.run([sys.executable, os.path.join(HERE, 'check_plan.py'), net, net + '-lots'],
                               capture_output=True, text=True)
        if check.returncode != 0:
            failed += 1
        e = 100 * (lots['total_cost'] - mip['total_cost']) / mip['total_cost']
        excess.append(e)
        note = '' if mip['status'] == 'optimal' else f' (branch-and-cut {mip["status"]})'
        print(f'{name:18} lots {lots["total_cost"]:.2f} gap {100 * lots["solver"].get("mip_gap", 0):.3f} %'
              f'  branch-and-cut {mip["total_cost"]:.2f}{note}  excess {e:+.4f} %'
              + ('' if check.returncode == 0 else '  CHECK FAILED: ' + check.stdout.strip().splitlines()[0]))
    if excess:
        print(f'{len(excess)} networks: mean {sum(excess) / len(excess):.4f} % above branch-and-cut, '
              f'worst {max(excess):.4f} %, {sum(1 for x in excess if x > 0.1)} above 0.1 %')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
