// The serving simulator (docs/SERVING.md) against queueing theory and
// hand-computed schedules.
#include "support/ErrorOf.h"

#include "serving/ServingSimulator.h"
#include "serving/ServingStudy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace parity::serving;

namespace {

ServiceDistribution exponentialSamples(double meanMs, int count, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> d(1.0 / meanMs);
    std::vector<double> v(static_cast<size_t>(count));
    for (double& x : v)
        x = d(rng);
    return ServiceDistribution(v, "exponential");
}

ServiceTimes constantTimes(double base, double parity, double encoder, double decoder)
{
    return {ServiceDistribution::constant(base), ServiceDistribution::constant(parity),
            ServiceDistribution::constant(encoder), ServiceDistribution::constant(decoder)};
}

} // namespace

// M/M/1 with utilisation 0.5: the sojourn time is exponential with rate
// mu - lambda, so mean 2 ms, median ln 2 / 0.5, p99 ln 100 / 0.5.
TEST(ServingSimulator, OneInstanceIsAnMM1Queue)
{
    ServiceTimes times;
    times.base = exponentialSamples(1.0, 200000, 5);
    SimulationOptions o;
    o.baseInstances = 1;
    o.k = 1;
    o.rate = 500; // 0.5 per ms
    o.queries = 400000;
    o.seed = 3;
    const StrategyResult r = simulate(Strategy::None, times, o);
    EXPECT_NEAR(r.meanMs, 2.0, 0.1);
    EXPECT_NEAR(r.medianMs, std::log(2.0) / 0.5, 0.08);
    EXPECT_NEAR(r.p99Ms, std::log(100.0) / 0.5, 0.5);
    EXPECT_NEAR(r.load, 0.5, 0.01);
    EXPECT_EQ(r.instances, 1);
    EXPECT_EQ(r.reconstructedFraction, 0.0);
}

// A shared queue never lets a query wait behind a busy instance while
// another is free: its mean and tail are below round-robin's.
TEST(ServingSimulator, ASharedQueueWaitsLessThanRoundRobin)
{
    ServiceTimes times;
    times.base = exponentialSamples(1.0, 100000, 7);
    SimulationOptions o;
    o.baseInstances = 4;
    o.rate = 3000; // load 0.75
    o.queries = 200000;
    const StrategyResult roundRobin = simulate(Strategy::None, times, o);
    o.balancing = Balancing::SharedQueue;
    const StrategyResult shared = simulate(Strategy::None, times, o);
    EXPECT_LT(shared.meanMs, roundRobin.meanMs);
    EXPECT_LT(shared.p999Ms, roundRobin.p999Ms);
}

TEST(ServingSimulator, TheSameSeedGivesTheSameResult)
{
    ServiceTimes times = constantTimes(2, 2, 0.1, 0.1);
    times.base = exponentialSamples(2.0, 1000, 1);
    SimulationOptions o;
    o.interference.slowFraction = 0.2;
    o.interference.slowdown = 5;
    o.queries = 20000;
    const StrategyResult a = simulate(Strategy::Parity, times, o);
    const StrategyResult b = simulate(Strategy::Parity, times, o);
    EXPECT_EQ(a.p999Ms, b.p999Ms);
    EXPECT_EQ(a.meanMs, b.meanMs);
    o.seed = 2;
    EXPECT_NE(simulate(Strategy::Parity, times, o).meanMs, a.meanMs);
}

// k = 1: the parity query is the query itself on a faster parity model, so
// every answer comes from it: base 10 ms each on one instance (done 10, 20,
// 30), parity 2 ms after a 1 ms encoding (done 3, 5, 7), decoding 1 ms.
TEST(ServingSimulator, AReconstructionAnswersWhenItIsFirst)
{
    SimulationOptions o;
    o.baseInstances = 1;
    o.k = 1;
    o.arrivalsMs = {0, 0, 0};
    const StrategyResult r = simulate(Strategy::Parity, constantTimes(10, 2, 1, 1), o, true);
    EXPECT_EQ(r.latenciesMs, (std::vector<double>{4, 6, 8}));
    EXPECT_EQ(r.reconstructedFraction, 1.0);
    EXPECT_EQ(r.decodedByErased[1], 3);
    EXPECT_EQ(r.instances, 2);
    // With a slow parity model its own prediction is first every time.
    const StrategyResult slow = simulate(Strategy::Parity, constantTimes(10, 30, 1, 1), o, true);
    EXPECT_EQ(slow.latenciesMs, (std::vector<double>{10, 20, 30}));
    EXPECT_EQ(slow.reconstructedFraction, 0.0);
}

