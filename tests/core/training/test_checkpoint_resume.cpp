// Checkpoints and resume (issue: core, items 9 and 10).
#include "support/TinyDataset.h"

#include "config/SweepConfig.h"
#include "io/Checkpoint.h"
#include "io/ResultWriter.h"
#include "io/TorchFile.h"
#include "io/RunDirectory.h"
#include "training/Trainer.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace parity;

namespace {

nlohmann::json config(const std::string& dataDir, const std::string& saveDir, int epochs)
{
    return test::tinyMnistSweep(dataDir, saveDir, epochs);
}

RunConfig onlyRun(const nlohmann::json& j) { return SweepConfig::fromJson(j, "test").runs().front(); }

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> resultFiles(const std::string& dir)
{
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".txt")
            names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

class CheckpointTest : public ::testing::Test {
protected:
    void SetUp() override { test::writeTinyMnist(tmp / "data", 400, 120); }
    test::TempDir tmp;
};

} // namespace

TEST_F(CheckpointTest, ResumedAfterEpochTwoOfFourEqualsUninterrupted)
{
    const RunConfig straight = onlyRun(config(tmp / "data", tmp / "straight", 4));
    Trainer(straight, {}).run();

    const RunConfig firstHalf = onlyRun(config(tmp / "data", tmp / "resumed", 2));
    Trainer(firstHalf, {}).run();
    const nlohmann::json before = RunDirectory::of(firstHalf).readRunJson();
    const RunConfig secondHalf = onlyRun(config(tmp / "data", tmp / "resumed", 4));
    TrainerOptions resume;
    resume.continueFrom = secondHalf.runDir() + "/current.pth";
    const RunSummary s = Trainer(secondHalf, resume).run();
    EXPECT_EQ(s.epochsCompleted, 4);
    // Issue 13: the record of a resumed run keeps when it started and where
    // its base model came from, and says what it was resumed from.
    const nlohmann::json after = RunDirectory::of(secondHalf).readRunJson();
    EXPECT_EQ(after["started"], before["started"]);
    EXPECT_EQ(after["base_model"]["source"], before["base_model"]["source"]);
    EXPECT_NE(before["base_model"]["source"].get<std::string>().find("model.pt"), std::string::npos)
        << before["base_model"]["source"];
    EXPECT_EQ(before["resumed_from"], "");
    EXPECT_EQ(after["resumed_from"], resume.continueFrom);

    const auto files = resultFiles(straight.runDir());
    ASSERT_EQ(files.size(), 27u); // 3 splits x (8 accuracies + loss)
    EXPECT_EQ(files, resultFiles(secondHalf.runDir()));
    for (const auto& f : files) {
        const std::string a = slurp(straight.runDir() + "/" + f);
        EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 4) << f;
        EXPECT_EQ(a, slurp(secondHalf.runDir() + "/" + f)) << f;
    }
    EXPECT_EQ(Checkpoint::load(secondHalf.runDir() + "/current.pth").epoch, 3);
}

TEST_F(CheckpointTest, ResumeFromAnOlderCheckpointRecordsEachEpochOnce)
{
    // As after a crash: results of epochs 2 and 3 were written after the
    // checkpoint we resume from. They are dropped and recomputed, not doubled.
    const RunConfig run = onlyRun(config(tmp / "data", tmp / "save", 4));
    struct CopyAfterEpochOne : TrainingObserver {
        std::string from, to;
        void epochFinished(const EpochSummary& e) override
        {
            if (e.epoch == 1)
                fs::copy_file(from, to);
        }
    } observer;
    observer.from = run.runDir() + "/current.pth";
    observer.to = tmp / "after1.pth";
    Trainer(run, {}, &observer).run();
    const std::string complete = slurp(run.runDir() + "/val_overall_top1.txt");
    const std::string csv = slurp(run.runDir() + "/metrics.csv");

    TrainerOptions resume;
    resume.continueFrom = observer.to;
    Trainer(run, resume).run();
    for (const auto& f : resultFiles(run.runDir())) {
        const std::string text = slurp(run.runDir() + "/" + f);
        EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << f;
    }
    EXPECT_EQ(complete, slurp(run.runDir() + "/val_overall_top1.txt"));
    const std::string csvAfter = slurp(run.runDir() + "/metrics.csv");
    EXPECT_EQ(std::count(csvAfter.begin(), csvAfter.end(), '\n'), std::count(csv.begin(), csv.end(), '\n'));
}

