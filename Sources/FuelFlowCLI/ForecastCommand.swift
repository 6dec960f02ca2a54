import ArgumentParser
import FuelFlowSupport
import Foundation
import Forecasting
import FuelFlowModel

/// `fuelflow forecast DIR --out OUT` — forecast every station × product and roll it up.
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast station demand from sales history and roll it up the network.",
        discussion: """
            Reads DIR's sales_history.csv (and holidays.csv when present), forecasts every \
            station × product for the horizon (default: settings.yaml's days, from its start) and \
            writes into OUT, as one atomic set: forecasts.csv \
            (station,product,date,volume_m3,p10,p50,p90,method), rollup.csv \
            (node,kind,product,date,volume_m3: station forecasts summed up each normal supply \
            path to depots, terminals and refineries), accuracy.csv with --backtest K \
            (station,product,method,mase,smape,bias,origins), and forecast.json (summary).
            """
    )

    @Argument(help: "The network folder.")
    var directory: String

    @Option(help: "Output folder (created if missing).")
    var out: String

    @Option(help: "Days to forecast (default: the horizon of settings.yaml).")
    var horizon: Int?

    @Option(help: "auto, ets, ses, holt, hw, hwm, naive, snaive, ma, theta, croston, sba, tsb, combo, ….")
    var method: String = "auto"

    @Option(help: "Rolling-origin backtest over K origins per series (the chosen method refitted at each origin); writes accuracy.csv.")
    var backtest: Int = 0

    @Flag(help: "Also try multiplicative-error ETS models (slower).")
    var multiplicativeErrors = false

    @Flag(help: "No progress or warnings on stderr.")
    var quiet = false

    func validate() throws {
        if let horizon, horizon < 1 || horizon > Settings.maxDays {
            throw ValidationError("--horizon must be within 1...\(Settings.maxDays) days")
        }
        guard backtest >= 0 else { throw ValidationError("--backtest must be 0 or more") }
        guard ForecastMethod(name: method) != nil else { throw ValidationError("unknown --method '\(method)'") }
    }

    func run() throws {
        let network = try loadNetwork(directory, history: true, quiet: quiet)
        guard !network.salesHistory.isEmpty else {
            throw CLIFailure.badInput("\(directory)/sales_history.csv: no sales history to forecast from")
        }
        var options = NetworkForecastOptions()
        options.horizon = horizon
        options.method = ForecastMethod(name: method)!
        options.backtestOrigins = backtest
        options.multiplicativeErrors = multiplicativeErrors
        let progress = ProgressReporter("forecast", quiet: quiet)
        let clock = ContinuousClock()
        let started = clock.now
        let forecast = NetworkForecaster.forecast(network, options: options) { progress.update($0, of: $1) }
        let seconds = (clock.now - started).seconds
        try ForecastReport(network: network, forecast: forecast).write(to: out, backtest: backtest > 0)
        for (s, p) in forecast.withoutHistory {
            progress.log("warning: station \(network.nodes[s].id) has demand for \(network.products[p].id) but no sales history: forecast 0")
        }
        var summary = "forecast \(forecast.stations.count) series × \(forecast.horizon) days in \(String(format: "%.2f", seconds)) s → \(out)"
        if let a = forecast.overallAccuracy {
            summary += "; backtest MASE \(formatDecimal(a.mase)), sMAPE \(formatDecimal(a.smape)), bias \(formatDecimal(a.bias))"
        }
        print(summary)
    }
}

/// The files of a network forecast.
struct ForecastReport {
    var network: Network
    var forecast: NetworkForecast

    /// Writes the files into `out` as one set (``AtomicDirectory``; forecast.json last).
    func write(to out: String, backtest: Bool) throws {
        var files = [(name: "forecasts.csv", data: Data(forecastsCSV().utf8)),
                     (name: "rollup.csv", data: Data(rollupCSV().utf8))]
        if backtest { files.append((name: "accuracy.csv", data: Data(accuracyCSV().utf8))) }
        do {
            files.append((name: "forecast.json", data: Data(try summaryJSON().utf8)))
            try AtomicDirectory.write(files, to: out, last: "forecast.json", optional: ["accuracy.csv"])
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
    }

    func date(_ offset: Int) -> String { forecast.firstDay.advanced(by: offset).description }

    func forecastsCSV() -> String {
        var s = "station,product,date,volume_m3,p10,p50,p90,method\n"
        for f in forecast.stations {
            let station = csvField(network.nodes[f.station].id), product = csvField(network.products[f.product].id)
            let p10 = f.result.quantile(0.1) ?? f.result.forecast
            let p50 = f.result.quantile(0.5) ?? f.result.forecast
            let p90 = f.result.quantile(0.9) ?? f.result.forecast
            let method = csvField(f.result.method)
            for k in 0 ..< f.result.forecast.count {
                s += "\(station),\(product),\(date(k)),\(formatDecimal(f.result.forecast[k])),"
                s += "\(formatDecimal(p10[k])),\(formatDecimal(p50[k])),\(formatDecimal(p90[k])),\(method)\n"
            }
        }
        return s
    }

    func rollupCSV() -> String {
        var s = "node,kind,product,date,volume_m3\n"
        for r in forecast.rollup {
            let node = network.nodes[r.node]
            s += "\(csvField(node.id)),\(node.kind.rawValue),\(csvField(network.products[r.product].id)),"
            s += "\(date(r.dayOffset)),\(formatDecimal(r.volume))\n"
        }
        return s
    }

    func accuracyCSV() -> String {
        var s = "station,product,method,mase,smape,bias,origins\n"
        for f in forecast.stations {
            guard let a = f.result.accuracy else { continue }
            s += "\(csvField(network.nodes[f.station].id)),\(csvField(network.products[f.product].id)),"
            s += "\(csvField(f.result.method)),\(formatDecimal(a.mase, decimals: 4)),\(formatDecimal(a.smape, decimals: 4)),"
            s += "\(formatDecimal(a.bias, decimals: 4)),\(a.origins)\n"
        }
        return s
    }

    func summaryJSON() throws -> String {
        var methods: [String: Int] = [:]
        for f in forecast.stations { methods[f.result.method, default: 0] += 1 }
        var object: [String: Any] = [
            "first_date": forecast.firstDay.description,
            "horizon_days": forecast.horizon,
            "series": forecast.stations.count,
            "methods_chosen": methods,
            "without_history": forecast.withoutHistory.map {
                ["station": network.nodes[$0.station].id, "product": network.products[$0.product].id]
            },
        ]
        if let a = forecast.overallAccuracy {
            object["backtest"] = ["mase": a.mase, "smape": a.smape, "bias": a.bias]
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
