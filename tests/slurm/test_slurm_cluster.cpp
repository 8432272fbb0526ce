// Sweeps on a real Slurm (issue 16, item 5): a one-node cluster on
// localhost (SlurmCluster.h), a 4-run sweep submitted with parity-train
// --slurm, a task requeued mid-run, a refused partition and a cancel.
// ctest label "slurm": ctest -L slurm runs these alone.
#include "SlurmCluster.h"
#include "TestPaths.h"
#include "slurm/SlurmSweep.h"
#include "support/TinyDataset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

namespace {

namespace fs = std::filesystem;
using parity::test::SlurmCluster;
using parity::test::TempDir;
namespace slurm = parity::slurm;

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::pair<int, std::string> cli(const std::string& args)
{
    return SlurmCluster::run(std::string(PARITY_TRAIN_EXE) + " " + args);
}

void writeConfig(const TempDir& tmp, const std::string& kVals, int epochs, int trainImages)
{
    parity::test::writeTinyMnist(tmp / "data", trainImages, 200);
    std::ofstream(tmp / "c.json") << R"({"num_epoch": )" << epochs << R"(, "k_vals": )" << kVals << R"(,
      "enc_dec_types": [["add", "sub"]], "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"],
      "batch_size": 16, "data_dir": "data", "models_dir": "models", "base_train_epochs": 1})";
}

/// Waits (bounded) until `done` holds for the sweep's status.
template <typename Done>
bool waitForStatus(const std::string& dir, int seconds, Done&& done, slurm::SweepStatus* last)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        *last = slurm::readStatus(dir);
        if (done(*last))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return false;
}

bool allIn(const slurm::SweepStatus& s, slurm::RunStatus::State state)
{
    return std::all_of(s.runs.begin(), s.runs.end(), [&](const auto& r) { return r.state == state; });
}

std::string submittedSweep(const std::string& saveDir)
{
    const auto dirs = slurm::sweepDirs(saveDir);
    return dirs.size() == 1 ? dirs.front() : std::string();
}

} // namespace

#define ASSERT_CLUSTER_UP(cluster) ASSERT_EQ((cluster).failure(), "") << (cluster).logs()

TEST(SlurmCluster, EveryRunOfASweepFinishesAsAnArrayTask)
{
    TempDir tmp;
    SlurmCluster cluster(tmp / "cluster");
    ASSERT_CLUSTER_UP(cluster);
    writeConfig(tmp, "[2, 3, 4, 5]", 2, 400);
    // A save directory with what sbatch reads in its own way in #SBATCH
    // lines: a space ends a word, '#' starts a comment, '%' a log pattern.
    const std::string save = tmp / "ML runs #1 100%";
    const auto [rc, out] = cli(tmp / "c.json '" + save + "' --slurm --max-parallel 2 --cpus-per-task 1");
    ASSERT_EQ(rc, 0) << out;
    const std::string dir = submittedSweep(save);
    ASSERT_FALSE(dir.empty()) << out;
    const slurm::Sweep sweep = slurm::Sweep::read(dir);
    ASSERT_FALSE(sweep.jobId.empty());
    EXPECT_TRUE(contains(out, "Submitted sweep " + sweep.id + " as Slurm job " + sweep.jobId + ": 4 tasks")) << out;
    EXPECT_TRUE(contains(out, "parity-train --slurm-status " + dir)) << out;

    slurm::SweepStatus status;
    const bool finished = waitForStatus(
        dir, 300,
        [](const slurm::SweepStatus& s) {
            return std::none_of(s.runs.begin(), s.runs.end(), [](const auto& r) {
                return r.state == slurm::RunStatus::State::Pending || r.state == slurm::RunStatus::State::Running;
            });
        },
        &status);
    ASSERT_TRUE(finished) << slurm::statusText(status) << cluster.logs();
    ASSERT_TRUE(allIn(status, slurm::RunStatus::State::Done)) << slurm::statusText(status) << cluster.logs();
    for (const auto& run : status.runs) {
        EXPECT_EQ(run.slurmState, "COMPLETED");
        EXPECT_EQ(run.epochsCompleted, 2);
        const auto record = nlohmann::json::parse(readFile(run.runDir + "/run.json"));
        EXPECT_EQ(record["status"], "finished");
        EXPECT_EQ(record["slurm_task"], sweep.jobId + "_" + std::to_string(run.index)); // its own task wrote it
        EXPECT_EQ(parity::test::linesOf(run.runDir + "/test_reconstruction_top1.txt").size(), 2u);
        // The task's log, as Slurm wrote it.
        const std::string log = readFile(sweep.logPath(run.index));
        EXPECT_TRUE(contains(log, "== parity-train: task " + std::to_string(run.index) + " of job " + sweep.jobId))
            << log;
        EXPECT_TRUE(contains(log, "Results: " + run.runDir)) << log;
    }
    const auto [statusRc, text] = cli("--slurm-status '" + dir + "'");
    EXPECT_EQ(statusRc, 0) << text;
    EXPECT_TRUE(contains(text, "Summary: 4 done")) << text;
}

