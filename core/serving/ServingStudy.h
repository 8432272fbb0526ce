#pragma once
// One serving comparison as parity-serve-sim and the workbench's Serving tab
// run it: the defaults derived from a run's measured times, repeated trials
// per strategy with their confidence intervals, the accuracy users would be
// served, and the CSV/JSON rows both write (docs/SERVING.md).
#include "serving/ServingSimulator.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parity::serving {

/// A run's accuracies from its last epoch's test metrics: the base model's,
/// and overall top-1 with e outputs missing. Empty when the run says nothing.
struct RunAccuracy {
    std::optional<double> base;
    std::map<int, double> decoded;
};
/// Simulating a run trained for `runK` at `k`: the accuracies of rebuilt
/// predictions are only known for the run's k (decoded stays empty at
/// another); the base model's hold for any k.
RunAccuracy accuracyOf(const std::string& runDir, int runK, int k);

/// The accuracy a strategy's users are served: each decoded query weighs the
/// run's accuracy with its e missing, every other query the base accuracy.
/// Empty when the run has no accuracy for an e that occurred.
std::optional<double> servedAccuracy(const StrategyResult& result, const RunAccuracy& accuracy);

/// The defaults of a paper-like setting on measured times: Poisson arrivals
/// at 30% of the m base instances' capacity, slowdowns lasting 100 base
/// services.
double defaultRate(const ServiceTimes& times, int baseInstances);
/// Queries per second the m base instances serve at the mean base time (no
/// redundancy, no interference).
double capacityPerSecond(const ServiceTimes& times, int baseInstances);
double defaultSlowPeriodMs(const ServiceTimes& times);

/// The statistics of one strategy over repeated trials (seeds seed..seed+n-1).
struct TrialSummary {
    StrategyResult last; ///< the last trial (its latencies when kept)
    /// Per trial: "median", "mean", "p99", "p99.5", "p99.9" (ms),
    /// "reconstructed" and, for the trials where it is known, "accuracy".
    std::map<std::string, std::vector<double>> trials;
    int trialCount = 0;

    Estimate estimate(const std::string& key) const;
    /// The served accuracy is known for every trial. A trial that decoded
    /// queries with a number of missing outputs the run has no accuracy for
    /// has none, and a mean over the other trials (those that happened to
    /// decode fewer) would not be the strategy's.
    bool hasAccuracy() const;
};

/// Runs `trials` trials of one strategy. `cancelled` is asked between
/// trials; when it says yes the summary holds the trials done so far
/// (trialCount says how many; none when it was asked before the first).
TrialSummary runTrials(Strategy strategy, const ServiceTimes& times, const SimulationOptions& options, int trials,
                       const RunAccuracy& accuracy, bool keepLatencies = false,
                       const std::function<bool()>& cancelled = {});

/// serving.csv: a header and one row per strategy (means and 95% CI
/// half-widths over the trials).
std::string summaryCsvHeader();
std::string summaryCsvRow(const TrialSummary& summary);
/// One strategy's entry in serving.json's "results".
nlohmann::json summaryJson(const TrialSummary& summary);

} // namespace parity::serving