// k = 2 on 3 base instances, round-robin: q3 queues behind q0 on instance 0
// (done at 20 ms), while its partner q2 (10 ms) and the group's parity
// (coded at 1 ms, done at 3 ms) are back: q3 is rebuilt at 10 + 1 ms. No
// other query gains: each needs a partner that returns at 10 ms or later.
TEST(ServingSimulator, AMissingQueryNeedsTheOthersAndTheParity)
{
    SimulationOptions o;
    o.baseInstances = 3;
    o.k = 2;
    o.arrivalsMs = {0, 0, 0, 0};
    const StrategyResult r = simulate(Strategy::Parity, constantTimes(10, 2, 1, 1), o, true);
    EXPECT_EQ(r.latenciesMs, (std::vector<double>{10, 10, 10, 11}));
    EXPECT_EQ(r.reconstructedFraction, 0.25);
    EXPECT_EQ(r.instances, 5); // 3 base + 2 parity
}

// A decodability table that decodes nothing: no query is ever rebuilt, however
// slow its own instance.
TEST(ServingSimulator, TheDecodabilityTableDecides)
{
    ServiceTimes times = constantTimes(5, 1, 0.05, 0.05);
    SimulationOptions o;
    o.r = 2;
    o.queries = 20000;
    o.interference.slowFraction = 0.3;
    o.interference.slowdown = 20;
    EXPECT_GT(simulate(Strategy::Parity, times, o).reconstructedFraction, 0.0);
    o.decodable.assign(size_t(1) << (o.k + o.r), 0);
    for (uint32_t returned = 0; returned < 4; ++returned)
        o.decodable[returned] = 1; // nothing missing
    EXPECT_EQ(simulate(Strategy::Parity, times, o).reconstructedFraction, 0.0);
}

// Berrut, k = 2, r = 1 on 3 + 2 workers: the second group's third coded query
// waits behind the first group on worker 0 (done at 21 ms); the group is
// decoded from its first two (11 ms) plus 1 ms, not from all three.
TEST(ServingSimulator, BerrutDecodesFromTheFirstKNotFromAll)
{
    SimulationOptions o;
    o.baseInstances = 3;
    o.arrivalsMs = {0, 0, 0, 0};
    const StrategyResult r = simulate(Strategy::Berrut, constantTimes(10, 10, 1, 1), o, true);
    EXPECT_EQ(r.latenciesMs, (std::vector<double>{12, 12, 12, 12}));
    EXPECT_EQ(r.instances, 5);
    EXPECT_EQ(r.decodedByErased[1], 4);
}

// Berrut, k = 2, r = 1: the group waits for its second query (5 ms), codes
// it (1 ms), three workers answer after 10 ms, decoding takes 1 ms.
TEST(ServingSimulator, BerrutAnswersAGroupFromItsFirstKWorkers)
{
    SimulationOptions o;
    o.baseInstances = 2;
    o.arrivalsMs = {0, 5};
    const StrategyResult r = simulate(Strategy::Berrut, constantTimes(10, 10, 1, 1), o, true);
    EXPECT_EQ(r.latenciesMs, (std::vector<double>{17, 12}));
    EXPECT_EQ(r.decodedByErased[1], 2); // one of three workers left out
    EXPECT_EQ(r.instances, 3);
    EXPECT_EQ(r.reconstructedFraction, 1.0);
}

