// A loss that becomes NaN or infinite stops the run (issue 5, item 5).
#include "support/TinyDataset.h"

#include "config/SweepConfig.h"
#include "io/Checkpoint.h"
#include "training/Trainer.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>

namespace fs = std::filesystem;
using namespace parity;

namespace {

RunConfig tinyRun(const std::string& dataDir, const std::string& saveDir, int epochs)
{
    return SweepConfig::fromJson(test::tinyMnistSweep(dataDir, saveDir, epochs), "test").runs().front();
}

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A copy of `from` whose parity model weights are all `value` (NaN, or so
/// large that the outputs overflow): the first batch after resuming from it
/// has a non-finite loss.
void poisonCheckpoint(const std::string& from, const std::string& to, float value)
{
    Checkpoint c = Checkpoint::load(from);
    for (auto& [name, tensor] : c.tensors.at("parity_model"))
        tensor = at::full_like(tensor, value);
    c.save(to);
}

class NumericalFailureTest : public ::testing::TestWithParam<float> {
protected:
    void SetUp() override { test::writeTinyMnist(tmp / "data", 400, 120); }
    test::TempDir tmp;
};

} // namespace

// Issue 5: NaN / inf loss names epoch and batch, stops the run, keeps best.pth.
TEST_P(NumericalFailureTest, StopsNamingEpochAndBatchAndKeepsTheBestCheckpoint)
{
    const RunConfig run = tinyRun(tmp / "data", tmp / "save", 1);
    Trainer(run, {}).run();
    const std::string best = run.runDir() + "/best.pth";
    ASSERT_TRUE(fs::exists(best));
    const std::string bestBefore = slurp(best);
    poisonCheckpoint(run.runDir() + "/current.pth", tmp / "poisoned.pth", GetParam());

    TrainerOptions resume;
    resume.continueFrom = tmp / "poisoned.pth";
    std::string message;
    try {
        Trainer(tinyRun(tmp / "data", tmp / "save", 3), resume).run();
        ADD_FAILURE() << "the run went on with a non-finite loss";
    } catch (const Error& e) {
        message = e.what();
    }
    EXPECT_NE(message.find("in epoch 1, batch 1"), std::string::npos) << message;
    EXPECT_TRUE(message.find("became nan") != std::string::npos || message.find("became inf") != std::string::npos)
        << message;
    EXPECT_NE(message.find("best checkpoint is kept"), std::string::npos) << message;

    EXPECT_EQ(slurp(best), bestBefore) << "best.pth changed";
    EXPECT_NO_THROW(Checkpoint::load(best));
    const auto info = nlohmann::json::parse(slurp(run.runDir() + "/run.json"));
    EXPECT_EQ(info.at("status"), "failed");
    EXPECT_EQ(info.at("error"), message);
    // Nothing of the failed epoch enters the per-epoch record.
    const std::string top1 = slurp(run.runDir() + "/val_reconstruction_top1.txt");
    EXPECT_EQ(std::count(top1.begin(), top1.end(), '\n'), 1) << top1;
}

INSTANTIATE_TEST_SUITE_P(NanAndInf, NumericalFailureTest,
                         ::testing::Values(std::numeric_limits<float>::quiet_NaN(), 1e30f));
