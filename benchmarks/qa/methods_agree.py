#!/usr/bin/env python3
"""Cross-checks the planner's routes on randomly perturbed copies of a network folder.

Each case copies BASE, applies 1-3 random perturbations (remove a lane, change a lane
capacity, a node throughput, a holding cost, a product penalty, a transit time), keeps it if
`fuelflow validate` accepts it, then plans it with `auto` (station blocks), the warm-started
full LP (`--decomposition-threshold 100000000`) and product blocks (`--decomposition
products`). Every route must reach the same status and, when optimal, the same objective
(relative 1e-7), and every written plan must pass check_plan.py. Flagged cases are kept.

usage: python3 benchmarks/qa/methods_agree.py --bin .build/release/fuelflow --base data/example \\
           [--seed 1] [--cases 40] [--work /tmp/ff-qa] [--time-limit 15]
"""
import argparse, csv, json, os, random, shutil, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_plan import check


def rows(p):
    with open(p, newline='') as f:
        return list(csv.reader(f))


def write(p, r):
    with open(p, 'w', newline='') as f:
        csv.writer(f, lineterminator='\n').writerows(r)


def perturb(d, rng, desc):
    k = rng.randrange(6)
    if k == 0:
        r = rows(d + '/lanes.csv'); i = rng.randrange(1, len(r)); desc.append(f'remove lane {r[i][:3]}'); del r[i]
        write(d + '/lanes.csv', r)
    elif k == 1:
        r = rows(d + '/lanes.csv'); i = rng.randrange(1, len(r)); c = r[0].index('capacity_m3_per_day')
        r[i][c] = str(rng.choice([0, 5, 20, 50, 100, 300])); desc.append(f'lane {r[i][:3]} capacity {r[i][c]}')
        write(d + '/lanes.csv', r)
    elif k == 2:
        r = rows(d + '/nodes.csv'); i = rng.randrange(1, len(r)); c = r[0].index('throughput_m3_per_day')
        if r[i][c]:
            r[i][c] = '%g' % max(1, round(float(r[i][c]) * rng.uniform(0.5, 1.2))); desc.append(f'node {r[i][0]} throughput {r[i][c]}')
            write(d + '/nodes.csv', r)
    elif k == 3:
        r = rows(d + '/storage.csv'); i = rng.randrange(1, len(r)); c = r[0].index('holding_cost_per_m3_day')
        r[i][c] = '%g' % rng.choice([0, 0.001, 0.5, 2]); desc.append(f'storage {r[i][:2]} holding {r[i][c]}')
        write(d + '/storage.csv', r)
    elif k == 4:
        r = rows(d + '/products.csv'); i = rng.randrange(1, len(r)); c = rng.choice([2, 3])
        r[i][c] = '%g' % rng.choice([0, 10, 100, 5000, 20000]); desc.append(f'product {r[i][0]} {r[0][c]} {r[i][c]}')
        write(d + '/products.csv', r)
    else:
        r = rows(d + '/lanes.csv'); i = rng.randrange(1, len(r)); c = r[0].index('transit_days')
        r[i][c] = str(rng.randint(0, 3)); desc.append(f'lane {r[i][:3]} transit {r[i][c]}')
        write(d + '/lanes.csv', r)


def plan(ff, d, out, args, limit):
    p = subprocess.run([ff, 'plan', d, '--out', out, '--quiet', '--time-limit', str(limit), *args],
                       capture_output=True, text=True, timeout=limit * 3 + 60)
    j = {}
    if p.returncode in (0, 2, 3) and os.path.exists(out + '/plan.json'):
        with open(out + '/plan.json') as f:
            j = json.load(f)
    return p.returncode, j.get('status'), j.get('total_cost')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', default='.build/release/fuelflow')
    ap.add_argument('--base', default='data/example')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--cases', type=int, default=40)
    ap.add_argument('--work', default='/tmp/ff-qa')
    ap.add_argument('--time-limit', type=float, default=15)
    a = ap.parse_args()
    ff = os.path.abspath(a.bin)
    rng = random.Random(a.seed)
    os.makedirs(a.work, exist_ok=True)
    flagged = 0
    for i in range(a.cases):
        d = os.path.join(a.work, f'{a.seed}-{i}')
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(a.base, d)
        if os.path.exists(d + '/sales_history.csv'):
            os.remove(d + '/sales_history.csv')
        desc = []
        for _ in range(rng.randint(1, 3)):
            perturb(d, rng, desc)
        if subprocess.run([ff, 'validate', d], capture_output=True).returncode != 0:
            shutil.rmtree(d); continue
        routes = {'auto': [], 'lp-warm': ['--decomposition-threshold', '100000000'],
                  'products': ['--decomposition', 'products']}
        res = {name: plan(ff, d, f'{d}.{name}', args, a.time_limit) for name, args in routes.items()}
        ref = res['lp-warm']
        flags = []
        for name in ('auto', 'products'):
            r = res[name]
            if r[1] != ref[1]:
                flags.append(f'{name} status {r[1]} vs {ref[1]}')
            elif r[1] == 'optimal' and abs(r[2] - ref[2]) > 1e-7 * max(1, abs(ref[2])):
                flags.append(f'{name} cost {r[2]} vs {ref[2]}')
        for name, r in res.items():
            if r[0] in (0, 3) and r[2] is not None:
                problems, _ = check(d, f'{d}.{name}')
                if problems:
                    flags.append(f'{name} check: {problems[:3]}')
        line = f'{a.seed}-{i} {desc} ' + ' '.join(f'{n}:{r[1]}/{r[2]}' for n, r in res.items())
        print(line + (' !! ' + '; '.join(flags) if flags else ''), flush=True)
        if flags:
            flagged += 1
        else:
            for name in routes:
                shutil.rmtree(f'{d}.{name}', ignore_errors=True)
            shutil.rmtree(d)
    print(f'{flagged} flagged case(s)')
    sys.exit(1 if flagged else 0)


if __name__ == '__main__':
    main()
