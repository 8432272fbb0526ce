// Issue 15, the live validation mode (docs/SERVING.md, "Live validation"):
// the run's real models served by worker threads with the simulator's
// arrivals and injected slowdowns agree with the simulator run on the service
// times those workers measured.
#include "support/ErrorOf.h"
#include "support/TinyServingRun.h"

#include "serving/LiveServing.h"
#include "serving/ServiceMeasurement.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace parity;
using namespace parity::serving;

namespace {

// The agreement asserted (docs/SERVING.md states the same): a live
// percentile within a relative tolerance of the simulated one, plus 1 ms for
// what the simulator leaves out per query (thread wake-ups, sleep overshoot,
// the frontend's hand-offs: tenths of a millisecond each). The median is
// tight; the p99 of 600 queries (their 6th largest) moves with the service
// times drawn in a few slowed periods, live and simulated alike.
constexpr double kMedianTolerance = 0.10;
constexpr double kP99Tolerance = 0.30;
constexpr double kAbsoluteToleranceMs = 1.0;
constexpr int kSittings = 2; // live runs at most, per strategy

bool agrees(double live, double simulated, double relative)
{
    return std::abs(live - simulated) <= relative * simulated + kAbsoluteToleranceMs;
}

class LiveServing : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_tmp = new test::TempDir;
        s_config = new RunConfig(test::trainTinyServingRun(*s_tmp));
        s_baseMs = measureRun(runDir(), 20, 1).times.base.mean();
    }
    static void TearDownTestSuite()
    {
        delete s_config;
        delete s_tmp;
    }
    static std::string runDir() { return s_config->runDir(); }

    // m = 2 base instances at 30% load, slowdowns included; a tenth of the
    // instances slowed 4x in periods of 10 base services.
    static SimulationOptions options()
    {
        SimulationOptions o;
        o.baseInstances = 2;
        o.k = 2;
        o.r = 1;
        o.queries = 600;
        o.seed = 11;
        o.interference.slowFraction = 0.1;
        o.interference.slowdown = 4;
        o.interference.slowPeriodMs = 10 * s_baseMs;
        o.rate = 0.3 * o.baseInstances * 1000.0 / (s_baseMs * (1 + 0.1 * 3));
        return o;
    }

    static test::TempDir* s_tmp;
    static RunConfig* s_config;
    static double s_baseMs;
};
test::TempDir* LiveServing::s_tmp = nullptr;
RunConfig* LiveServing::s_config = nullptr;
double LiveServing::s_baseMs = 0;

} // namespace

TEST_F(LiveServing, AgreesWithTheSimulatorOnTheTimesItMeasured)
{
    // 1800 queries: a p99 of 600 rests on 6 queries, and in two CI-like runs
    // it came out 1.36x and 1.42x the simulated one by chance alone.
    SimulationOptions o = options();
    o.queries = 1800;
    for (const Strategy strategy : {Strategy::None, Strategy::Parity}) {
        SCOPED_TRACE(strategyName(strategy, o.r));
        // A second sitting when the first falls outside the tolerance: the
        // live run shares the machine's 2 cores, and another process busy on
        // them (a build, a GUI walkthrough) put ParM's live p99 at 1.41x the
        // simulated one in one fresh-clone run and its median at 1.16x in
        // another; both passed alone. Two misses in a row fail.
        LiveResult live;
        StrategyResult sim;
        for (int sitting = 1;; ++sitting) {
            live = serveLive(runDir(), strategy, o);
            sim = simulate(strategy, live.observed, o);
            const StrategyResult& l = live.result;
            std::printf("[ live     ] %-5s median %.3f ms (simulated %.3f, ratio %.3f), p99 %.3f ms (simulated "
                        "%.3f, ratio %.3f), reconstructed %.3f (simulated %.3f), base %.3f ms, load %.2f, %.1f s, "
                        "sitting %d\n",
                        l.strategy.c_str(), l.medianMs, sim.medianMs, l.medianMs / sim.medianMs, l.p99Ms, sim.p99Ms,
                        l.p99Ms / sim.p99Ms, l.reconstructedFraction, sim.reconstructedFraction,
                        live.observed.base.mean(), l.load, live.wallSeconds, sitting);
            if (sitting == kSittings
                || (agrees(l.medianMs, sim.medianMs, kMedianTolerance) && agrees(l.p99Ms, sim.p99Ms, kP99Tolerance)))
                break;
        }
        const StrategyResult& l = live.result;
        ASSERT_EQ(l.queries, o.queries);
        ASSERT_EQ(l.latenciesMs.size(), size_t(o.queries));
        EXPECT_EQ(l.instances, strategy == Strategy::None ? 2 : 3);
        EXPECT_GT(live.wallSeconds, 0.0);
        EXPECT_GT(live.observed.base.samples().size(), size_t(o.queries / 2));
        EXPECT_TRUE(agrees(l.medianMs, sim.medianMs, kMedianTolerance))
            << l.medianMs << " live, " << sim.medianMs << " simulated";
        EXPECT_TRUE(agrees(l.p99Ms, sim.p99Ms, kP99Tolerance)) << l.p99Ms << " live, " << sim.p99Ms << " simulated";
        if (strategy == Strategy::Parity) {
            // The parity model answered for slowed instances, live as simulated.
            EXPECT_GT(l.reconstructedFraction, 0.0);
            EXPECT_EQ(live.observed.encoder.samples().size(), size_t(o.queries / o.k));
            EXPECT_FALSE(live.observed.decoder.empty());
        }

        // The tolerance is tight next to the slowdowns' effect: the same
        // simulation without them, or with them half as strong, is outside it.
        SimulationOptions calm = o;
        calm.interference.slowdown = 1;
        const StrategyResult unslowed = simulate(strategy, live.observed, calm);
        EXPECT_FALSE(agrees(l.p99Ms, unslowed.p99Ms, kP99Tolerance))
            << l.p99Ms << " live, " << unslowed.p99Ms << " without slowdowns";
        SimulationOptions weaker = o;
        weaker.interference.slowdown = 2;
        const StrategyResult halved = simulate(strategy, live.observed, weaker);
        std::printf("[ live     ] %-5s p99 simulated without slowdowns %.3f ms, slowed 2x %.3f ms\n",
                    l.strategy.c_str(), unslowed.p99Ms, halved.p99Ms);
        EXPECT_FALSE(agrees(l.p99Ms, halved.p99Ms, kP99Tolerance))
            << l.p99Ms << " live, " << halved.p99Ms << " slowed 2x";
    }
}