namespace {

/// Submits a one-run sweep of 30 epochs, interrupts its task with
/// `interrupt` (a command; JOB stands for <job>_0) once two epochs are
/// recorded, lets the requeued task start again, and checks that it resumed
/// from current.pth and recorded every epoch once. Returns the task's log.
std::string interruptAndResume(const std::string& interrupt)
{
    TempDir tmp;
    SlurmCluster cluster(tmp / "cluster");
    EXPECT_EQ(cluster.failure(), "") << cluster.logs();
    if (!cluster.failure().empty())
        return {};
    const int epochs = 30;
    writeConfig(tmp, "[2]", epochs, 2000);
    const auto [rc, out] = cli(tmp / "c.json " + tmp / "save --slurm --cpus-per-task 1");
    EXPECT_EQ(rc, 0) << out;
    const std::string dir = submittedSweep(tmp / "save");
    if (dir.empty())
        return {};
    const slurm::Sweep sweep = slurm::Sweep::read(dir);
    slurm::SweepStatus status;
    EXPECT_TRUE(waitForStatus(
        dir, 180,
        [](const slurm::SweepStatus& s) {
            return s.runs[0].state != slurm::RunStatus::State::Pending && s.runs[0].epochsCompleted >= 2;
        },
        &status))
        << slurm::statusText(status) << cluster.logs();
    EXPECT_EQ(status.runs[0].state, slurm::RunStatus::State::Running) << slurm::statusText(status);
    const int epochsAtInterrupt = status.runs[0].epochsCompleted;
    const std::string task = sweep.jobId + "_0";
    const auto interrupted = SlurmCluster::run(std::regex_replace(interrupt, std::regex("JOB"), task));
    EXPECT_EQ(interrupted.first, 0) << interrupted.second;
    // Slurm holds a requeued batch job back for a while (BeginTime); let it
    // start again now rather than in minutes.
    EXPECT_TRUE(waitForStatus(
        dir, 60,
        [](const slurm::SweepStatus& s) {
            return s.runs[0].state == slurm::RunStatus::State::Pending && s.runs[0].restarts == 1;
        },
        &status))
        << slurm::statusText(status) << readFile(sweep.logPath(0));
    EXPECT_TRUE(contains(slurm::statusText(status), "requeued 1x")) << slurm::statusText(status);
    SlurmCluster::run("scontrol update JobId=" + task + " StartTime=now");

    EXPECT_TRUE(waitForStatus(
        dir, 300, [](const slurm::SweepStatus& s) { return s.runs[0].state == slurm::RunStatus::State::Done; },
        &status))
        << slurm::statusText(status) << readFile(sweep.logPath(0)) << cluster.logs();
    const std::string runDir = status.runs[0].runDir;
    const std::string log = readFile(sweep.logPath(0));
    EXPECT_TRUE(contains(log, "requeued 1 times")) << log;
    // It came back where it stopped: at most the epoch in progress was lost.
    const std::regex resumed("Resuming from " + runDir + "/current.pth after epoch (\\d+)");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(log, m, resumed)) << log;
    if (!m.empty()) {
        EXPECT_GE(std::stoi(m[1].str()), epochsAtInterrupt) << log;
    }
    const auto record = nlohmann::json::parse(readFile(runDir + "/run.json"));
    EXPECT_EQ(record["status"], "finished");
    EXPECT_EQ(record["epochs_completed"], epochs);
    EXPECT_EQ(record["resumed_from"], runDir + "/current.pth");
    int files = 0;
    for (const auto& entry : fs::directory_iterator(runDir)) {
        if (entry.path().extension() != ".txt")
            continue;
        ++files;
        EXPECT_EQ(parity::test::linesOf(entry.path().string()).size(), size_t(epochs)) << entry.path();
    }
    EXPECT_GT(files, 5);
    EXPECT_EQ(parity::test::linesOf(runDir + "/metrics.csv").size(), size_t(1 + 3 * epochs));
    return log;
}

} // namespace