// The paper's effect: with instances slowed at random, ParM's tail is far
// below no redundancy's and below equal-resources replication's.
TEST(ServingSimulator, ParityCutsTheTailUnderInterference)
{
    ServiceTimes times = constantTimes(5, 5, 0.05, 0.05);
    times.base = ServiceDistribution(std::vector<double>{4, 5, 5, 6}, "base");
    SimulationOptions o;
    o.baseInstances = 12;
    o.k = 2;
    o.rate = 600; // load 0.25 on the base instances
    o.queries = 100000;
    o.interference.slowFraction = 0.1;
    o.interference.slowdown = 10;
    o.interference.slowPeriodMs = 200;
    const StrategyResult none = simulate(Strategy::None, times, o);
    const StrategyResult replication = simulate(Strategy::Replication, times, o);
    const StrategyResult parm = simulate(Strategy::Parity, times, o);
    EXPECT_LT(parm.p999Ms, 0.6 * none.p999Ms) << parm.p999Ms << " vs " << none.p999Ms;
    EXPECT_LT(parm.p999Ms, replication.p999Ms);
    EXPECT_GT(parm.reconstructedFraction, 0.0);
    EXPECT_LT(parm.reconstructedFraction, 0.5);
    EXPECT_EQ(parm.instances, replication.instances);
}

// The load rests on the arrivals' own rate; traced arrivals that span no
// time have none, and no overload is claimed for them.
TEST(ServingSimulator, ALoadNeedsArrivalsThatSpanTime)
{
    const ServiceTimes times = constantTimes(4, 4, 1, 1);
    SimulationOptions o;
    o.baseInstances = 2;
    o.arrivalsMs = {0, 0, 0, 0};
    EXPECT_TRUE(std::isinf(simulate(Strategy::None, times, o).load));
    o.arrivalsMs = {7};
    EXPECT_TRUE(std::isnan(simulate(Strategy::None, times, o).load));
    o.arrivalsMs = {0, 2, 4}; // one per 2 ms on 2 instances of 4 ms
    EXPECT_DOUBLE_EQ(simulate(Strategy::None, times, o).load, 1.0);
    o.arrivalsMs.clear();
    o.queries = 1; // a single Poisson arrival: the rate asked for
    o.rate = 250;
    EXPECT_DOUBLE_EQ(simulate(Strategy::None, times, o).load, 0.5);
}

// Offered more than it can serve, the simulation still ends, says the load
// is above 1 and shows the queue growing.
TEST(ServingSimulator, OverloadShowsTheQueueGrowing)
{
    SimulationOptions o;
    o.baseInstances = 2;
    o.rate = 1000; // 2 per 2 ms on 2 instances of 4 ms: load 2
    o.queries = 10000;
    const StrategyResult r = simulate(Strategy::None, constantTimes(4, 4, 1, 1), o);
    EXPECT_NEAR(r.load, 2.0, 0.1);
    EXPECT_GT(r.queueGrowthMs, 1000.0);
}

TEST(ServingSimulator, BadOptionsAreRefusedNamingTheOption)
{
    const ServiceTimes times = constantTimes(1, 1, 1, 1);
    const auto errorOf = [&](SimulationOptions o, Strategy s = Strategy::Parity) {
        return parity::test::errorOf([&] { (void)simulate(s, times, o); });
    };
    SimulationOptions o;
    o.baseInstances = 0;
    EXPECT_NE(errorOf(o).find("instances: 0"), std::string::npos);
    o = {};
    o.baseInstances = 2;
    o.k = 3;
    EXPECT_NE(errorOf(o).find("k: 3 is larger than the 2 base-model instances"), std::string::npos);
    o = {};
    o.rate = 0;
    EXPECT_NE(errorOf(o).find("rate: "), std::string::npos);
    o = {};
    o.interference.tail = Interference::Tail::Pareto;
    EXPECT_NE(errorOf(o).find("tail"), std::string::npos);
    o = {};
    o.interference.failureFraction = 1;
    EXPECT_NE(errorOf(o).find("failure-fraction"), std::string::npos);
    o = {};
    o.arrivalsMs = {0, 2, 1};
    EXPECT_NE(errorOf(o).find("arrivals: time 3"), std::string::npos);
    o = {};
    o.baseInstances = 40;
    o.k = 31;
    EXPECT_NE(errorOf(o).find("k: 31 with r = 1: a ParM group has at most 31 outputs"), std::string::npos);
    o = {};
    o.queries = kMostQueries + 1; // refused before anything is allocated
    EXPECT_NE(errorOf(o).find("queries: 100000001: 1 to 100000000 queries per trial"), std::string::npos);
    o = {};
    o.interference.failureFraction = 0.5;
    o.interference.failurePeriodMs = 1e-300; // 2^63 periods and more: refused, never an overflowed index
    EXPECT_NE(errorOf(o, Strategy::None).find("failure-period: 1e-300 ms is too short"), std::string::npos);
    o = {};
    o.decodable = {1, 0};
    EXPECT_NE(errorOf(o).find("decodability table: 2 entries"), std::string::npos);
    ServiceTimes baseOnly;
    baseOnly.base = ServiceDistribution::constant(1);
    EXPECT_NE(parity::test::errorOf([&] {
                  (void)simulate(Strategy::Parity, baseOnly, SimulationOptions{});
              }).find("needs the parity model's"),
              std::string::npos);
    EXPECT_NE(parity::test::errorOf([] {
                  ServiceDistribution({1, -2}, "base");
              }).find("base: service time -2"),
              std::string::npos);
}

