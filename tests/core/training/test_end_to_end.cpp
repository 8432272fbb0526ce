// End-to-end runs of the Trainer on generated data (issue: core).
#include "support/TinyDataset.h"

#include "catalog/Catalog.h"
#include "config/SweepConfig.h"
#include "io/Checkpoint.h"
#include "io/StateDict.h"
#include "training/RunComponents.h"
#include "training/Trainer.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace parity;

namespace {

nlohmann::json tinyConfig(const std::string& dataDir, const std::string& saveDir, int epochs)
{
    return {{"num_epoch", epochs},
            {"k_vals", {2}},
            {"enc_dec_types", nlohmann::json::array({nlohmann::json::array(
                                  {"coders.summation.AdditionEncoder", "coders.summation.SubtractionDecoder"})})},
            {"datasets", {"mnist"}},
            {"models", {"base-mlp"}},
            {"losses", {"torch.nn.MSELoss"}},
            {"train_parity_model", true},
            {"data_dir", dataDir},
            {"save_dir", saveDir},
            {"batch_size", 16},
            {"seed", 11}};
}

RunConfig onlyRun(const nlohmann::json& j) { return SweepConfig::fromJson(j, "test").runs().front(); }

using test::linesOf;

} // namespace

TEST(EndToEnd, TwoEpochsWriteEveryResultFile)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 400, 120);
    const RunConfig config = onlyRun(tinyConfig(tmp / "data", tmp / "save", 2));
    Trainer trainer(config, {});
    const RunSummary summary = trainer.run();
    EXPECT_EQ(summary.epochsCompleted, 2);
    EXPECT_FALSE(summary.stopped);

    const std::string dir = config.runDir();
    EXPECT_EQ(dir, tmp
                       / "save/mnist/base-mlp/k2/torch.nn.MSELoss/coders.summation.AdditionEncoder/"
                         "coders.summation.SubtractionDecoder");
    for (const std::string split : {"train", "val", "test"}) {
        for (const std::string metric :
             {"reconstruction_top1", "reconstruction_top2", "reconstruction_top5", "reconstruction_top10",
              "overall_top1", "overall_top2", "overall_top5", "overall_top10", "loss"}) {
            const std::string file = dir + "/" + split + "_" + metric + ".txt";
            const auto lines = linesOf(file);
            ASSERT_EQ(lines.size(), 2u) << file;
            for (const auto& l : lines) {
                const double v = std::stod(l);
                EXPECT_GE(v, 0.0) << file;
                if (metric != "loss") {
                    EXPECT_LE(v, 1.0) << file;
                }
            }
        }
        // docs/BEHAVIOUR.md §5: no top-20 files for 10 classes.
        EXPECT_FALSE(fs::exists(dir + "/" + split + "_overall_top20.txt"));
    }
    // top-10 of 10 classes always contains the answer.
    EXPECT_EQ(linesOf(dir + "/test_overall_top10.txt")[0], "1.0");

    const auto csv = linesOf(dir + "/metrics.csv");
    ASSERT_EQ(csv.size(), 7u); // header + 2 epochs x 3 splits
    EXPECT_EQ(csv[0].rfind("epoch,split,loss,reconstruction_top1,overall_top1", 0), 0u) << csv[0];
    EXPECT_EQ(csv[1].rfind("0,train,", 0), 0u);
    EXPECT_EQ(csv[6].rfind("1,test,", 0), 0u);

    std::ifstream runJson(dir + "/run.json");
    const auto info = nlohmann::json::parse(runJson);
    EXPECT_EQ(info["status"], "finished");
    EXPECT_EQ(info["epochs_completed"], 2);
    EXPECT_EQ(info["seed"], 11);
    EXPECT_EQ(info["config"]["k"], 2);
    EXPECT_TRUE(info["base_model"].contains("train_accuracy"));
    EXPECT_FALSE(info["libtorch_version"].get<std::string>().empty());

    EXPECT_TRUE(fs::exists(dir + "/current.pth"));
    EXPECT_TRUE(fs::exists(dir + "/best.pth"));
    const Checkpoint current = Checkpoint::load(dir + "/current.pth");
    EXPECT_EQ(current.epoch, 1);
    EXPECT_TRUE(current.tensors.count("parity_model"));
    EXPECT_TRUE(current.tensors.count("opt"));
    EXPECT_TRUE(current.tensors.count("base_model"));
}