// Preemption: Slurm requeues a running task (SIGTERM); it stops at a batch
// boundary, comes back and resumes.
TEST(SlurmCluster, ARequeuedTaskResumesFromItsCheckpoint)
{
    const std::string log = interruptAndResume("scontrol requeue JOB");
    EXPECT_TRUE(contains(log, "SIGTERM: stopped after")) << log;
}

// The warning before the time limit (--signal=B:USR1@S, sent here at once to
// the batch shell, which is parity-train): the task stops and requeues
// itself.
TEST(SlurmCluster, ATaskWarnedOfItsTimeLimitRequeuesItselfAndResumes)
{
    const std::string log = interruptAndResume("scancel --signal=USR1 --batch JOB");
    EXPECT_TRUE(contains(log, "SIGUSR1: stopped after")) << log;
    EXPECT_TRUE(contains(log, "parity-train: requeued Slurm job")) << log;
}

TEST(SlurmCluster, AnUnknownPartitionIsRefusedAndACancelledTaskSaysSo)
{
    TempDir tmp;
    SlurmCluster cluster(tmp / "cluster");
    ASSERT_CLUSTER_UP(cluster);
    writeConfig(tmp, "[2, 3, 4, 5]", 200, 400);
    const auto [badRc, bad] = cli(tmp / "c.json " + tmp / "save --slurm --partition nosuch");
    EXPECT_EQ(badRc, 1) << bad;
    EXPECT_TRUE(contains(bad, "sbatch refused the sweep")) << bad;
    EXPECT_TRUE(contains(bad, "invalid partition")) << bad;
    EXPECT_TRUE(contains(bad, "Nothing was submitted")) << bad;
    EXPECT_TRUE(slurm::sweepDirs(tmp / "save").empty());
    EXPECT_EQ(SlurmCluster::run("squeue -h").second, "");

    // One task at a time: tasks 1 to 3 wait while task 0 runs; cancel task 1
    // (parity-train), tasks 2 and 3 in one scancel (the workbench's way), then the sweep.
    const auto [rc, out] = cli(tmp / "c.json " + tmp / "save --slurm --max-parallel 1");
    ASSERT_EQ(rc, 0) << out;
    const std::string dir = submittedSweep(tmp / "save");
    slurm::SweepStatus status;
    ASSERT_TRUE(waitForStatus(
        dir, 120,
        [](const slurm::SweepStatus& s) {
            return s.runs[0].state == slurm::RunStatus::State::Running && s.runs[0].epochsCompleted >= 1
                   && s.runs[1].state == slurm::RunStatus::State::Pending;
        },
        &status))
        << slurm::statusText(status);
    EXPECT_EQ(status.runs[1].reason, "JobArrayTaskLimit") << slurm::statusText(status);
    const auto [oneRc, one] = cli("--slurm-cancel " + dir + " --only-run 1");
    EXPECT_EQ(oneRc, 0) << one;
    EXPECT_TRUE(contains(one, "Cancelled task 1 of job")) << one;
    ASSERT_TRUE(waitForStatus(
        dir, 60, [](const slurm::SweepStatus& s) { return s.runs[1].state == slurm::RunStatus::State::Cancelled; },
        &status))
        << slurm::statusText(status);
    EXPECT_EQ(status.runs[0].state, slurm::RunStatus::State::Running) << slurm::statusText(status);
    // Slurm forgets a waiting task of an array once it is cancelled: the sweep's record remembers.
    EXPECT_FALSE(slurm::Sweep::read(dir).runs[1].cancelled.empty());
    EXPECT_TRUE(slurm::Sweep::read(dir).runs[2].cancelled.empty());
    EXPECT_EQ(slurm::cancelTasks(status.sweep, {2, 3}), "");
    ASSERT_TRUE(waitForStatus(
        dir, 60,
        [](const slurm::SweepStatus& s) {
            return s.runs[2].state == slurm::RunStatus::State::Cancelled
                   && s.runs[3].state == slurm::RunStatus::State::Cancelled;
        },
        &status))
        << slurm::statusText(status);
    EXPECT_EQ(status.runs[0].state, slurm::RunStatus::State::Running) << slurm::statusText(status);
    const auto [allRc, all] = cli("--slurm-cancel " + dir);
    EXPECT_EQ(allRc, 0) << all;
    ASSERT_TRUE(waitForStatus(
        dir, 60, [](const slurm::SweepStatus& s) { return allIn(s, slurm::RunStatus::State::Cancelled); }, &status))
        << slurm::statusText(status);
    // The cancelled run stopped at a batch boundary: its record says so.
    const auto record = nlohmann::json::parse(readFile(status.runs[0].runDir + "/run.json"));
    EXPECT_EQ(record["status"], "stopped");
}
