import ArgumentParser
import Dispatch
import Forecasting
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `fuelflow forecast-series FILE.csv… --horizon H --season M [--method …] [--backtest K] [--json]`
///
/// Thin: read each file, call `Forecasting`, print. Several files are forecast in parallel
/// and printed in argument order (CSV gains a leading `series` column; JSON becomes one
/// object per line) — the batch mode the benchmark uses to amortise process start.
struct ForecastSeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast-series",
        abstract: "Forecast a single `date,value` series (any regular frequency).",
        discussion: """
        Reads FILE.csv with columns date,value (header optional; dates yyyy-MM-dd, \
        yyyy-MM-dd HH:mm:ss or integer periods, at a regular step inferred from the first \
        two rows) and forecasts the H periods after the last row. Prints CSV \
        date,forecast,p10,p90, or with --json one object with method, forecast, p10, p50, \
        p90 and (with --backtest K) accuracy {mase, smape, bias}. Warnings go to stderr.
        """
    )

    @Argument(help: "Series CSV file(s) `date,value`.")
    var files: [String]

    @Option(name: .long, help: "Number of periods to forecast.")
    var horizon: Int

    @Option(name: .long, help: "Season length in periods (7 for daily data, 12 for monthly, 1 for none).")
    var season: Int = 1

    @Option(name: .long, help: "auto, ets, ses, holt, hw, hwm, ETS(A,Ad,A), ETS(M,Ad,M), naive, snaive, ma, maN, theta, croston, sba, tsb, combo.")
    var method: String = "auto"

    @Option(name: .long, help: "Report rolling-origin accuracy over K origins.")
    var backtest: Int = 0

    @Option(name: .long, help: "Quantile levels, comma separated (p10 and p90 are always printed in CSV).")
    var quantiles: String = "0.1,0.5,0.9"

    @Option(name: .long, help: "holidays.csv (`date,name`): learn one effect per holiday name (daily series).")
    var holidays: String?

    @Flag(name: .long, help: "Also try multiplicative-error ETS models in auto/ets (slower).")
    var multiplicativeErrors = false

    @Flag(name: .long, help: "Print JSON instead of CSV.")
    var json = false

    @Flag(name: .long, help: "Allow negative forecasts (data that is not demand).")
    var allowNegative = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one series file") }
        guard horizon >= 1 && horizon <= SeriesFile.maxHorizon else {
            throw ValidationError("--horizon must be within 1...\(SeriesFile.maxHorizon)")
        }
        guard season >= 1 else { throw ValidationError("--season must be at least 1") }
        guard backtest >= 0 else { throw ValidationError("--backtest must be 0 or more") }
        guard ForecastMethod(name: method) != nil else { throw ValidationError("unknown --method `\(method)`") }
        guard parsedQuantiles() != nil else { throw ValidationError("--quantiles must be distinct numbers in (0, 1)") }
    }

    func parsedQuantiles() -> [Double]? {
        var q: [Double] = []
        for part in quantiles.split(separator: ",") {
            guard let v = Double(part.trimmingPrefix(" ")), v > 0, v < 1, !q.contains(v) else { return nil }
            q.append(v)
        }
        for v in [0.1, 0.5, 0.9] where !q.contains(v) { q.append(v) }
        return q
    }

    func run() throws {
        var parsed: [SeriesFile] = []
        var calendar: HolidayCalendar? = nil
        do {
            for file in files { parsed.append(try SeriesFile.parse(try readText(file), file: file)) }
            if let holidays { calendar = try HolidayCalendar.parseCSV(try readText(holidays), file: holidays).calendar }
        } catch let e as SeriesFileError {
            printErr(e.description)
            throw ExitCode(1)
        }
        var options = ForecastOptions(horizon: horizon, seasonLength: season,
                                      method: ForecastMethod(name: method)!,
                                      quantiles: parsedQuantiles()!, backtestOrigins: backtest,
                                      nonNegative: !allowNegative)
        if multiplicativeErrors { options.etsCandidates = ForecastOptions.allETSCandidates }
        let results: [SeriesForecast]
        if let calendar {
            for (i, p) in parsed.enumerated() where p.holidayIndices(calendar) == nil {
                printErr("\(files[i]): warning: holidays apply to daily series only; ignored")
            }
            let cals = parsed.map { $0.holidayIndices(calendar) }
            results = Forecaster.forecastMany(values: parsed.map(\.values), options: options, holidays: cals)
        } else {
            results = Forecaster.forecastMany(values: parsed.map(\.values), options: options)
        }
        let batch = files.count > 1
        var out = ""
        for (i, f) in results.enumerated() {
            for w in f.warnings { printErr("\(files[i]): warning: \(w)") }
            if parsed[i].filledGaps > 0 {
                printErr("\(files[i]): warning: \(parsed[i].filledGaps) missing period(s) in the dates treated as missing values")
            }
            let labels = parsed[i].futureLabels(horizon)
            if json {
                out += SeriesFile.renderJSON(f, labels: labels, file: batch ? files[i] : nil) + "\n"
            } else {
                out += SeriesFile.renderCSV(f, labels: labels, series: batch ? files[i] : nil, header: i == 0)
            }
        }
        print(out, terminator: "")
        if batch && backtest > 0, let overall = Accuracy.mean(results.compactMap(\.accuracy)) {
            let n = results.filter { $0.accuracy != nil }.count
            printErr("overall backtest over \(n) series: MASE \(overall.mase), sMAPE \(overall.smape), bias \(overall.bias)")
        }
    }

    func readText(_ path: String) throws -> String {
        guard let fp = fopen(path, "rb") else {
            throw SeriesFileError(file: path, line: 1, column: 1, message: "cannot open file")
        }
        defer { fclose(fp) }
        var info = stat()
        if fstat(fileno(fp), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw SeriesFileError(file: path, line: 1, column: 1, message: "is a folder, not a series file")
        }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buf, 1, buf.count, fp)
            if n <= 0 { break }
            bytes.append(contentsOf: buf[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func printErr(_ s: String) {
        let line = s + "\n"
        line.withCString { _ = write(2, $0, strlen($0)) }
    }
}