TEST(ServingSimulator, PercentilesAndConfidenceIntervals)
{
    std::vector<double> v{4, 1, 3, 2};
    EXPECT_DOUBLE_EQ(percentile(v, 50), 2.5); // numpy.percentile([1, 2, 3, 4], 50)
    EXPECT_DOUBLE_EQ(percentile(v, 99.9), 3.997);
    EXPECT_DOUBLE_EQ(percentile(v, 0), 1);
    const Estimate e = estimateOf({1, 2, 3});
    EXPECT_DOUBLE_EQ(e.mean, 2);
    EXPECT_NEAR(e.halfWidth, 4.303 / std::sqrt(3.0), 1e-12);
    EXPECT_EQ(estimateOf({5}).halfWidth, 0);
}

// The served accuracy of several trials is a mean over all of them or none:
// at another k than the run's no decoded accuracy is known, so a trial that
// rebuilt a query has none, and the trials that rebuilt nothing (scored at
// the base accuracy) must not stand for the strategy on their own.
TEST(ServingStudy, ServedAccuracyIsKnownForEveryTrialOrNotAtAll)
{
    const ServiceTimes times = constantTimes(5, 1, 0.05, 0.05);
    SimulationOptions o;
    o.baseInstances = 2;
    o.k = 2;
    o.rate = 100;
    o.queries = 2; // one group: some seeds slow one of its instances, some none
    o.interference.slowFraction = 0.5;
    o.interference.slowdown = 10;
    const int trials = 16;

    RunAccuracy baseOnly;
    baseOnly.base = 0.9;
    const TrialSummary unknown = runTrials(Strategy::Parity, times, o, trials, baseOnly);
    const std::vector<double>& rebuilt = unknown.trials.at("reconstructed");
    ASSERT_EQ(rebuilt.size(), size_t(trials));
    ASSERT_TRUE(std::count(rebuilt.begin(), rebuilt.end(), 0.0) > 0) << "no trial without a reconstruction";
    ASSERT_TRUE(std::count(rebuilt.begin(), rebuilt.end(), 0.0) < trials) << "no trial with a reconstruction";
    EXPECT_FALSE(unknown.hasAccuracy());
    EXPECT_TRUE(summaryJson(unknown)["served_accuracy"].is_null());
    EXPECT_EQ(summaryCsvRow(unknown).back(), '\n');
    EXPECT_EQ(summaryCsvRow(unknown).substr(summaryCsvRow(unknown).size() - 2), ",\n"); // an empty last column

    RunAccuracy known = baseOnly;
    known.decoded[1] = 0.5;
    const TrialSummary all = runTrials(Strategy::Parity, times, o, trials, known);
    ASSERT_TRUE(all.hasAccuracy());
    double sum = 0;
    for (const double fraction : all.trials.at("reconstructed"))
        sum += fraction * 0.5 + (1 - fraction) * 0.9;
    EXPECT_NEAR(all.estimate("accuracy").mean, sum / trials, 1e-12);
    EXPECT_NEAR(summaryJson(all)["served_accuracy"].get<double>(), sum / trials, 1e-12);
}
