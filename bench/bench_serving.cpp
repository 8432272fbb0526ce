// Queries simulated per second by the serving simulator (docs/SERVING.md):
// one million queries per strategy, 12 base instances, k = 2, exponential-ish
// service with interference, median of 5 runs each.
#include "BenchArgs.h"
#include "BenchStats.h"

#include "serving/ServingSimulator.h"

#include <chrono>
#include <cstdio>
#include <random>

using namespace parity::serving;

int main(int argc, char** argv)
{
    const parity::bench::BenchArgs args(argc, argv, "[QUERIES]");
    const int64_t queries = args.integer64("", 1000000, 1);
    std::mt19937_64 rng(1);
    std::exponential_distribution<double> d(1.0 / 5.0);
    std::vector<double> samples(10000);
    for (double& s : samples)
        s = 0.5 + d(rng);
    ServiceTimes times{ServiceDistribution(samples, "base"), ServiceDistribution(samples, "parity"),
                       ServiceDistribution::constant(0.05), ServiceDistribution::constant(0.05)};
    SimulationOptions o;
    o.queries = queries;
    o.rate = 0.3 * 12 * 1000 / 5.5;
    o.interference.slowFraction = 0.1;
    o.interference.slowdown = 5;
    o.interference.slowPeriodMs = 550;
    std::printf("%lld queries per run, 12 base instances, k = 2, median of 5 runs\n", (long long)queries);
    for (const Balancing b : {Balancing::RoundRobin, Balancing::SharedQueue})
        for (const Strategy s :
             {Strategy::None, Strategy::Replication, Strategy::Parity, Strategy::Berrut, Strategy::ReplicateAll}) {
            o.balancing = b;
            std::vector<double> rates;
            double p999 = 0;
            for (int run = 0; run < 5; ++run) {
                o.seed = uint64_t(run + 1);
                const auto t0 = std::chrono::steady_clock::now();
                const StrategyResult r = simulate(s, times, o);
                const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                rates.push_back(double(queries) / sec);
                p999 = r.p999Ms;
            }
            std::printf("%-8s %-14s %6.2f M queries/s   (p99.9 %.2f ms)\n",
                        b == Balancing::RoundRobin ? "rr" : "shared", strategyName(s, 1).c_str(),
                        parity::bench::median(rates) / 1e6, p999);
        }
    return 0;
}
