#!/usr/bin/env python3
"""Checks a `fuelflow plan` output folder against its network folder, independently of the
planner's code: flow balance per node, product and day (flows with transit, production,
stock, shortfalls, demand), lane capacities (shared over products) and node throughputs,
production within [min, max], stock within [0, capacity], shortfall at most demand, transit
days and allowed products, and the cost breakdown recomputed and summing to `total_cost`;
with `--mip`, every lane-day ships 0 or at least its `min_shipment_m3` and the hire adds up.

usage: python3 benchmarks/qa/check_plan.py NETDIR OUTDIR   (prints problems, exit 1 if any)"""
import csv, json, sys, datetime, collections, os

def rd(path):
    if not os.path.exists(path):
        return []
    with open(path, newline='', encoding='utf-8-sig') as f:
        return list(csv.DictReader(f))

def num(s, default=None):
    s = (s or '').strip()
    return default if s == '' else float(s)

def check(net, out, tol=1e-5):
    probs = []
    def P(msg):
        if len(probs) < 40:
            probs.append(msg)
    st = {}
    for line in open(os.path.join(net, 'settings.yaml'), encoding='utf-8-sig'):
        line = line.split('#')[0].strip()
        if ':' in line:
            k, v = line.split(':', 1)
            st[k.strip()] = v.strip().strip('"\'')
    start = datetime.date.fromisoformat(st['start']); T = int(st['days'])
    day = lambda s: (datetime.date.fromisoformat(s) - start).days + 1
    prods = {r['product'].strip(): r for r in rd(os.path.join(net, 'products.csv'))}
    nodes = {r['node'].strip(): r for r in rd(os.path.join(net, 'nodes.csv'))}
    lanes = rd(os.path.join(net, 'lanes.csv'))
    lanemap = {}   # (from, to, mode) -> the lanes.csv rows, in file order
    laneids = {}   # the plan's lane name (FROM>TO/mode, #2… for duplicates) -> (key, row)
    for l in lanes:
        key = (l['from'].strip(), l['to'].strip(), l['mode'].strip())
        lanemap.setdefault(key, []).append(l)
        k = len(lanemap[key])
        laneids[f'{key[0]}>{key[1]}/{key[2]}' + ('' if k == 1 else f'#{k}')] = (key, l)
    prodn = {(r['refinery'].strip(), r['product'].strip()): r for r in rd(os.path.join(net, 'production.csv'))}
    stor = {(r['node'].strip(), r['product'].strip()): r for r in rd(os.path.join(net, 'storage.csv'))}
    dem = collections.defaultdict(float)
    for r in rd(os.path.join(net, 'demand.csv')):
        dem[(r['station'].strip(), r['product'].strip(), day(r['date'].strip()))] += float(r['volume_m3'])
    plan = json.load(open(os.path.join(out, 'plan.json')))
    cb = plan.get('cost_breakdown') or {}
    tc = plan.get('total_cost')
    if tc is None:
        return ['no total_cost'], plan
    if abs(sum(cb.values()) - tc) > 1e-6 * max(1, abs(tc)):
        P(f'total_cost {tc} != sum breakdown {sum(cb.values())}')
    bal = collections.defaultdict(float)  # (n,p,t): in - out + q + u  (+ s[t-1] - s[t]) - d == 0
    laneday = collections.defaultdict(float); nodeday = collections.defaultdict(float)
    transport = 0.0
    for f in rd(os.path.join(out, 'flows.csv')):
        key = (f['from'], f['to'], f['mode']); v = float(f['volume_m3']); p = f['product']
        td, ta = day(f['depart_date']), day(f['arrive_date'])
        ls = lanemap.get(key)
        if not ls:
            P(f'flow on unknown lane {key}'); continue
        if f.get('lane'):
            if f['lane'] not in laneids or laneids[f['lane']][0] != key:
                P(f'flow names lane {f["lane"]}, which is not {key}'); continue
            lid = f['lane']; l = laneids[lid][1]
        else:
            if len(ls) > 1:
                P(f'ambiguous lane {key} (duplicate lanes) - checks approximate')
            lid = f'{key[0]}>{key[1]}/{key[2]}'; l = ls[0]
        c = float(l['cost_per_m3']); tr = int(l['transit_days'])
        if v < -tol: P(f'negative flow {f}')
        if ta - td != tr: P(f'transit mismatch {f} expected {tr}')
        if not (1 <= td <= T and 1 <= ta <= T): P(f'flow outside horizon {f}')
        allowed = (l.get('products') or '').strip()
        if allowed and p not in [x.strip() for x in allowed.split(';')]:
            P(f'product {p} not allowed on lane {key}')
        if abs(float(f['cost']) - v * c) > 1e-5 * max(1, abs(v * c)):
            P(f'flow cost {f["cost"]} != {v*c}')
        transport += v * c
        bal[(key[0], p, td)] -= v; bal[(key[1], p, ta)] += v
        laneday[(lid, td)] += v; nodeday[(key[0], td)] += v
    for (key, t), v in laneday.items():
        cap = num(laneids[key][1].get('capacity_m3_per_day'))
        if cap is not None and v > cap + tol * max(1, cap):
            P(f'lane {key} day {t}: {v} > cap {cap}')
    # With --mip (routes mip, mip-lots): a lane-day ships 0 or at least its minimum, and the
    # hire of every lane-day used is the plan's fixed_lane cost.
    if plan['solver']['route'].startswith('mip') and plan['status'] in ('optimal', 'feasible', 'time_limit') \
            and plan.get('total_cost') is not None:
        hire = 0.0
        for (key, t), v in laneday.items():
            if v <= tol:
                continue
            l = laneids[key][1]
            mn = num(l.get('min_shipment_m3'))
            if mn is not None and v < mn - tol * max(1, mn):
                P(f'lane {key} day {t}: {v} below min_shipment_m3 {mn}')
            hire += num(l.get('fixed_cost_per_day')) or 0.0
        theirs = cb.get('fixed_lane') or 0.0
        if abs(theirs - hire) > 1e-6 * max(1, hire) + 1e-3:
            P(f'cost fixed_lane: plan.json {theirs} vs recomputed {hire}')
    for (n, t), v in nodeday.items():
        th = num(nodes[n].get('throughput_m3_per_day'))
        if th is not None and v > th + tol * max(1, th):
            P(f'node {n} day {t}: outflow {v} > throughput {th}')
    prodcost = 0.0
    qv = collections.defaultdict(float)
    for r in rd(os.path.join(out, 'production.csv')):
        k = (r['refinery'], r['product']); t = day(r['date']); v = float(r['volume_m3'])
        pr = prodn.get(k)
        if pr is None: P(f'production without row {r}'); continue
        qv[(k, t)] += v
        prodcost += v * float(pr['cost_per_m3'])
        bal[(k[0], k[1], t)] += v
    for k, pr in prodn.items():
        mn, mx = float(pr['min_m3_per_day']), float(pr['max_m3_per_day'])
        for t in range(1, T + 1):
            v = qv.get((k, t), 0.0)
            if v < mn - tol * max(1, mn) or v > mx + tol * max(1, mx):
                P(f'production {k} day {t}: {v} not in [{mn},{mx}]')
    inv = collections.defaultdict(float)
    for r in rd(os.path.join(out, 'inventory.csv')):
        inv[(r['node'], r['product'], day(r['date']))] += float(r['volume_m3'])
    hold = 0.0; safety = 0.0
    for (n, p, t), v in inv.items():
        if (n, p) not in stor: P(f'inventory at {n},{p} without storage: {v}')
    for (n, p), s in stor.items():
        cap = float(s['capacity_m3']); ini = float(s['initial_m3']); sf = float(s['safety_m3']); h = float(s['holding_cost_per_m3_day'])
        pen = float(prods[p]['safety_penalty'])
        prev = ini
        for t in range(1, T + 1):
            v = inv.get((n, p, t), 0.0)
            if v < -tol or v > cap + tol * max(1, cap): P(f'stock {n},{p},{t} = {v} outside [0,{cap}]')
            hold += h * v; safety += pen * max(0.0, sf - v)
            bal[(n, p, t)] += prev - v
            prev = v
    short = 0.0
    for r in rd(os.path.join(out, 'shortfalls.csv')):
        k = (r['station'], r['product'], day(r['date'])); v = float(r['volume_m3'])
        if v > dem.get(k, 0.0) + tol: P(f'shortfall {k} {v} > demand {dem.get(k, 0.0)}')
        short += v * float(prods[k[1]]['shortage_penalty'])
        bal[k] += v
    for k, d in dem.items():
        bal[k] -= d
    nbad = 0
    for k, v in bal.items():
        if abs(v) > 2e-5 * max(1, 1):
            nbad += 1
            P(f'balance {k}: residual {v:.6g}')
    for name, mine in [('production', prodcost), ('transport', transport), ('holding', hold),
                       ('safety_penalty', safety), ('shortage_penalty', short)]:
        theirs = cb.get(name)
        if theirs is None or abs(theirs - mine) > 1e-6 * max(1, abs(mine)) + 1e-3:
            P(f'cost {name}: plan.json {theirs} vs recomputed {mine}')
    return probs, plan

if __name__ == '__main__':
    probs, plan = check(sys.argv[1], sys.argv[2])
    for p in probs: print(p)
    sys.exit(1 if probs else 0)
