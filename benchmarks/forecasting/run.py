#!/usr/bin/env python3
"""FuelFlow forecasting benchmark: `fuelflow forecast-series` against statsforecast.

Real public series that ship inside installed Python packages (no network needed):
  statsforecast.utils.AirPassengers (monthly, 144), and statsmodels.datasets:
  co2 (weekly Mauna Loa CO2, averaged to months), elnino (monthly sea temperature),
  elec_equip (monthly index), macrodata (12 quarterly US series), danish_data (5 quarterly),
  interest_inflation (2 quarterly), nile (annual), sunspots (annual).
Each series' last H points are held out (H = 24 monthly, 8 quarterly, 10 annual).
The same training CSVs go to `fuelflow forecast-series` (one batch invocation per
(season, horizon) group, JSON lines out) and to statsforecast's AutoETS, AutoARIMA and
SeasonalNaive (n_jobs=1, after a warm-up that JIT-compiles numba code).
Metrics (same code for every method): MASE scaled by the in-sample seasonal-naive MAE
(lag m; lag 1 when m = 1) and sMAPE (0-200), averaged over series; speed = series / wall
second including process start for fuelflow.

  python3 benchmarks/forecasting/run.py [--fuelflow .build/release/fuelflow]
         [--simulated N] [--one-core]

--simulated N also times N simulated daily series (730 days, weekly season, H = 28):
fuelflow auto vs AutoETS and SeasonalNaive. --one-core runs fuelflow under `taskset -c 0`.
"""
import argparse, json, os, subprocess, sys, tempfile, time, warnings
import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")


def load_real():
    import statsmodels.api as sm
    from statsmodels.datasets import elec_equip
    from statsforecast.utils import AirPassengers
    out = []  # (name, values, m, h)
    out.append(("airpassengers", np.asarray(AirPassengers, float), 12, 24))
    co2 = sm.datasets.co2.load_pandas().data["co2"]
    co2 = co2.resample("MS").mean().interpolate()
    out.append(("co2_monthly", co2.values, 12, 24))
    el = sm.datasets.elnino.load_pandas().data.drop(columns=["YEAR"]).values.ravel()
    out.append(("elnino", el.astype(float), 12, 24))
    ee = elec_equip.load().data.iloc[:, 0].values.astype(float)
    out.append(("elec_equip", ee, 12, 24))
    macro = sm.datasets.macrodata.load_pandas().data
    for c in macro.columns:
        if c in ("year", "quarter"):
            continue
        out.append(("macro_" + c, macro[c].values.astype(float), 4, 8))
    dan = sm.datasets.danish_data.load_pandas().data
    for c in dan.columns:
        out.append(("danish_" + c, dan[c].values.astype(float), 4, 8))
    ii = sm.datasets.interest_inflation.load_pandas().data
    for c in ("Dp", "R"):
        out.append(("interest_" + c, ii[c].values.astype(float), 4, 8))
    out.append(("nile", sm.datasets.nile.load_pandas().data["volume"].values.astype(float), 1, 10))
    out.append(("sunspots", sm.datasets.sunspots.load_pandas().data["SUNACTIVITY"].values.astype(float), 1, 10))
    return out


def simulated(n, seed=2024, days=730):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        level = 5 + 45 * rng.random()
        week = 0.9 + 0.2 * rng.random(7)
        week[5:] = 0.6 + 0.4 * rng.random(2)
        t = np.arange(days + 28)
        yearly = 1 + 0.15 * rng.random() * np.sin(2 * np.pi * t / 365.25 + 2 * np.pi * rng.random())
        drift = np.cumprod(1 + 0.005 * rng.standard_normal(days + 28))
        y = level * drift * week[t % 7] * yearly * (1 + 0.1 * rng.standard_normal(days + 28))
        out.append((f"sim{i:04d}", np.maximum(y, 0), 7, 28))
    return out


def mase(y_train, y_test, f, m):
    lag = m if (m > 1 and len(y_train) > m) else 1
    scale = np.mean(np.abs(y_train[lag:] - y_train[:-lag]))
    if not scale > 0:
        scale = np.mean(np.abs(np.diff(y_train))) or 1.0
    return float(np.mean(np.abs(y_test - f)) / scale)


def smape(y_test, f):
    d = np.abs(y_test) + np.abs(f)
    r = np.where(d > 0, 200 * np.abs(y_test - f) / np.where(d > 0, d, 1), 0)
    return float(np.mean(r))


def write_csvs(series, workdir):
    paths = []
    for name, y, m, h in series:
        p = os.path.join(workdir, name + ".csv")
        with open(p, "w") as fh:
            fh.write("period,value\n")
            for i, v in enumerate(y[:-h]):
                fh.write(f"{i + 1},{float(v)!r}\n")
        paths.append(p)
    return paths


def run_fuelflow(binary, series, paths, method="auto", one_core=False, extra=()):
    """Returns ({name: forecast array}, {name: method}, seconds)."""
    groups = {}
    for (name, y, m, h), p in zip(series, paths):
        groups.setdefault((m, h), []).append((name, p))
    fc, chosen = {}, {}
    t0 = time.perf_counter()
    for (m, h), items in groups.items():
        cmd = [binary, "forecast-series", *[p for _, p in items], "--horizon", str(h),
               "--season", str(m), "--method", method, "--json", "--allow-negative", *extra]
        if one_core:
            cmd = ["taskset", "-c", "0"] + cmd
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit(f"fuelflow failed: {res.stderr}")
        lines = [l for l in res.stdout.splitlines() if l.strip()]
        for (name, _), line in zip(items, lines):
            obj = json.loads(line)
            fc[name] = np.asarray(obj["forecast"], float)
            chosen[name] = obj["method"]
    return fc, chosen, time.perf_counter() - t0


