// The run directory's one owner (issue 10, item 2): file names, the save-dir
// mapping, reading a run back, and the checkpoints the trainer reports.
#include "support/TinyDataset.h"

#include "config/SweepConfig.h"
#include "io/RunDirectory.h"
#include "training/Trainer.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace parity;

namespace {

std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

struct Saved {
    std::string path;
    int epoch;
    CheckpointKind kind;
};

class RecordCheckpoints : public TrainingObserver {
public:
    void checkpointSaved(const std::string& path, int epoch, CheckpointKind kind) override
    {
        EXPECT_TRUE(fs::exists(path)) << path;
        saved.push_back({path, epoch, kind});
    }
    void epochFinished(const EpochSummary& s) override { epochs.push_back(s); }
    std::vector<Saved> saved;
    std::vector<EpochSummary> epochs;
};

class RunDirectoryTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_tmp = new test::TempDir;
        test::writeTinyMnist(*s_tmp / "data", 300, 60);
        auto j = test::tinyMnistSweep(*s_tmp / "data", *s_tmp / "save", 5);
        j["val_size"] = 60;
        s_config = new RunConfig(SweepConfig::fromJson(j, "test").runs().front());
        s_observer = new RecordCheckpoints;
        TrainerOptions options;
        options.checkpointCycle = 3;
        Trainer(*s_config, options, s_observer).run();
    }
    static void TearDownTestSuite()
    {
        delete s_observer;
        delete s_config;
        delete s_tmp;
    }
    static test::TempDir* s_tmp;
    static RunConfig* s_config;
    static RecordCheckpoints* s_observer;
};

test::TempDir* RunDirectoryTest::s_tmp = nullptr;
RunConfig* RunDirectoryTest::s_config = nullptr;
RecordCheckpoints* RunDirectoryTest::s_observer = nullptr;

} // namespace

TEST(RunFiles, NamesAndPatterns)
{
    EXPECT_EQ(runfiles::metricFile("val", "reconstruction_top1"), "val_reconstruction_top1.txt");
    for (const char* name : {"train_loss.txt", "val_reconstruction_top1.txt", "test_overall_top20.txt",
                             "val_localization_acc.txt", "test_mean_reconstruction_iou.txt"})
        EXPECT_TRUE(runfiles::isMetricFile(name)) << name;
    for (const char* name : {"notes.txt", "train_loss.csv", "val_top1.txt", "run.json"})
        EXPECT_FALSE(runfiles::isMetricFile(name)) << name;
    for (const char* name : {"run.json", "metrics.csv", "current.pth", "best.pth", "only_test.json", "x.txt"})
        EXPECT_TRUE(runfiles::isRunFile(name)) << name;
    EXPECT_FALSE(runfiles::isRunFile("model.pt"));
    EXPECT_STREQ(checkpointFileName(CheckpointKind::Current), "current.pth");
    EXPECT_STREQ(checkpointFileName(CheckpointKind::Best), "best.pth");
}

TEST_F(RunDirectoryTest, MapsAConfigurationToItsDirectoryAndBack)
{
    const RunDirectory dir = RunDirectory::of(*s_config);
    EXPECT_EQ(dir.path(), s_config->runDir());
    EXPECT_EQ(RunDirectory::relativePath(*s_config), "mnist/base-mlp/k2/mse/add/sub");
    EXPECT_EQ(dir.checkpoint(CheckpointKind::Current), s_config->runDir() + "/current.pth");
    EXPECT_TRUE(dir.hasCheckpoint(CheckpointKind::Current));
    const RunConfig back = dir.readConfig();
    EXPECT_TRUE(RunConfig::describeMismatch(back, *s_config).empty());
    EXPECT_EQ(back.runDir(), s_config->runDir());
}

TEST_F(RunDirectoryTest, AMovedSaveDirectoryIsFollowedAndPreviousRunsAreRefused)
{
    const std::string moved = *s_tmp / "moved-save";
    fs::create_directories(moved);
    fs::copy(*s_tmp / "save", moved, fs::copy_options::recursive);
    const RunDirectory dir(moved + "/" + RunDirectory::relativePath(*s_config));
    const RunConfig config = dir.readConfig();
    EXPECT_EQ(fs::weakly_canonical(config.saveDir), fs::weakly_canonical(moved));
    EXPECT_EQ(fs::weakly_canonical(config.runDir()), fs::weakly_canonical(dir.path()));

    // An earlier run kept in previous-*: not where its run.json says it lives.
    const std::string previous = dir.path() + "/previous-20260101-000000";
    fs::create_directories(previous);
    fs::copy_file(dir.runJson(), previous + "/run.json");
    const std::string error = errorOf([&] { RunDirectory(previous).readConfig(); });
    EXPECT_NE(error.find(previous), std::string::npos) << error;
    EXPECT_NE(error.find("previous-*"), std::string::npos) << error;
}

