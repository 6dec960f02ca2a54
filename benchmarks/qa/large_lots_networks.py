#!/usr/bin/env python3
"""The six large networks of the session 13 lots QA (docs/benchmarks.md, "Session 13: warm lots rounds").

    python3 benchmarks/qa/large_lots_networks.py --bin .build/release/fuelflow --out /tmp/lots-large [n1 n2 ...]
    .build/release/fuelflow plan /tmp/lots-large/n4 --out /tmp/n4-plan --mip --time-limit 60

Each is `fuelflow generate --preset small` at 279 k–600 k variables (so `--mip` takes the lots
heuristic and its warm rounds), with `lanes.csv` rewritten from `random.Random(1000 + seed)`:
every capacitated pipeline, rail and ship lane gets a minimum of 20–70 % of its capacity and a
hire of 1,000–5,000 a day; a share of the capacitated truck lanes (`truck`) a minimum of 20–70 %,
half of them a hire too; a share of the uncapacitated truck lanes into stations (`stmin`) a
minimum of 10–40 m³. The same binary and arguments give the same files.
"""
import argparse, csv, os, random, shutil, subprocess

NETS = {
    'n1': dict(stations=3000, depots=60, terminals=10, days=14, seed=11, truck=0.0, stmin=0.0),
    'n2': dict(stations=1500, depots=30, terminals=6, days=14, seed=12, truck=0.5, stmin=0.0),
    'n3': dict(stations=6000, depots=100, terminals=12, days=7, seed=13, truck=0.0, stmin=0.0),
    'n4': dict(stations=2000, depots=40, terminals=8, days=21, seed=14, truck=0.6, stmin=0.05),
    'n5': dict(stations=4500, depots=80, terminals=10, days=10, seed=15, truck=0.0, stmin=0.0),
    'n6': dict(stations=2500, depots=50, terminals=9, days=14, seed=16, truck=0.4, stmin=0.02),
}


def g(x):
    return '%g' % round(x, 1)


def make(ff, root, name, p):
    out = os.path.join(root, name)
    if os.path.exists(out):
        shutil.rmtree(out)
    cmd = [ff, 'generate', '--preset', 'small', '--stations', str(p['stations']), '--depots', str(p['depots']),
           '--terminals', str(p['terminals']), '--days', str(p['days']), '--seed', str(p['seed']),
           '--history-days', '0', '--out', out, '--quiet']
    print(' '.join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    rng = random.Random(1000 + p['seed'])
    path = os.path.join(out, 'lanes.csv')
    with open(path, newline='') as f:
        rd = csv.DictReader(f)
        fields = list(rd.fieldnames)
        rows = list(rd)
    for c in ('min_shipment_m3', 'fixed_cost_per_day'):
        if c not in fields:
            fields.append(c)
    n = {'bulk': 0, 'truck': 0, 'stmin': 0}
    for r in rows:
        r['min_shipment_m3'] = ''
        r['fixed_cost_per_day'] = ''
        cap = r['capacity_m3_per_day'].strip()
        cap = float(cap) if cap else None
        if r['mode'] in ('pipeline', 'rail', 'ship') and cap:
            r['min_shipment_m3'] = g(rng.uniform(0.2, 0.7) * cap)
            r['fixed_cost_per_day'] = g(rng.uniform(1000, 5000))
            n['bulk'] += 1
        elif r['mode'] == 'truck' and cap and rng.random() < p['truck']:
            r['min_shipment_m3'] = g(rng.uniform(0.2, 0.7) * cap)
            if rng.random() < 0.5:
                r['fixed_cost_per_day'] = g(rng.uniform(1000, 5000))
            n['truck'] += 1
        elif r['mode'] == 'truck' and cap is None and r['to'].startswith('S') and rng.random() < p['stmin']:
            r['min_shipment_m3'] = g(rng.uniform(10, 40))
            n['stmin'] += 1
    with open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    print(name, 'lanes with a minimum:', n, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--bin', default='.build/release/fuelflow')
    ap.add_argument('--out', required=True, help='directory for the networks (n1 … n6)')
    ap.add_argument('names', nargs='*', help='which networks (default: all six)')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name in a.names or NETS:
        make(a.bin, a.out, name, NETS[name])


if __name__ == '__main__':
    main()