def run_statsforecast(model_name, series):
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoARIMA, SeasonalNaive
    make = {"AutoETS": lambda m: AutoETS(season_length=m),
            "AutoARIMA": lambda m: AutoARIMA(season_length=m),
            "SeasonalNaive": lambda m: SeasonalNaive(season_length=m)}[model_name]
    # Warm-up (numba JIT), not timed.
    warm = pd.DataFrame({"unique_id": "w", "ds": np.arange(1, 61), "y": 10 + np.sin(np.arange(60))})
    StatsForecast(models=[make(4)], freq=1, n_jobs=1).forecast(df=warm, h=4)
    groups = {}
    for name, y, m, h in series:
        groups.setdefault((m, h), []).append((name, y))
    fc = {}
    t0 = time.perf_counter()
    for (m, h), items in groups.items():
        df = pd.concat([pd.DataFrame({"unique_id": name, "ds": np.arange(1, len(y) - h + 1), "y": y[:-h]})
                        for name, y in items])
        sf = StatsForecast(models=[make(m)], freq=1, n_jobs=1)
        out = sf.forecast(df=df, h=h)
        col = [c for c in out.columns if c not in ("unique_id", "ds")][0]
        for name, _ in items:
            fc[name] = out.loc[out["unique_id"] == name, col].values.astype(float)
    return fc, time.perf_counter() - t0


def evaluate(series, fc):
    ms, ss = [], []
    for name, y, m, h in series:
        f = fc[name]
        ms.append(mase(y[:-h], y[-h:], f, m))
        ss.append(smape(y[-h:], f))
    return np.array(ms), np.array(ss)


def table(title, series, results):
    print(f"\n### {title} ({len(series)} series)\n")
    print("| method | mean MASE | mean sMAPE | series/s | best MASE on |")
    print("|---|---|---|---|---|")
    scores = {k: evaluate(series, fc) for k, (fc, _) in results.items()}
    names = list(results)
    mase_matrix = np.array([scores[k][0] for k in names])
    best = np.argmin(mase_matrix, axis=0)
    for i, k in enumerate(names):
        fc, secs = results[k]
        print(f"| {k} | {scores[k][0].mean():.3f} | {scores[k][1].mean():.2f} | "
              f"{len(series) / secs:.1f} | {int(np.sum(best == i))} |")
    return scores


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fuelflow", default=".build/release/fuelflow")
    ap.add_argument("--simulated", type=int, default=0)
    ap.add_argument("--one-core", action="store_true")
    ap.add_argument("--no-arima", action="store_true")
    ap.add_argument("--per-series", action="store_true")
    a = ap.parse_args()

    real = load_real()
    with tempfile.TemporaryDirectory() as wd:
        paths = write_csvs(real, wd)
        results = {}
        chosen = {}
        for method in ("auto", "ets", "theta", "combo"):
            fc, ch, secs = run_fuelflow(a.fuelflow, real, paths, method, a.one_core)
            results[f"fuelflow {method}"] = (fc, secs)
            if method == "auto":
                chosen = ch
        fc, _, secs = run_fuelflow(a.fuelflow, real, paths, "auto", a.one_core, ["--multiplicative-errors"])
        results["fuelflow auto +M errors"] = (fc, secs)
        for model in ("AutoETS", "AutoARIMA", "SeasonalNaive"):
            if model == "AutoARIMA" and a.no_arima:
                continue
            results["statsforecast " + model] = run_statsforecast(model, real)
        scores = table("Real series (holdout)", real, results)
        if a.per_series:
            cols = [k for k in ("fuelflow auto", "statsforecast AutoETS", "statsforecast AutoARIMA") if k in scores]
            print("\n| series | m | h | fuelflow auto chose | " + " | ".join(f"MASE / sMAPE {k}" for k in cols) + " |")
            print("|---|---|---|---|" + "---|" * len(cols))
            for i, (name, y, m, h) in enumerate(real):
                print(f"| {name} | {m} | {h} | {chosen[name]} | " +
                      " | ".join(f"{scores[k][0][i]:.3f} / {scores[k][1][i]:.1f}" for k in cols) + " |")

        if a.simulated:
            sim = simulated(a.simulated)
            spaths = write_csvs(sim, wd)
            res = {}
            for method in ("auto", "ets", "theta"):
                fc, _, secs = run_fuelflow(a.fuelflow, sim, spaths, method, a.one_core)
                res[f"fuelflow {method}"] = (fc, secs)
            fc, _, secs = run_fuelflow(a.fuelflow, sim, spaths, "auto", a.one_core, ["--multiplicative-errors"])
            res["fuelflow auto +M errors"] = (fc, secs)
            res["statsforecast AutoETS"] = run_statsforecast("AutoETS", sim)
            res["statsforecast SeasonalNaive"] = run_statsforecast("SeasonalNaive", sim)
            table("Simulated daily demand, 730 days, m = 7, H = 28", sim, res)


if __name__ == "__main__":
    main()
