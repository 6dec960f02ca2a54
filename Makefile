# FuelFlow — the two commands a new user needs:
#   make run    build and run the main job on the example data in data/
#   make test   run the test suite
# Both install libglpk-dev first when it is missing (scripts/ensure-deps.sh).

SWIFT  ?= swift
BIN    := .build/release/fuelflow
OUT    ?= out

.PHONY: all deps build run test test-debug-engines bench clean

all: build

deps:
	@bash scripts/ensure-deps.sh

build: deps
	$(SWIFT) build -c release --product fuelflow

# The nightly job on the example network: check the data, forecast station demand from sales
# history (with a 4-origin backtest), then plan the horizon against the forecast.
run: build
	$(BIN) validate data/example
	$(BIN) forecast data/example --out $(OUT)/forecast --backtest 4
	$(BIN) plan data/example --demand forecast --out $(OUT)/plan
	@echo "plan: $(OUT)/plan/plan.json  forecast: $(OUT)/forecast/forecasts.csv"

test: deps
	$(SWIFT) test -c release -Xswiftc -enable-testing
	$(MAKE) test-debug-engines

# Release builds of the solver modules run without Swift's run-time exclusivity checks
# (Package.swift, `hotLoops`): the engines' own tests run once more in a debug build, with them.
test-debug-engines: deps
	$(SWIFT) test --filter 'BundledFlowTests|WorkingBasisBorderTests|BlockLUTests|PackedListsTests|NetworkSimplexTests|SessionTests'

bench: build
	bash benchmarks/mincost/run.sh

clean:
	rm -rf .build $(OUT)