TEST_F(LiveServing, RefusesWhatItCannotServe)
{
    SimulationOptions o = options();
    o.baseInstances = 1; // simulate()'s checks, before anything is loaded
    EXPECT_NE(test::errorOf([&] {
                  serveLive(*s_tmp / "nowhere", Strategy::None, o);
              }).find("k: 2 is larger than the 1 base-model instances"),
              std::string::npos);
    o = options();
    o.interference.slowdown = 0.5;
    EXPECT_NE(test::errorOf([&] { serveLive(runDir(), Strategy::None, o); }).find("slowdown: must be a factor"),
              std::string::npos);
    EXPECT_NE(test::errorOf([&] {
                  serveLive(*s_tmp / "data", Strategy::None, options());
              }).find("no best.pth or current.pth"),
              std::string::npos);
    // The coded strategies serve the run's own code.
    EXPECT_NE(test::errorOf([&] { serveLive(runDir(), Strategy::Berrut, options()); }).find("is not a Berrut run"),
              std::string::npos);
    o = options();
    o.baseInstances = 3;
    o.k = 3;
    EXPECT_NE(test::errorOf([&] { serveLive(runDir(), Strategy::Parity, o); }).find("serves the run's own code, k = 2"),
              std::string::npos);
    // The same rules before anything is loaded (parity-serve-sim --live
    // checks every strategy before it serves the first).
    EXPECT_NE(test::errorOf([&] { checkLive(Strategy::Parity, 2, 1, o); }).find("serves the run's own code, k = 2"),
              std::string::npos);
    EXPECT_NO_THROW(checkLive(Strategy::None, 2, 1, o));
    o = options();
    o.baseInstances = 600; // replicate-all: 1200 worker threads
    EXPECT_NO_THROW(checkLive(Strategy::None, 2, 1, o));
    EXPECT_NE(test::errorOf([&] {
                  checkLive(Strategy::ReplicateAll, 2, 1, o);
              }).find("instances: 600: the live replicate-all strategy would start 1200 worker threads, at most 1024"),
              std::string::npos);
}

// Replication, replicate-all and a shared queue with failures run through the
// same workers: every query is answered, on as many instances as simulated.
TEST_F(LiveServing, ServesEveryStrategyAndBalancing)
{
    SimulationOptions o = options();
    o.queries = 60;
    o.balancing = Balancing::SharedQueue;
    o.interference.failureFraction = 0.2;
    o.interference.failurePeriodMs = 10 * s_baseMs;
    for (const Strategy strategy : {Strategy::Replication, Strategy::ReplicateAll, Strategy::Parity}) {
        const LiveResult live = serveLive(runDir(), strategy, o);
        EXPECT_EQ(live.result.instances, instancesOf(strategy, o)) << live.result.strategy;
        ASSERT_EQ(live.result.latenciesMs.size(), size_t(o.queries));
        for (double ms : live.result.latenciesMs)
            EXPECT_GT(ms, 0.0) << live.result.strategy;
        EXPECT_LE(live.result.medianMs, live.result.p99Ms);
    }
}

// Berrut: every complete group coded into k + r queries on the base model and
// decoded from the first k back; a last incomplete group is served uncoded.
TEST(LiveServingBerrut, DecodesEveryCompleteGroupFromItsFirstKWorkers)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 60, 20);
    nlohmann::json j = test::tinyMnistSweep(tmp / "data", tmp / "save", 0);
    j["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"berrut", "berrut"})});
    j["train_parity_model"] = false;
    j["val_size"] = 10;
    const RunConfig config = SweepConfig::fromJson(j, "test").runs().front();
    Trainer(config, {}).run();
    SimulationOptions o;
    o.baseInstances = 2;
    o.k = 2;
    o.r = 1;
    o.queries = 41;
    o.rate = 200;
    const LiveResult live = serveLive(config.runDir(), Strategy::Berrut, o);
    EXPECT_EQ(live.result.instances, 3);
    EXPECT_EQ(live.result.latenciesMs.size(), 41u);
    EXPECT_EQ(live.result.decodedByErased[1], 40); // 20 groups decoded with one worker missing
    EXPECT_NEAR(live.result.reconstructedFraction, 40.0 / 41.0, 1e-12);
    EXPECT_EQ(live.observed.encoder.samples().size(), 20u);
    EXPECT_EQ(live.observed.decoder.samples().size(), 20u);
    EXPECT_EQ(live.observed.parity.samples().size(), 60u); // 3 coded queries per group, all served
    EXPECT_NE(test::errorOf([&] { serveLive(config.runDir(), Strategy::Parity, o); }).find("is a Berrut run"),
              std::string::npos);
}
