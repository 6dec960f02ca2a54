"""The hard lots suite of `lots_vs_mip.py --suite hard`: 32 small generated networks with
minimums and hires on every kind of lane (QA, session 12), where the lots heuristic was up to
310 % above the optimum.

  allkinds  minimum 20-100 % of capacity on every capacitated lane (pipeline, rail, ship, truck);
            hire 200-20,000/day on rail and ship lanes and on ~half the capacitated truck lanes;
            ~40 % of the hired lanes lose their capacity (the minimum is then kept, on a lane
            without capacity); ~1/5 of depot->station lanes (no capacity) get a minimum of 10-40 m3
  nocaphire hired truck lanes without capacity: every terminal->depot lane loses its capacity
            and gets hire 500-20,000 (+ minimum 0 or 50-300 m3); ~1/10 of depot->station lanes a
            hire 200-2,000 and a minimum 5-30 m3; rail/ship a minimum 50-100 % and hire 1,000-20,000
  bighire   rail/ship/pipeline minimum 80-100 % of capacity, hire 5,000-20,000 on rail/ship
            (some of them capacity removed), truck terminal->depot minimum 50-100 %
  tight     "allkinds" without station minimums + terminal and depot throughput x 0.75-0.95
"""
import csv
import os
import random
import shutil
import subprocess

FIELDS_EXTRA = ('min_shipment_m3', 'fixed_cost_per_day')


def generate(ff, seed, days, out):
    if os.path.exists(out):
        shutil.rmtree(out)
    subprocess.run([ff, 'generate', '--preset', 'small', '--seed', str(seed), '--days', str(days),
                    '--history-days', '0', '--out', out, '--quiet'], check=True)


def rd(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def wr(path, rows, fields):
    with open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def kind_of(node):
    return {'R': 'refinery', 'T': 'terminal', 'D': 'depot', 'S': 'station'}.get(node[0], '?')


def g(x):
    return '%g' % round(x, 1)


def allkinds(rng, lanes, log, quiet_stations=False):
    for r in lanes:
        cap = float(r['capacity_m3_per_day']) if r['capacity_m3_per_day'] else None
        if cap is not None:
            r['min_shipment_m3'] = g(rng.choice([0.2, 0.35, 0.5, 0.65, 0.8, 1.0]) * cap)
            hired = r['mode'] in ('rail', 'ship') or (r['mode'] == 'truck' and rng.random() < 0.5)
            if hired:
                r['fixed_cost_per_day'] = g(rng.choice([200, 500, 1000, 2000, 5000, 10000, 20000]))
                if rng.random() < 0.4:
                    r['capacity_m3_per_day'] = ''
                    log.append(f"{r['from']}>{r['to']}:{r['mode']}:nocap")
        elif kind_of(r['from']) == 'depot' and rng.random() < 0.2 and not quiet_stations:
            r['min_shipment_m3'] = g(rng.choice([10, 20, 30, 40]))


def nocaphire(rng, lanes, log):
    for r in lanes:
        cap = float(r['capacity_m3_per_day']) if r['capacity_m3_per_day'] else None
        fk, tk = kind_of(r['from']), kind_of(r['to'])
        if r['mode'] == 'truck' and fk == 'terminal':
            r['capacity_m3_per_day'] = ''
            r['fixed_cost_per_day'] = g(rng.choice([500, 1000, 2000, 5000, 10000, 20000]))
            if rng.random() < 0.5:
                r['min_shipment_m3'] = g(rng.choice([50, 100, 200, 300]))
            log.append(f"{r['from']}>{r['to']}:truck:nocap")
        elif r['mode'] == 'truck' and fk == 'depot' and rng.random() < 0.1:
            r['fixed_cost_per_day'] = g(rng.choice([200, 500, 1000, 2000]))
            r['min_shipment_m3'] = g(rng.choice([5, 10, 20, 30]))
        elif r['mode'] in ('rail', 'ship') and cap is not None:
            r['min_shipment_m3'] = g(rng.choice([0.5, 0.8, 1.0]) * cap)
            r['fixed_cost_per_day'] = g(rng.choice([1000, 5000, 10000, 20000]))


def bighire(rng, lanes, log):
    for r in lanes:
        cap = float(r['capacity_m3_per_day']) if r['capacity_m3_per_day'] else None
        if cap is None:
            continue
        if r['mode'] in ('rail', 'ship', 'pipeline'):
            r['min_shipment_m3'] = g(rng.choice([0.8, 0.9, 1.0]) * cap)
            if r['mode'] != 'pipeline':
                r['fixed_cost_per_day'] = g(rng.choice([5000, 10000, 20000]))
                if rng.random() < 0.3:
                    r['capacity_m3_per_day'] = ''
                    log.append(f"{r['from']}>{r['to']}:{r['mode']}:nocap")
        elif r['mode'] == 'truck':
            r['min_shipment_m3'] = g(rng.choice([0.5, 0.75, 1.0]) * cap)
            if rng.random() < 0.5:
                r['fixed_cost_per_day'] = g(rng.choice([200, 1000, 5000]))


def tight(rng, lanes, log, nodes):
    allkinds(rng, lanes, log, quiet_stations=True)
    for n in nodes:
        if n.get('throughput_m3_per_day') and kind_of(n['node']) in ('terminal', 'depot'):
            f = rng.choice([0.75, 0.85, 0.95])
            n['throughput_m3_per_day'] = g(f * float(n['throughput_m3_per_day']))
            log.append(f"{n['node']}:thr*{f}")


FAMILIES = [('allkinds', allkinds, range(300, 312)),   # 12
            ('nocaphire', nocaphire, range(400, 408)),  # 8
            ('bighire', bighire, range(500, 506)),      # 6
            ('tight', tight, range(600, 606))]          # 6


def networks(ff, work):
    """Writes the 32 networks under `work` (deterministic) and yields their folders."""
    for fam, fn, seeds in FAMILIES:
        for seed in seeds:
            rng = random.Random(f'{fam}-{seed}')
            days = rng.choice([4, 5, 6])
            out = os.path.join(work, f'{fam}-{seed}')
            generate(ff, seed, days, out)
            lp = os.path.join(out, 'lanes.csv')
            lanes = rd(lp)
            fields = list(lanes[0].keys()) + [k for k in FIELDS_EXTRA if k not in lanes[0]]
            for r in lanes:
                for k in FIELDS_EXTRA:
                    r[k] = ''
            log = []
            if fam == 'tight':
                np_ = os.path.join(out, 'nodes.csv')
                nodes = rd(np_)
                fn(rng, lanes, log, nodes)
                wr(np_, nodes, list(nodes[0].keys()))
            else:
                fn(rng, lanes, log)
            wr(lp, lanes, fields)
            yield out