TEST(EndToEnd, SameSeedAndThreadsGiveIdenticalMetrics)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 400, 120);
    auto metricsOf = [&](const std::string& save) {
        const RunConfig config = onlyRun(tinyConfig(tmp / "data", tmp / save, 2));
        Trainer(config, {}).run();
        std::vector<std::string> rows;
        for (auto line : linesOf(config.runDir() + "/metrics.csv")) {
            // drop the timing columns (the last three)
            for (int i = 0; i < 3; ++i)
                line = line.substr(0, line.rfind(','));
            rows.push_back(line);
        }
        return rows;
    };
    const auto a = metricsOf("a");
    const auto b = metricsOf("b");
    ASSERT_EQ(a.size(), 7u);
    EXPECT_EQ(a, b);
}

TEST(EndToEnd, DifferentSeedsGiveDifferentRuns)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 400, 120);
    auto j = tinyConfig(tmp / "data", tmp / "a", 1);
    const RunConfig a = onlyRun(j);
    j["seed"] = 12;
    j["save_dir"] = tmp / "b";
    const RunConfig b = onlyRun(j);
    Trainer(a, {}).run();
    Trainer(b, {}).run();
    EXPECT_NE(linesOf(a.runDir() + "/train_loss.txt"), linesOf(b.runDir() + "/train_loss.txt"));
}

TEST(EndToEnd, FreshRunMovesEarlierResultsAside)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 400, 120);
    const RunConfig config = onlyRun(tinyConfig(tmp / "data", tmp / "save", 1));
    Trainer(config, {}).run();
    Trainer(config, {}).run();
    EXPECT_EQ(linesOf(config.runDir() + "/train_loss.txt").size(), 1u);
    int previous = 0;
    for (const auto& e : fs::directory_iterator(config.runDir()))
        if (e.is_directory() && e.path().filename().string().rfind("previous-", 0) == 0) {
            ++previous;
            EXPECT_TRUE(fs::exists(e.path() / "current.pth"));
            EXPECT_EQ(linesOf((e.path() / "train_loss.txt").string()).size(), 1u);
        }
    EXPECT_EQ(previous, 1);
}

TEST(EndToEnd, ConcatenationEncoderRunsForKEqualsFour)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 400, 120);
    auto j = tinyConfig(tmp / "data", tmp / "save", 1);
    j["k_vals"] = {4};
    j["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"concat", "sub"})});
    j["losses"] = {"mse"};
    const RunConfig config = onlyRun(j);
    EXPECT_EQ(config.batchSize, 16);
    const RunSummary s = Trainer(config, {}).run();
    EXPECT_EQ(s.epochsCompleted, 1);
    EXPECT_TRUE(fs::exists(tmp / "save/mnist/base-mlp/k4/mse/concat/sub/train_loss.txt"));
}

TEST(EndToEnd, TrainsAndCachesABaseModelWhenNoneExists)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 400, 120);
    auto j = tinyConfig(tmp / "data", tmp / "save", 1);
    j["base_weights"] = "train";
    j["models_dir"] = tmp / "models";
    j["base_train_epochs"] = 3;
    std::vector<std::string> messages;
    struct Collect : TrainingObserver {
        std::vector<std::string>* out;
        void message(const std::string& line) override { out->push_back(line); }
    } observer;
    observer.out = &messages;
    const RunSummary s = Trainer(onlyRun(j), {}, &observer).run();
    const std::string cache = tmp / "models/mnist/base-mlp/model.pt";
    ASSERT_TRUE(fs::exists(cache));
    const StateDict weights = readStateDict(cache);
    EXPECT_EQ(weights.size(), 6u);
    // The bars are easy: three epochs learn them well.
    ASSERT_EQ(s.baseAccuracies.size(), 2u);
    EXPECT_GT(s.baseAccuracies[1].accuracy(), 0.9);
    bool printedTraining = false;
    for (const auto& m : messages)
        printedTraining |= m.rfind("Base model training epoch 3/3", 0) == 0;
    EXPECT_TRUE(printedTraining);
}

TEST(EndToEnd, MissingDataDirectoryIsAClearError)
{
    test::TempDir tmp;
    const RunConfig config = onlyRun(tinyConfig(tmp / "nowhere", tmp / "save", 1));
    try {
        Trainer(config, {}).run();
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(tmp / "nowhere"), std::string::npos) << e.what();
    }
}