TEST_F(RunDirectoryTest, ReadsBackWhatTheTrainerReported)
{
    const RunContents run = RunDirectory::of(*s_config).read();
    EXPECT_EQ(run.layout, RunContents::Layout::Workbench);
    EXPECT_EQ(run.status, "finished");
    EXPECT_EQ(run.header, s_config->header());
    EXPECT_EQ(run.epochsCompleted, 5);
    ASSERT_EQ(run.epochs.size(), s_observer->epochs.size());
    for (size_t e = 0; e < run.epochs.size(); ++e) {
        const auto& live = s_observer->epochs[e];
        EXPECT_EQ(run.epochs[e].epoch, live.epoch);
        EXPECT_EQ(run.epochs[e].improvedBest, live.improvedBest);
        EXPECT_EQ(run.epochs[e].bestValReconstructionTop1, live.bestValReconstructionTop1);
        for (const auto& [split, metrics] : live.splits) {
            EXPECT_EQ(run.epochs[e].splits.at(split).accuracy, metrics.accuracy) << split;
            EXPECT_EQ(run.epochs[e].splits.at(split).loss, metrics.loss) << split;
        }
        EXPECT_EQ(run.splitTimings.at(int(e)).size(), 3u);
    }
    EXPECT_EQ(run.classNames.size(), 10u);
    EXPECT_EQ(run.baseAccuracies.size(), 2u);
    EXPECT_EQ(run.config.value("dataset", ""), "mnist");
}

TEST_F(RunDirectoryTest, TheTrainerReportsEveryCheckpointItSaved)
{
    // --checkpoint-cycle 3 over five epochs: current.pth after epochs 0, 3 and
    // 4 (the last), best.pth whenever val improved.
    std::vector<int> current;
    std::vector<int> best;
    for (const auto& s : s_observer->saved) {
        (s.kind == CheckpointKind::Current ? current : best).push_back(s.epoch);
        EXPECT_EQ(s.path, RunDirectory::of(*s_config).checkpoint(s.kind));
    }
    EXPECT_EQ(current, (std::vector<int>{0, 3, 4}));
    std::vector<int> improved;
    for (const auto& e : s_observer->epochs)
        if (e.improvedBest)
            improved.push_back(e.epoch);
    EXPECT_EQ(best, improved);
}

TEST(RunDirectory, OriginalLayoutAndBrokenFilesAreClearErrors)
{
    test::TempDir tmp;
    const std::string dir = tmp / "save/mnist/base-mlp/k2/mse/add/sub";
    fs::create_directories(dir);
    std::ofstream(dir + "/train_loss.txt") << "1.5\n1.25\n";
    std::ofstream(dir + "/val_reconstruction_top1.txt") << "0.5\n0.75\n";
    RunContents run = RunDirectory(dir).read();
    EXPECT_EQ(run.layout, RunContents::Layout::Original);
    EXPECT_EQ(run.header, "mnist base-mlp 2 mse add sub");
    ASSERT_EQ(run.epochs.size(), 2u);
    EXPECT_EQ(run.epochs[1].splits.at("train").loss, 1.25);
    EXPECT_EQ(run.bestValReconstructionTop1, 0.75);
    // A split without a loss file has no loss (a run that trains nothing), not 0.
    EXPECT_FALSE(run.epochs[1].splits.at("val").hasLoss());

    std::ofstream(dir + "/train_loss.txt") << "1.5\nabc\n";
    std::string error = errorOf([&] { RunDirectory(dir).read(); });
    EXPECT_NE(error.find(dir + "/train_loss.txt: line 2"), std::string::npos) << error;

    // Values of the wrong type in run.json are read as absent (as Qt's JSON
    // reader did), not as an unreadable record.
    std::ofstream(dir + "/train_loss.txt") << "1.5\n1.25\n";
    std::ofstream(dir + "/run.json") << "{\"format\": \"parity-workbench-run\", \"epochs_completed\": \"two\", "
                                        "\"best_val_reconstruction_top1\": null, \"classes\": [\"a\", 3, \"c\"]}";
    run = RunDirectory(dir).read();
    EXPECT_EQ(run.epochsCompleted, 0);
    EXPECT_EQ(run.classNames, (std::vector<std::string>{"a", "", "c"}));
    // An epoch that is no whole number in range is an error naming the line.
    std::ofstream(dir + "/metrics.csv") << "epoch,split,loss\n0,train,1.5\ninf,train,1.25\n";
    error = errorOf([&] { RunDirectory(dir).read(); });
    EXPECT_NE(error.find(dir + "/metrics.csv: line 3: epoch \"inf\" is not a number"), std::string::npos) << error;
    std::ofstream(dir + "/metrics.csv") << "epoch,split,loss\n0,train,1.5\n1e10,train,1.25\n";
    EXPECT_NE(errorOf([&] { RunDirectory(dir).read(); }).find("line 3"), std::string::npos);
    std::ofstream(dir + "/run.json") << "{\"format\": \"parity-workbench-run\", \"hea";
    error = errorOf([&] { RunDirectory(dir).readConfig(); });
    EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
    EXPECT_EQ(RunDirectory(tmp / "absent").layout(), RunContents::Layout::None);
    EXPECT_NE(errorOf([&] { RunDirectory(tmp / "absent").read(); }).find(tmp / "absent"), std::string::npos);
}

