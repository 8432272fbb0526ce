#include "serving/ServingStudy.h"

#include "events/MetricNames.h"
#include "io/ResultWriter.h"
#include "io/RunDirectory.h"

#include <cmath>
#include <sstream>

namespace parity::serving {

RunAccuracy accuracyOf(const std::string& runDir, int runK, int k)
{
    RunAccuracy acc;
    try {
        const RunContents run = RunDirectory(runDir).read();
        for (const auto& b : run.baseAccuracies)
            if (b.split == "test")
                acc.base = b.accuracy();
        if (runK == k && !run.epochs.empty() && run.epochs.back().splits.count("test")) {
            const SplitMetrics& test = run.epochs.back().splits.at("test");
            for (int e = 0; e <= 16; ++e) {
                const auto it = test.accuracy.find(erasedMetricName("overall_top1", e));
                if (it != test.accuracy.end())
                    acc.decoded[e] = it->second;
            }
        }
    } catch (const std::exception&) {
        // No metrics: the latencies stand on their own.
    }
    return acc;
}

std::optional<double> servedAccuracy(const StrategyResult& result, const RunAccuracy& accuracy)
{
    if (!accuracy.base || result.queries <= 0)
        return std::nullopt;
    double decodedShare = 0, sum = 0;
    for (size_t e = 0; e < result.decodedByErased.size(); ++e) {
        if (!result.decodedByErased[e])
            continue;
        const auto it = accuracy.decoded.find(int(e));
        if (it == accuracy.decoded.end())
            return std::nullopt;
        const double share = double(result.decodedByErased[e]) / double(result.queries);
        decodedShare += share;
        sum += share * it->second;
    }
    return sum + (1.0 - decodedShare) * *accuracy.base;
}

double defaultRate(const ServiceTimes& times, int baseInstances)
{
    return 0.3 * capacityPerSecond(times, baseInstances);
}

double capacityPerSecond(const ServiceTimes& times, int baseInstances)
{
    return baseInstances * 1000.0 / times.base.mean();
}

double defaultSlowPeriodMs(const ServiceTimes& times) { return 100.0 * times.base.mean(); }

Estimate TrialSummary::estimate(const std::string& key) const
{
    const auto it = trials.find(key);
    return it == trials.end() ? Estimate{} : estimateOf(it->second);
}

bool TrialSummary::hasAccuracy() const
{
    const auto it = trials.find("accuracy");
    return trialCount > 0 && it != trials.end() && it->second.size() == size_t(trialCount);
}

TrialSummary runTrials(Strategy strategy, const ServiceTimes& times, const SimulationOptions& options, int trials,
                       const RunAccuracy& accuracy, bool keepLatencies, const std::function<bool()>& cancelled)
{
    TrialSummary s;
    for (int t = 0; t < trials; ++t) {
        if (cancelled && cancelled())
            break;
        SimulationOptions trial = options;
        trial.seed = options.seed + uint64_t(t);
        s.last = simulate(strategy, times, trial, keepLatencies && t == trials - 1);
        s.trials["median"].push_back(s.last.medianMs);
        s.trials["mean"].push_back(s.last.meanMs);
        s.trials["p99"].push_back(s.last.p99Ms);
        s.trials["p99.5"].push_back(s.last.p995Ms);
        s.trials["p99.9"].push_back(s.last.p999Ms);
        s.trials["reconstructed"].push_back(s.last.reconstructedFraction);
        if (const auto a = servedAccuracy(s.last, accuracy))
            s.trials["accuracy"].push_back(*a);
        ++s.trialCount;
    }
    return s;
}

namespace {
const char* const kLatencyKeys[] = {"median", "mean", "p99", "p99.5", "p99.9"};
}

std::string summaryCsvHeader()
{
    return "strategy,instances,queries,trials,median_ms,median_ci_ms,mean_ms,mean_ci_ms,p99_ms,p99_ci_ms,"
           "p99_5_ms,p99_5_ci_ms,p99_9_ms,p99_9_ci_ms,reconstructed_fraction,load,served_accuracy\n";
}

std::string summaryCsvRow(const TrialSummary& s)
{
    std::ostringstream csv;
    csv << s.last.strategy << ',' << s.last.instances << ',' << s.last.queries << ',' << s.trialCount;
    for (const char* key : kLatencyKeys) {
        const Estimate e = s.estimate(key);
        csv << ',' << pythonFloatRepr(e.mean) << ',' << pythonFloatRepr(e.halfWidth);
    }
    csv << ',' << pythonFloatRepr(s.estimate("reconstructed").mean) << ','
        << (std::isfinite(s.last.load) ? pythonFloatRepr(s.last.load) : std::string()) << ','
        << (s.hasAccuracy() ? pythonFloatRepr(s.estimate("accuracy").mean) : std::string()) << '\n';
    return csv.str();
}

nlohmann::json summaryJson(const TrialSummary& s)
{
    nlohmann::json j = {{"strategy", s.last.strategy},
                        {"instances", s.last.instances},
                        {"queries", s.last.queries},
                        {"trials", s.trialCount},
                        {"load", s.last.load},
                        {"queue_growth_ms", s.last.queueGrowthMs},
                        {"reconstructed", s.estimate("reconstructed").mean}};
    for (const char* key : kLatencyKeys) {
        const Estimate e = s.estimate(key);
        const auto it = s.trials.find(key);
        j[std::string(key) + "_ms"] = {{"mean", e.mean},
                                       {"ci95_half_width", e.halfWidth},
                                       {"trials", it == s.trials.end() ? std::vector<double>{} : it->second}};
    }
    j["served_accuracy"] = s.hasAccuracy() ? nlohmann::json(s.estimate("accuracy").mean) : nlohmann::json();
    return j;
}

} // namespace parity::serving