TEST_F(CheckpointTest, MismatchedConfigurationIsRefusedNamingTheKey)
{
    const RunConfig run = onlyRun(config(tmp / "data", tmp / "save", 1));
    Trainer(run, {}).run();
    auto j = config(tmp / "data", tmp / "save", 2);
    j["lr"] = 0.01;
    TrainerOptions resume;
    resume.continueFrom = run.runDir() + "/current.pth";
    const std::string before = slurp(resume.continueFrom);
    try {
        Trainer(onlyRun(j), resume).run();
        FAIL() << "a mismatched checkpoint was accepted";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("'lr'"), std::string::npos) << what;
        EXPECT_NE(what.find("current.pth"), std::string::npos) << what;
    }
    EXPECT_EQ(before, slurp(resume.continueFrom)); // nothing saved is lost
}

TEST_F(CheckpointTest, TruncatedCheckpointIsReportedNotCrashedOn)
{
    const RunConfig run = onlyRun(config(tmp / "data", tmp / "save", 1));
    Trainer(run, {}).run();
    const std::string bytes = slurp(run.runDir() + "/current.pth");
    const std::string broken = tmp / "broken.pth";
    for (size_t cut : {size_t(0), size_t(10), bytes.size() / 3, bytes.size() / 2, bytes.size() - 30}) {
        std::ofstream(broken, std::ios::binary) << bytes.substr(0, cut);
        TrainerOptions resume;
        resume.continueFrom = broken;
        try {
            Trainer(onlyRun(config(tmp / "data", tmp / "save", 2)), resume).run();
            ADD_FAILURE() << "a checkpoint cut at " << cut << " bytes was accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("broken.pth"), std::string::npos) << e.what();
        }
    }
}

TEST_F(CheckpointTest, OnlyTestRunsTheTestSplitOnce)
{
    const RunConfig run = onlyRun(config(tmp / "data", tmp / "save", 2));
    Trainer(run, {}).run();
    const std::string before = slurp(run.runDir() + "/test_loss.txt");
    const std::string beforeTop1 = slurp(run.runDir() + "/test_overall_top1.txt");
    const std::string csv = slurp(run.runDir() + "/metrics.csv");
    TrainerOptions only;
    only.continueFrom = run.runDir() + "/best.pth";
    only.onlyTest = true;
    Trainer(run, only).run();
    std::ifstream in(run.runDir() + "/only_test.json");
    const auto j = nlohmann::json::parse(in);
    EXPECT_GE(j["test"]["overall_top1"].get<double>(), 0.0);
    EXPECT_LE(j["test"]["overall_top1"].get<double>(), 1.0);
    // Issue 11, item 9: as the original's --only_test, one more line in each
    // test_*.txt (the same figures as only_test.json); metrics.csv, which
    // holds epochs, is left alone, and so are the other splits' files.
    EXPECT_EQ(slurp(run.runDir() + "/test_loss.txt"), before + pythonFloatRepr(j["test"]["loss"].get<double>()) + "\n");
    EXPECT_EQ(slurp(run.runDir() + "/test_overall_top1.txt"),
              beforeTop1 + pythonFloatRepr(j["test"]["overall_top1"].get<double>()) + "\n");
    EXPECT_EQ(slurp(run.runDir() + "/metrics.csv"), csv);
    EXPECT_EQ(std::count(before.begin(), before.end(), '\n'), 2);

    // A later resume keeps exactly one line per epoch: the test line goes.
    auto longer = config(tmp / "data", tmp / "save", 3);
    TrainerOptions resume;
    resume.continueFrom = run.runDir() + "/current.pth";
    Trainer(onlyRun(longer), resume).run();
    const std::string after = slurp(run.runDir() + "/test_loss.txt");
    EXPECT_EQ(std::count(after.begin(), after.end(), '\n'), 3);
    EXPECT_EQ(after.rfind(before, 0), 0u);
}

