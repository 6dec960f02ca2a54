// Forecasting — every station × product of a network, and the roll-up up the supply tree.
import FuelFlowModel

/// Options of a network-wide forecast (``NetworkForecaster``).
public struct NetworkForecastOptions: Sendable {
    /// Days to forecast from the planning start; nil = the horizon of `settings.yaml`.
    public var horizon: Int?
    /// Method for every series (`.auto` chooses per series).
    public var method: ForecastMethod = .auto
    /// Rolling-origin backtest origins per series (0 = no accuracy report).
    public var backtestOrigins: Int = 0
    /// Quantile levels to compute; 0.1, 0.5 and 0.9 are always included.
    public var quantiles: [Double] = [0.1, 0.5, 0.9]
    /// Season length in days (weekly seasonality).
    public var seasonLength: Int = 7
    /// Also try multiplicative-error ETS models (slower).
    public var multiplicativeErrors = false

    public init() {}
}

/// The forecast of one station × product.
public struct StationForecast: Sendable {
    public var station: NodeIndex
    public var product: ProductIndex
    /// The fitted model's forecast, quantiles, accuracy and warnings; day k of the forecast is
    /// `NetworkForecast.firstDay + k`.
    public var result: SeriesForecast
}

/// One row of the roll-up: the forecast volume that node `node` must supply for product
/// `product` to the stations it normally serves, for station demand on `firstDay + dayOffset`.
public struct RollupRow: Sendable, Equatable {
    public var node: NodeIndex
    public var product: ProductIndex
    public var dayOffset: Int
    /// m³.
    public var volume: Double
}

/// Forecasts for every station × product with sales history, and their roll-up.
public struct NetworkForecast: Sendable {
    /// The first forecast day (the planning start).
    public var firstDay: Day
    /// Days forecast.
    public var horizon: Int
    /// One entry per station × product with history, ordered by station then product index.
    public var stations: [StationForecast]
    /// Upstream requirements (depots, terminals, refineries), ordered by node, product, day.
    public var rollup: [RollupRow]
    /// Station × product pairs with demand in `demand.csv` but no sales history (forecast 0).
    public var withoutHistory: [(station: NodeIndex, product: ProductIndex)]
    /// Mean accuracy over all backtested series (nil without backtests).
    public var overallAccuracy: Accuracy? {
        Accuracy.mean(stations.compactMap(\.result.accuracy))
    }

    /// The forecast as station demand over the horizon, for the planner: the point forecast
    /// when `quantile` is nil, else that quantile (it must be one of the computed levels).
    /// Volumes are rounded to whole litres (0.001 m³) — finer is noise, and whole litres keep
    /// the planner's exact integer scaling (and so its network-simplex routes) available.
    /// Zero volumes are left out.
    public func demand(quantile: Double? = nil) -> StationVolumes {
        var out = StationVolumes()
        out.reserveCapacity(stations.count * horizon)
        for s in stations {
            let values = quantile.flatMap { s.result.quantile($0) } ?? s.result.forecast
            for (k, v) in values.enumerated() {
                let litres = (v * 1000).rounded() / 1000
                if litres > 0 {
                    out.append(station: s.station, product: s.product, day: firstDay.advanced(by: k), volume: litres)
                }
            }
        }
        return out
    }
}

