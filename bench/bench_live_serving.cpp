// The live validation mode against the simulator (docs/SERVING.md, "Live
// validation"): each strategy served live on a run's real models, then
// simulated on the service times the live workers measured, with the same
// arrivals and interference; medians over repetitions (seeds 1, 2, ...).
//
//   parity_bench_live_serving [RUN_DIR] [--queries N] [--repetitions R]
//                             [--instances M] [--load L]
//
// Without RUN_DIR it trains the live test's tiny resnet18 run (generated
// data, a temporary directory). Defaults: 1000 queries, 3 repetitions,
// m = 2, load 0.3 with the slowdowns, a tenth of the instances slowed 4x in
// periods of 10 base services (the live test's settings).
#include "BenchArgs.h"
#include "BenchStats.h"
#include "support/TinyServingRun.h"

#include "serving/LiveServing.h"
#include "serving/ServedModels.h"
#include "serving/ServiceMeasurement.h"
#include "util/Error.h"
#include "util/MachineReport.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

using namespace parity;
using namespace parity::serving;

namespace {

struct Figures {
    std::vector<double> live, simulated;
    void add(double l, double s)
    {
        live.push_back(l);
        simulated.push_back(s);
    }
    // Median live, median simulated, median of the ratios.
    void print() const
    {
        std::vector<double> ratios;
        for (size_t i = 0; i < live.size(); ++i)
            ratios.push_back(live[i] / simulated[i]);
        std::printf("  %8.3f %8.3f %6.3f", bench::median(live), bench::median(simulated), bench::median(ratios));
    }
};

} // namespace

int main(int argc, char** argv)
{
    const bench::BenchArgs args(argc, argv, "[RUN_DIR] [--queries N] [--repetitions R] [--instances M] [--load L]");
    std::string runDir = args.positional(""); // empty: a tiny run trained here
    const int64_t queries = args.integer64("--queries", 1000, 1);
    const int repetitions = args.integer("--repetitions", 3, 1);
    const int instances = args.integer("--instances", 2, 1);
    const double load = args.positive("--load", 0.3);
    try {
        std::unique_ptr<test::TempDir> tmp;
        if (runDir.empty()) {
            tmp = std::make_unique<test::TempDir>();
            std::printf("training the tiny resnet18 run in %s ...\n", tmp->path().c_str());
            runDir = test::trainTinyServingRun(*tmp).runDir();
        }
        const MeasuredRun measured = measureRun(runDir, 50, 1);
        const double baseMs = measured.times.base.mean();
        const ServedModels models = loadServedModels(runDir, kLiveSamples, 1);
        SimulationOptions o;
        o.baseInstances = instances;
        o.k = models.config.k;
        o.r = models.config.r;
        o.decodable = measured.decodable;
        o.queries = queries;
        o.interference.slowFraction = 0.1;
        o.interference.slowdown = 4;
        o.interference.slowPeriodMs = 10 * baseMs;
        o.rate = load * instances * 1000.0 / (baseMs * (1 + 0.1 * 3)); // the load with the slowdowns
        std::printf("run: %s (k = %d, r = %d), base model %.3f ms at batch 1\n", runDir.c_str(), o.k, o.r, baseMs);
        std::printf("cpu: %s\n", machineJson(currentThreadSettings())["cpu"].dump().c_str());
        std::printf("m = %d, load %.2f (%.1f queries/s), a tenth of the instances slowed 4x in %.1f ms periods; "
                    "%lld queries, median of %d repetitions\n",
                    instances, load, o.rate, o.interference.slowPeriodMs, (long long)queries, repetitions);
        std::printf("%-14s  %8s %8s %6s  %8s %8s %6s  %8s %8s %6s  %s\n", "strategy", "med live", "sim", "ratio",
                    "p99 live", "sim", "ratio", "p999 live", "sim", "ratio", "reconstructed live/sim");
        for (const Strategy s : strategiesFor(models.berrut)) {
            Figures median, p99, p999;
            std::vector<double> rebuiltLive, rebuiltSim;
            for (int rep = 0; rep < repetitions; ++rep) {
                o.seed = uint64_t(rep + 1);
                const LiveResult live = serveLive(models, s, o);
                const StrategyResult sim = simulate(s, live.observed, o);
                median.add(live.result.medianMs, sim.medianMs);
                p99.add(live.result.p99Ms, sim.p99Ms);
                p999.add(live.result.p999Ms, sim.p999Ms);
                rebuiltLive.push_back(live.result.reconstructedFraction);
                rebuiltSim.push_back(sim.reconstructedFraction);
            }
            std::printf("%-14s", strategyName(s, o.r).c_str());
            median.print();
            p99.print();
            p999.print();
            std::printf("  %.4f / %.4f\n", bench::median(rebuiltLive), bench::median(rebuiltSim));
        }
    } catch (const Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
