// Building a run's components holds the global generator's lock (issue 10
// review): an inspector building modules on one thread cannot take draws
// from the middle of a run's seeded initialisation on another.
#include "config/RunConfig.h"
#include "training/RunComponents.h"
#include "util/Random.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace parity;

TEST(GeneratorLock, BuildingComponentsWaitsForTheGeneratorLock)
{
    RunConfig config; // fashion-mnist, base-mlp: built without reading data
    std::atomic<bool> built{false};
    std::unique_lock<std::mutex> held(globalGeneratorMutex());
    std::thread builder([&] {
        RunComponents parts(config, Purpose::Evaluation);
        parts.buildUnloaded();
        built = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(built.load()); // still waiting for the lock
    held.unlock();
    builder.join();
    EXPECT_TRUE(built.load());

    // Under the lock, a seeded sequence of draws is what the seed says.
    torch::manual_seed(5);
    const at::Tensor expected = torch::rand({16});
    std::atomic<bool> stop{false};
    std::thread disturber([&] {
        while (!stop) {
            RunComponents parts(config, Purpose::Evaluation);
            parts.buildUnloaded();
        }
    });
    for (int i = 0; i < 20; ++i) {
        const std::lock_guard<std::mutex> lock(globalGeneratorMutex());
        torch::manual_seed(5);
        EXPECT_TRUE(torch::equal(torch::rand({16}), expected)) << "draw " << i;
    }
    stop = true;
    disturber.join();
}
