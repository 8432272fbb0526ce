// Issue 10, item 5: thread priority is set by one core utility, from the
// trainer's own thread (TrainerOptions::niceness), never from a pool thread;
// the process's main thread (the workbench's GUI) keeps its priority.
#include "support/TinyDataset.h"

#include "config/SweepConfig.h"
#include "training/Trainer.h"
#include "util/Threads.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

using namespace parity;

namespace {

int niceOf(pid_t tid) { return ::getpriority(PRIO_PROCESS, id_t(tid)); }

class Priorities : public TrainingObserver {
public:
    void batchFinished(const BatchStats&) override
    {
        trainer = niceOf(pid_t(::syscall(SYS_gettid)));
        main = niceOf(::getpid());
    }
    int trainer = -100;
    int main = -100;
};

// One epoch on 200 generated samples.
RunConfig tinyRun(const test::TempDir& tmp)
{
    test::writeTinyMnist(tmp / "data", 200, 40);
    auto j = test::tinyMnistSweep(tmp / "data", tmp / "save", 1);
    j["val_size"] = 40;
    return SweepConfig::fromJson(j, "test").runs().front();
}

} // namespace

TEST(TrainerPriority, TrainingThreadsRunBelowTheMainThread)
{
    if (niceOf(::getpid()) != 0)
        GTEST_SKIP() << "the test process already runs niced";
    test::TempDir tmp;
    const RunConfig config = tinyRun(tmp);
    Priorities seen;
    TrainerOptions options;
    options.niceness = 7;
    std::thread worker([&] { Trainer(config, options, &seen).run(); });
    worker.join();
    EXPECT_EQ(seen.trainer, 7);
    EXPECT_EQ(seen.main, 0);
    // Give the pools their priority back (root may raise it again; others
    // keep running niced, which only makes them yield).
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec))
        ::setpriority(PRIO_PROCESS, id_t(std::stol(entry.path().filename().string())), 0);
}

TEST(TrainerPriority, WithoutNicenessNothingChanges)
{
    test::TempDir tmp;
    const RunConfig config = tinyRun(tmp);
    Priorities seen;
    const int before = niceOf(::getpid());
    std::thread worker([&] { Trainer(config, {}, &seen).run(); });
    worker.join();
    EXPECT_EQ(seen.trainer, before);
}
