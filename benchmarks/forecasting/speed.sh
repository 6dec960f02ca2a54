#!/usr/bin/env bash
# In-process speed of Forecaster.forecastMany (auto: ETS candidates by AICc, then Theta,
# seasonal naive, combination, AR by backtest; intervals; 10% intermittent series) on
# simulated daily demand, 730 days, horizon 28, release build, all cores.
#   bash benchmarks/forecasting/speed.sh [N=2000] [K=0]    (K > 0: also --backtest K, refit per origin)
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-2000}"
K="${2:-0}"
swift build -c release -Xswiftc -enable-testing --build-tests >/dev/null
FF_SPEED="$N" FF_BACKTEST="$K" swift test -c release -Xswiftc -enable-testing --skip-build --filter SpeedProbe 2>&1 | grep '^SPEED'