/// Forecasts the demand of every station × product of a network from `sales_history.csv`, and
/// rolls the forecasts up the supply tree.
///
/// **Series.** One daily series per station × product with sales rows, from its first sales day
/// to the day before the planning start; days without a row are missing (NaN), not zero, so a
/// closed station or a gap in the data does not drag the forecast down. Rows on or after the
/// start are ignored (the validator reports them). Holidays from `holidays.csv` enter as one
/// learnt effect per holiday name.
///
/// **Roll-up rule.** A station's forecast is added to every node on its *normal supply path*
/// (``Network/normalSupplyPath(of:product:)``): the depot it is normally served from — the
/// cheapest inbound lane that carries the product, ties by upstream node id — then that depot's
/// cheapest supplier, and so on up to a refinery. Volumes keep the station's demand date (no
/// transit offset): a depot's row for date d is what its stations are forecast to sell on d.
/// Each upstream node's total is therefore exactly the sum of the station forecasts it serves.
///
/// - Complexity: O(series · fit cost / cores) for the forecasts; O(series · horizon · path length)
///   for the roll-up.
public enum NetworkForecaster {
    /// Forecasts every series of `network`. `progress(done, total)` is called after each block
    /// of series (from the calling thread).
    public static func forecast(_ network: Network, options: NetworkForecastOptions = NetworkForecastOptions(),
                                progress: ((Int, Int) -> Void)? = nil) -> NetworkForecast {
        let calendar = network.calendar
        let first = calendar.start
        let horizon = max(1, options.horizon ?? calendar.days)
        let productCount = network.products.count
        let history = network.salesHistory
        let index = history.seriesIndex(productCount: productCount)

        // Build the series (station order, then product order: the index's key order).
        var keys: [(NodeIndex, ProductIndex)] = []
        var series: [DailySeries] = []
        keys.reserveCapacity(index.count)
        series.reserveCapacity(index.count)
        for k in 0 ..< index.count {
            let rows = index.rows(of: k).filter { history.day[Int($0)] < first.raw }
            guard let firstRow = rows.first else { continue }
            let start = Int(history.day[Int(firstRow)])
            var values = [Double](repeating: .nan, count: Int(first.raw) - start)
            for r in rows {
                let i = Int(history.day[Int(r)]) - start
                values[i] = values[i].isNaN ? history.volume[Int(r)] : values[i] + history.volume[Int(r)]
            }
            keys.append(index.series(k, productCount: productCount))
            series.append(DailySeries(start: start, values: values))
        }

        var forecastOptions = ForecastOptions(horizon: horizon, seasonLength: options.seasonLength,
                                              method: options.method, quantiles: options.quantiles,
                                              backtestOrigins: options.backtestOrigins)
        for q in [0.1, 0.5, 0.9] where !forecastOptions.quantiles.contains(q) { forecastOptions.quantiles.append(q) }
        if options.multiplicativeErrors { forecastOptions.etsCandidates = ForecastOptions.allETSCandidates }
        let holidays = network.holidays.map(holidayCalendar)

        // Forecast in blocks so long runs can report progress; results stay in series order.
        var results: [SeriesForecast] = []
        results.reserveCapacity(series.count)
        let block = 2048
        var done = 0
        while done < series.count {
            let end = min(series.count, done + block)
            results += Forecaster.forecastMany(series: Array(series[done ..< end]), options: forecastOptions,
                                               holidays: holidays)
            done = end
            progress?(done, series.count)
        }
        let stations = zip(keys, results).map { StationForecast(station: $0.0, product: $0.1, result: $1) }

        // Pairs with demand but no history get no forecast: tell the caller.
        var hasSeries = Set<Int>()
        for (s, p) in keys { hasSeries.insert(s * productCount + p) }
        var missing = Set<Int>()
        for i in 0 ..< network.demand.count {
            let key = Int(network.demand.station[i]) * productCount + Int(network.demand.product[i])
            if !hasSeries.contains(key) { missing.insert(key) }
        }
        let withoutHistory = missing.sorted().map { (station: $0 / productCount, product: $0 % productCount) }

        return NetworkForecast(firstDay: first, horizon: horizon, stations: stations,
                               rollup: rollUp(stations, network: network, horizon: horizon),
                               withoutHistory: withoutHistory)
    }

    /// Sums station forecasts into every upstream node of their normal supply paths.
    static func rollUp(_ stations: [StationForecast], network: Network, horizon: Int) -> [RollupRow] {
        let productCount = network.products.count
        var totals: [Int: [Double]] = [:]  // key node·P + product → volume per day offset
        var pathCache: [Int: [NodeIndex]] = [:]
        for s in stations {
            let key = s.station * productCount + s.product
            let path: [NodeIndex]
            if let cached = pathCache[key] {
                path = cached
            } else {
                path = network.normalSupplyPath(of: s.station, product: s.product)
                pathCache[key] = path
            }
            for node in path.dropFirst() {
                let k = node * productCount + s.product
                var row = totals[k] ?? [Double](repeating: 0, count: horizon)
                for (d, v) in s.result.forecast.prefix(horizon).enumerated() { row[d] += v }
                totals[k] = row
            }
        }
        var out: [RollupRow] = []
        for k in totals.keys.sorted() {
            for (d, v) in totals[k]!.enumerated() where v != 0 {
                out.append(RollupRow(node: k / productCount, product: k % productCount, dayOffset: d, volume: v))
            }
        }
        return out
    }

    /// Holidays as day numbers with one group per holiday name (names sorted, for determinism).
    static func holidayCalendar(_ holidays: [Holiday]) -> HolidayCalendar {
        let names = Array(Set(holidays.map(\.name))).sorted()
        var group: [String: Int] = [:]
        for (i, n) in names.enumerated() { group[n] = i }
        return HolidayCalendar(days: holidays.map { Int($0.day.raw) }, groups: holidays.map { group[$0.name]! })
    }
}
