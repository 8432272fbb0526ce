// The parity-train command line, run as a user would (issue: core, items 6-7).
#include "TestPaths.h"
#include "support/RunCommand.h"
#include "support/TinyCifar.h"
#include "support/TinyDataset.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>

namespace {

using Result = parity::test::CommandResult;

Result runCli(const std::string& args) { return parity::test::runCommand(std::string(PARITY_TRAIN_EXE) + " " + args); }

void writeFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

const char* kTinyConfig = R"({
  "num_epoch": 2, "k_vals": [2], "enc_dec_types": [["add", "sub"]],
  "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"], "batch_size": 16 })";

} // namespace

TEST(ParityTrainCli, DescribeListsRunsWithParameterCountsAndTrainsNothing)
{
    parity::test::TempDir tmp;
    const Result r = runCli(std::string(PARITY_SOURCE_DIR) + "/config/fashion-mnist.json " + tmp.path()
                            + " --describe --data-dir " + tmp / "absent");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("6 runs"), std::string::npos) << r.output; // base-mlp and resnet18, k = 2, 3, 4
    EXPECT_NE(r.output.find("2,776,522 parameters"), std::string::npos) << r.output; // resnet18, 28x28 grey
    EXPECT_NE(r.output.find("fashion-mnist base-mlp 4 torch.nn.MSELoss"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("178,110 parameters"), std::string::npos) << r.output; // docs/BEHAVIOUR.md §7
    EXPECT_NE(r.output.find("NOT FOUND"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("32 groups of k = 3"), std::string::npos) << r.output;
    EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST(ParityTrainCli, TrainsTwoEpochsAndPrintsTheOriginalLines)
{
    parity::test::TempDir tmp;
    parity::test::writeTinyMnist(tmp / "data", 400, 120);
    writeFile(tmp / "c.json", kTinyConfig);
    const Result r = runCli(tmp / "c.json" + " " + tmp / "save" + " --data-dir " + tmp / "data" + " --seed 3");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(r.output.rfind("mnist base-mlp 2 mse add sub\n", 0), 0u) << r.output;
    EXPECT_NE(r.output.find("Base model train accuracy is "), std::string::npos);
    EXPECT_NE(r.output.find("Base model test accuracy is "), std::string::npos);
    EXPECT_EQ(r.output.find("Base model val accuracy"), std::string::npos);
    EXPECT_NE(r.output.find("Epoch 1. val. Top-1="), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("it/s"), std::string::npos);
    EXPECT_EQ(r.output.find("Epoch 0. test"), std::string::npos); // test is computed, not printed
    EXPECT_NE(r.output.find("Results: " + tmp / "save/mnist/base-mlp/k2/mse/add/sub"), std::string::npos);
}

TEST(ParityTrainCli, InvalidConfigIsRejectedBeforeAnyWorkWithItsReason)
{
    parity::test::TempDir tmp;
    writeFile(tmp / "bad.json", R"({"num_epoch": 1, "k_vals": [3], "enc_dec_types": [["concat", "sub"]],
        "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"], "train_encoder": true})");
    const Result r = runCli(tmp / "bad.json" + " " + tmp / "save");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("bad.json"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("k = 2 or 4"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("train_encoder"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(tmp / "save"));
}

TEST(ParityTrainCli, CudaOnACpuOnlyBuildIsAClearError)
{
    parity::test::TempDir tmp;
    writeFile(tmp / "c.json", kTinyConfig);
    const Result r = runCli(tmp / "c.json" + " " + tmp / "save" + " --device cuda");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("cuda"), std::string::npos) << r.output;
}

TEST(ParityTrainCli, UsageErrors)
{
    EXPECT_EQ(runCli("").exitCode, 2);
    EXPECT_EQ(runCli("x.json --epochs zero").exitCode, 2);
    EXPECT_EQ(runCli("x.json --no-such-flag").exitCode, 2);
    const Result missing = runCli("/nonexistent/config.json save");
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_NE(missing.output.find("/nonexistent/config.json"), std::string::npos) << missing.output;
    EXPECT_EQ(runCli("--help").exitCode, 0);
}

TEST(ParityTrainCli, MissingSaveDirIsAUsageError)
{
    parity::test::TempDir tmp;
    writeFile(tmp / "c.json", kTinyConfig);
    const Result r = runCli(tmp / "c.json");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.output.find("SAVE_DIR"), std::string::npos) << r.output;
}