// Issue 13, item 1: the workbench resumes a run only when nothing but the
// number of epochs (or how many threads) changed, and says why not otherwise.
TEST_F(RunDirectoryTest, AnExistingRunResumesOnlyWithItsOwnSettingsAndMoreEpochs)
{
    const RunDirectory dir = RunDirectory::of(*s_config);
    const ExistingRun same = dir.existingRun(*s_config);
    EXPECT_TRUE(same.present);
    EXPECT_EQ(same.status, "finished");
    EXPECT_EQ(same.epochsCompleted, 5);
    EXPECT_EQ(same.numEpochs, 5);
    EXPECT_TRUE(same.hasCheckpoint);
    EXPECT_EQ(same.checkpoint, dir.checkpoint(CheckpointKind::Current));
    EXPECT_TRUE(same.differences.empty());
    EXPECT_FALSE(same.resumable());
    EXPECT_NE(same.whyNotResumable().find("completed 5 of the 5 epochs"), std::string::npos) << same.whyNotResumable();
    EXPECT_NE(same.whyNotResumable().find("raise Epochs"), std::string::npos) << same.whyNotResumable();
    EXPECT_FALSE(same.wantedTrainsNothing);
    EXPECT_EQ(same.epochsAsked(), 5);
    // A run that trains nothing (Berrut) evaluates at least once, Epochs 0
    // included (not "1 of the 0 epochs"), and more epochs evaluate it over
    // more group orders.
    RunConfig untrained = *s_config;
    untrained.trainEncoder = untrained.trainParityModel = untrained.trainDecoder = false;
    ASSERT_TRUE(untrained.trainsNothing());
    const ExistingRun berrut = dir.existingRun(untrained);
    EXPECT_TRUE(berrut.wantedTrainsNothing);
    ASSERT_FALSE(berrut.differences.empty()); // train_parity_model differs, so it is not resumable either way
    ExistingRun finished = berrut;
    finished.differences.clear();
    EXPECT_EQ(finished.whyNotResumable(), "it has completed 5 of the 5 epochs asked for; it trains nothing: raise "
                                          "Epochs to evaluate it over more group orders");
    finished.epochsCompleted = 1;
    finished.wantedEpochs = 0;
    EXPECT_EQ(finished.epochsAsked(), 1); // what the Resume button and its text count to
    EXPECT_EQ(finished.whyNotResumable(), "it has completed 1 of the 1 epoch asked for (Epochs 0 evaluates once); it "
                                          "trains nothing: raise Epochs to evaluate it over more group orders");
    finished.wantedEpochs = 2;
    EXPECT_TRUE(finished.resumable()) << finished.whyNotResumable();

    RunConfig more = *s_config;
    more.numEpochs = 7;
    more.threads = 1;
    EXPECT_TRUE(dir.existingRun(more).resumable()) << dir.existingRun(more).whyNotResumable();

    RunConfig otherBase = more;
    otherBase.baseWeights = "bad.pt";
    otherBase.seed = s_config->seed + 1;
    const ExistingRun differing = dir.existingRun(otherBase);
    EXPECT_FALSE(differing.resumable());
    ASSERT_EQ(differing.differences.size(), 2u);
    EXPECT_EQ(differing.differences[0], "base_weights: the run has \"\", now \"bad.pt\"");
    EXPECT_EQ(differing.differences[1],
              "seed: the run has " + std::to_string(s_config->seed) + ", now " + std::to_string(s_config->seed + 1));
    EXPECT_NE(differing.whyNotResumable().find("these settings differ"), std::string::npos);

    // Nothing there; a run without its record; a run without a checkpoint.
    const std::string empty = *s_tmp / "empty-run";
    fs::create_directories(empty);
    EXPECT_FALSE(RunDirectory(empty).existingRun(more).present);
    EXPECT_FALSE(RunDirectory(*s_tmp / "no-such-dir").existingRun(more).present);
    std::ofstream(empty + "/train_loss.txt") << "0.5\n";
    const ExistingRun bare = RunDirectory(empty).existingRun(more);
    EXPECT_TRUE(bare.present);
    EXPECT_FALSE(bare.resumable());
    EXPECT_NE(bare.whyNotResumable().find("run.json is missing"), std::string::npos) << bare.whyNotResumable();
    const std::string copy = *s_tmp / "copy-save";
    fs::copy(*s_tmp / "save", copy, fs::copy_options::recursive);
    const RunDirectory copied(copy + "/" + RunDirectory::relativePath(*s_config));
    fs::remove(copied.checkpoint(CheckpointKind::Current));
    RunConfig there = more;
    there.saveDir = copy;
    const ExistingRun noCheckpoint = copied.existingRun(there);
    EXPECT_TRUE(noCheckpoint.differences.empty());
    EXPECT_NE(noCheckpoint.whyNotResumable().find("no checkpoint"), std::string::npos);
}