TEST_F(CheckpointTest, OnlyTestWithoutCheckpointIsRefused)
{
    TrainerOptions only;
    only.onlyTest = true;
    EXPECT_THROW(Trainer(onlyRun(config(tmp / "data", tmp / "save", 1)), only).run(), Error);
}

TEST_F(CheckpointTest, CheckpointRoundTripsConfigAndTensors)
{
    Checkpoint c;
    c.config = onlyRun(config(tmp / "data", tmp / "save", 3));
    c.epoch = 2;
    c.bestValAcc = 0.625;
    c.tensors["parity_model"] = {{"nn.0.weight", at::arange(6, at::kFloat).reshape({2, 3})}};
    c.save(tmp / "c.pth");
    const Checkpoint back = Checkpoint::load(tmp / "c.pth");
    EXPECT_EQ(back.epoch, 2);
    EXPECT_DOUBLE_EQ(back.bestValAcc, 0.625);
    EXPECT_EQ(back.config.toJson(), c.config.toJson());
    ASSERT_EQ(back.tensors.at("parity_model").size(), 1u);
    EXPECT_TRUE(at::equal(back.tensors.at("parity_model")[0].second, c.tensors["parity_model"][0].second));
}

// Issue 11, item 2: a checkpoint written before freeze_parity_bn existed
// comes from a run whose frozen parity model kept its BatchNorm statistics.
// It reads back as freeze_parity_bn true (where the model has statistics),
// so a resume with today's default is refused naming the key instead of
// switching the parity model's mode mid-run.
TEST_F(CheckpointTest, ACheckpointFromBeforeFreezeParityBnKeptItsStatistics)
{
    RunConfig run = onlyRun(config(tmp / "data", tmp / "save", 1));
    run.trainParityModel = false;
    auto writeOld = [&](const std::string& path, const std::string& bufferName) {
        nlohmann::json j = run.toJson();
        j.erase("freeze_parity_bn");
        c10::impl::GenericDict top(c10::StringType::get(), c10::AnyType::get());
        top.insert("format", std::string(Checkpoint::kFormat));
        top.insert("version", int64_t(1));
        top.insert("config", j.dump());
        top.insert("epoch", int64_t(0));
        top.insert("best_val_acc", 0.5);
        c10::Dict<std::string, at::Tensor> base;
        base.insert(bufferName, at::zeros({4}));
        top.insert("base_model", base);
        writeTorchFile(path, c10::IValue(top));
    };
    writeOld(tmp / "bn.pth", "bn1.running_mean");
    const Checkpoint withBn = Checkpoint::load(tmp / "bn.pth");
    EXPECT_TRUE(withBn.config.freezeParityBn);
    const std::string why = RunConfig::describeMismatch(withBn.config, run);
    EXPECT_NE(why.find("freeze_parity_bn"), std::string::npos) << why;
    // No statistics (base-mlp): nothing to say, a resume goes on.
    writeOld(tmp / "mlp.pth", "nn.0.weight");
    const Checkpoint mlp = Checkpoint::load(tmp / "mlp.pth");
    EXPECT_FALSE(mlp.config.freezeParityBn);
    EXPECT_EQ(RunConfig::describeMismatch(mlp.config, run), "");
    // A trained parity model: the key is never a reason to refuse.
    RunConfig trained = run;
    trained.trainParityModel = true;
    RunConfig trainedFrozen = trained;
    trainedFrozen.freezeParityBn = true;
    EXPECT_EQ(RunConfig::describeMismatch(trainedFrozen, trained), "");
}