// issue 4: the CIFAR, GCommands and Cat-v-Dog configs resolve, and --describe
// says whether the data directory was found.
TEST(ParityTrainCli, DescribeResolvesTheNewDatasets)
{
    parity::test::TempDir tmp;
    parity::test::writeTinyCifar(tmp / "cifar/cifar-10-batches-bin", 10, 2, 2);
    const Result found = runCli(std::string(PARITY_SOURCE_DIR) + "/config/cifar10.json " + tmp / "save"
                                + " --describe --data-dir " + tmp / "cifar");
    EXPECT_EQ(found.exitCode, 0) << found.output;
    EXPECT_NE(found.output.find("cifar10 from " + tmp / "cifar" + " (found), 10 classes, 3x32x32"), std::string::npos)
        << found.output;
    EXPECT_NE(found.output.find("11,173,962 parameters"), std::string::npos) << found.output; // docs/BEHAVIOUR.md §7

    for (const auto& [config, expected] :
         std::vector<std::pair<std::string, std::string>>{{"gcommands.json", "13,172,894 parameters"}, // vgg11
                                                          {"cat_v_dog.json",
                                                           "11,177,538 parameters"}, // ImageNet resnet18, 2 classes
                                                          {"cifar10-concat.json", "code input 3x32x16"}}) {
        const Result r = runCli(std::string(PARITY_SOURCE_DIR) + "/config/" + config + " " + tmp / "save"
                                + " --describe --data-dir " + tmp / "absent");
        EXPECT_EQ(r.exitCode, 0) << config << "\n" << r.output;
        EXPECT_NE(r.output.find("(NOT FOUND: no such directory)"), std::string::npos) << config << "\n" << r.output;
        EXPECT_NE(r.output.find(expected), std::string::npos) << config << "\n" << r.output;
    }
    // A directory without the files is not "found" either, and says what is missing.
    const Result empty = runCli(std::string(PARITY_SOURCE_DIR) + "/config/gcommands.json " + tmp / "save"
                                + " --describe --data-dir " + tmp / "cifar");
    EXPECT_NE(empty.output.find("(NOT FOUND: no train/, valid|val/, test/ folder in it)"), std::string::npos)
        << empty.output;
}

// A run directory resumes from its current.pth (RunDirectory owns the name);
// one without a checkpoint is an error naming it.
TEST(ParityTrainCli, ContinueFromARunDirectory)
{
    parity::test::TempDir tmp;
    parity::test::writeTinyMnist(tmp / "data", 400, 120);
    writeFile(tmp / "c.json", kTinyConfig);
    const std::string args = tmp / "c.json" + " " + tmp / "save" + " --data-dir " + tmp / "data";
    ASSERT_EQ(runCli(args).exitCode, 0);
    const std::string runDir = tmp / "save/mnist/base-mlp/k2/mse/add/sub";
    const Result r = runCli(args + " --epochs 3 --continue-from " + runDir);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    // Two epochs done: line 2 of the result files (issue 13, item 9).
    EXPECT_NE(r.output.find("Resuming from " + runDir + "/current.pth after epoch 2"), std::string::npos) << r.output;
    // The directory of another save directory's run: its epochs are not this one's.
    const std::string elsewhere = tmp / "c.json" + " " + tmp / "other" + " --data-dir " + tmp / "data";
    const Result other = runCli(elsewhere + " --continue-from " + runDir);
    EXPECT_EQ(other.exitCode, 1) << other.output;
    EXPECT_NE(other.output.find(runDir + ": not the directory this configuration writes to"), std::string::npos)
        << other.output;
    const std::string empty = tmp / "other/mnist/base-mlp/k2/mse/add/sub";
    std::filesystem::create_directories(empty);
    const Result none = runCli(elsewhere + " --continue-from " + empty);
    EXPECT_EQ(none.exitCode, 1) << none.output;
    EXPECT_NE(none.output.find(empty + ": a run directory without current.pth"), std::string::npos) << none.output;
}