// Issue 13, item 7: the files a run names are checked before its data is
// read: a damaged weights file is the error even where the data would also
// fail (and a custom data directory gets no advice about Debian's package).
TEST(EndToEnd, AnUnreadableWeightsFileIsReportedBeforeTheData)
{
    test::TempDir tmp;
    std::ofstream(tmp / "bad.pt") << "not a weights file";
    auto j = tinyConfig(tmp / "nowhere", tmp / "save", 1);
    j["base_weights"] = tmp / "bad.pt";
    try {
        Trainer(onlyRun(j), {}).run();
        FAIL() << "expected an error";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(tmp / "bad.pt"), std::string::npos) << what;
        EXPECT_EQ(what.find(tmp / "nowhere"), std::string::npos) << what;
    }
    j["base_weights"] = tmp / "missing.pt";
    try {
        Trainer(onlyRun(j), {}).run();
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("missing.pt: base-model weights file not found"), std::string::npos)
            << e.what();
    }
    j.erase("base_weights");
    j["datasets"] = {"fashion-mnist"};
    try {
        Trainer(onlyRun(j), {}).run();
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).find("install Debian"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(tmp / "save")); // nothing written for runs that never started
}

// Issue 12, item 6: the base_weights file is read once per run. What
// checkInputFiles read is what build loads, even when the file has changed
// (here: been damaged) in between.
TEST(EndToEnd, TheWeightsFileIsReadOncePerRun)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 40, 20);
    const Catalog& catalog = Catalog::instance();
    auto net = catalog.model("base-mlp")->create(*catalog.dataset("mnist"));
    {
        torch::NoGradGuard noGrad;
        for (auto& p : net->parameters())
            p.fill_(0.25);
    }
    writeStateDict(tmp / "base.pt", stateDictOf(*net));
    auto j = tinyConfig(tmp / "data", tmp / "save", 1);
    j["base_weights"] = tmp / "base.pt";
    RunComponents parts(onlyRun(j), Purpose::Training);
    parts.checkInputFiles();
    std::ofstream(tmp / "base.pt", std::ios::trunc) << "damaged after the check";
    parts.build(parts.loadData(nullptr), nullptr, {});
    EXPECT_EQ(parts.baseSource, tmp / "base.pt");
    for (const auto& p : parts.base->parameters())
        EXPECT_TRUE(p.eq(0.25).all().item<bool>());
    // Without the check, build reads the file itself, and says it is damaged.
    RunComponents unchecked(onlyRun(j), Purpose::Training);
    EXPECT_THROW(unchecked.build(unchecked.loadData(nullptr), nullptr, {}), Error);
}

// Learned mode (issue 4 item 3): encoder and decoder learn, the parity model
// is a frozen copy of the base model (docs/BEHAVIOUR.md §5), for each loss.
class LearnedMode : public ::testing::TestWithParam<const char*> {};

TEST_P(LearnedMode, TrainsEncoderAndDecoderAroundAFrozenParityModel)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 400, 120);
    auto j = tinyConfig(tmp / "data", tmp / "save", 2);
    j["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"mlp", "mlp"})});
    j["losses"] = {GetParam()};
    j["train_encoder"] = true;
    j["train_decoder"] = true;
    j["train_parity_model"] = false;
    const RunConfig config = onlyRun(j);
    const RunSummary s = Trainer(config, {}).run();
    EXPECT_EQ(s.epochsCompleted, 2);
    const Checkpoint c = Checkpoint::load(config.runDir() + "/current.pth");
    EXPECT_TRUE(c.tensors.count("encoder"));
    EXPECT_TRUE(c.tensors.count("decoder"));
    EXPECT_TRUE(c.tensors.count("encoder_opt"));
    EXPECT_FALSE(c.tensors.count("parity_model")); // frozen: nothing to save
    const auto losses = linesOf(config.runDir() + "/train_loss.txt");
    ASSERT_EQ(losses.size(), 2u);
    EXPECT_LT(std::stod(losses[1]), std::stod(losses[0])); // it learns
}

INSTANTIATE_TEST_SUITE_P(Losses, LearnedMode, ::testing::Values("mse", "kldiv", "ce"));

TEST(EndToEnd, ResNet18ParityModelOnGreyImagesTrainsItsOwnBaseModel)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 200, 60);
    auto j = tinyConfig(tmp / "data", tmp / "save", 1);
    j["models"] = {"resnet18"};
    j["base_weights"] = "train";
    j["base_train_epochs"] = 1;
    j["models_dir"] = tmp / "models";
    const RunConfig config = onlyRun(j);
    const RunSummary s = Trainer(config, {}).run();
    EXPECT_EQ(s.epochsCompleted, 1);
    EXPECT_TRUE(fs::exists(tmp / "models/mnist/resnet18/model.pt"));
    EXPECT_EQ(readStateDict(tmp / "models/mnist/resnet18/model.pt").size(),
              stateDictOf(*Catalog::instance().model("resnet18")->create(*Catalog::instance().dataset("mnist"))).size());
    EXPECT_EQ(linesOf(config.runDir() + "/val_overall_top1.txt").size(), 1u);
}
