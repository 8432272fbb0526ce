#include "serve/ServingJob.h"

#include "io/ResultWriter.h"
#include "util/Error.h"

#include <exception>
#include <sstream>

namespace parity::gui {

using namespace parity::serving;

ServingOutcome runServing(ServingRequest request, ServingProgress& progress)
{
    ServingOutcome out;
    try {
        if (request.measured) {
            out.run = std::move(*request.measured);
        } else {
            progress.measuring = true;
            out.run = measureRun(request.runDir, request.repetitions, 1);
            progress.measuring = false;
        }
        if (progress.cancel) {
            out.cancelled = true;
            return out;
        }
        const RunConfig& c = out.run.config;
        SimulationOptions sim = request.options;
        if (sim.rate <= 0)
            sim.rate = defaultRate(out.run.times, sim.baseInstances);
        if (sim.interference.slowPeriodMs <= 0)
            sim.interference.slowPeriodMs = defaultSlowPeriodMs(out.run.times);
        adoptRunCode(out.run, sim);
        out.accuracy = accuracyOf(request.runDir, c.k, sim.k);
        out.options = sim;
        out.trials = request.trials;
        const std::vector<Strategy> strategies = strategiesFor(out.run.berrut);
        for (const Strategy s : strategies)
            checkOptions(s, out.run.times, sim);

        progress.trialsTotal = int(strategies.size()) * request.trials * int(1 + request.sweepRates.size());
        const auto cancelled = [&progress] {
            if (progress.cancel)
                return true;
            ++progress.trialsBegun;
            return false;
        };
        for (const Strategy s : strategies) {
            out.strategies.push_back(runTrials(s, out.run.times, sim, request.trials, out.accuracy, true, cancelled));
            if (progress.cancel) {
                out.cancelled = true;
                return out;
            }
        }
        for (const double rate : request.sweepRates) {
            ServingSweepPoint point;
            point.rate = rate;
            SimulationOptions at = sim;
            at.rate = rate;
            for (const Strategy s : strategies) {
                point.strategies.push_back(
                    runTrials(s, out.run.times, at, request.trials, out.accuracy, false, cancelled));
                if (progress.cancel) {
                    out.cancelled = true;
                    return out;
                }
            }
            out.sweep.push_back(std::move(point));
        }
    } catch (const std::exception& e) {
        out.error = e.what();
    }
    progress.measuring = false;
    return out;
}

std::vector<double> sweepRatesFor(const ServiceTimes& times, int baseInstances)
{
    std::vector<double> rates;
    if (times.base.empty() || baseInstances < 1)
        return rates;
    const double capacity = capacityPerSecond(times, baseInstances);
    for (int tenth = 1; tenth <= 9; ++tenth)
        rates.push_back(capacity * tenth / 10.0);
    return rates;
}

std::string sweepCsv(const std::vector<ServingSweepPoint>& sweep)
{
    std::ostringstream csv;
    csv << "rate_per_s,strategy,load,median_ms,p99_ms,p99_9_ms,p99_9_ci_ms,reconstructed_fraction,served_accuracy\n";
    for (const ServingSweepPoint& point : sweep)
        for (const TrialSummary& s : point.strategies) {
            csv << pythonFloatRepr(point.rate) << ',' << s.last.strategy << ',' << pythonFloatRepr(s.last.load) << ','
                << pythonFloatRepr(s.estimate("median").mean) << ',' << pythonFloatRepr(s.estimate("p99").mean) << ','
                << pythonFloatRepr(s.estimate("p99.9").mean) << ',' << pythonFloatRepr(s.estimate("p99.9").halfWidth)
                << ',' << pythonFloatRepr(s.estimate("reconstructed").mean) << ','
                << (s.hasAccuracy() ? pythonFloatRepr(s.estimate("accuracy").mean) : std::string()) << '\n';
        }
    return csv.str();
}

} // namespace parity::gui
