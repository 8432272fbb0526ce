// "Bring your own model" (issue 4, item 8): a TorchScript file made with
// Python (tests/data/torchscript/make_tiny_cnn.py) is the base model, and its
// parity copy — the same layers, freshly initialised — trains in C++.
#include "support/TinyDataset.h"

#include "TestPaths.h"
#include "catalog/Catalog.h"
#include "config/SweepConfig.h"
#include "io/StateDict.h"
#include "models/TorchScriptNetwork.h"
#include "training/BaseModelProvider.h"
#include "training/Trainer.h"
#include "util/Error.h"

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/utils.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace parity;

namespace {

const std::string kFixture = std::string(PARITY_TEST_DATA_DIR) + "/torchscript/tiny_cnn.pt";

nlohmann::json scriptConfig(const test::TempDir& tmp)
{
    return {{"num_epoch", 2},
            {"k_vals", {2}},
            {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({"add", "sub"})})},
            {"datasets", {"mnist"}},
            {"models", {"torchscript"}},
            {"model_script", kFixture},
            {"losses", {"mse"}},
            {"data_dir", tmp / "data"},
            {"save_dir", tmp / "save"},
            {"batch_size", 8},
            {"threads", 2},
            {"seed", 5}};
}

} // namespace

TEST(TorchScriptNetwork, LoadsWithPythonNamesAndOutputs)
{
    TorchScriptNetwork net(kFixture, {1, 28, 28});
    const auto dict = stateDictOf(net);
    std::vector<std::string> names;
    for (const auto& [name, t] : dict)
        names.push_back(name);
    // The Python state_dict names: features.0 Conv2d, features.1 BatchNorm2d, classifier Linear.
    const std::vector<std::string> expected = {"features.0.weight",
                                               "features.0.bias",
                                               "features.1.weight",
                                               "features.1.bias",
                                               "features.1.running_mean",
                                               "features.1.running_var",
                                               "features.1.num_batches_tracked",
                                               "classifier.weight",
                                               "classifier.bias"};
    EXPECT_EQ(names, expected);
    EXPECT_EQ(countParameters(net), 4 * 9 + 4 + 4 + 4 + 196 * 10 + 10);
    EXPECT_TRUE(net.layersWithoutFreshInit().empty());

    // Reference logits printed by make_tiny_cnn.py for an input of ones.
    torch::NoGradGuard noGrad;
    const at::Tensor out = net.forward(at::ones({784}));
    ASSERT_EQ(out.sizes(), (at::IntArrayRef{1, 10}));
    EXPECT_NEAR(out[0][0].item<double>(), 0.3426339626312256, 1e-5);
    EXPECT_NEAR(out[0][1].item<double>(), -0.03504437953233719, 1e-5);
    EXPECT_NEAR(out[0][2].item<double>(), 0.44202813506126404, 1e-5);
}

TEST(TorchScriptNetwork, MirroredParametersShareStorageWithTheScript)
{
    TorchScriptNetwork net(kFixture, {1, 28, 28});
    torch::NoGradGuard noGrad;
    const at::Tensor before = net.forward(at::ones({1, 784}));
    for (auto& p : net.parameters())
        p.zero_();
    const at::Tensor after = net.forward(at::ones({1, 784}));
    EXPECT_FALSE(before.equal(after));
    EXPECT_TRUE(after.equal(at::zeros({1, 10}))); // the script sees the zeroed weights
}

TEST(TorchScriptNetwork, FreshCopyFollowsTheRulesByLayerKind)
{
    TorchScriptNetwork base(kFixture, {1, 28, 28});
    auto copy = std::make_shared<TorchScriptNetwork>(kFixture, ImageShape{1, 28, 28}); // as the trainer holds it
    torch::manual_seed(3);
    initFreshWeights(*copy);
    auto p = copy->named_parameters();
    auto b = copy->named_buffers();
    EXPECT_TRUE(p["features.0.bias"].eq(0).all().item<bool>());
    EXPECT_TRUE(p["features.1.weight"].eq(1).all().item<bool>());
    EXPECT_TRUE(p["features.1.bias"].eq(0).all().item<bool>());
    EXPECT_TRUE(p["classifier.bias"].eq(0).all().item<bool>());
    EXPECT_TRUE(b["features.1.running_var"].eq(1).all().item<bool>());
    // Linear ~ N(0, 0.01): 1960 draws.
    EXPECT_NEAR(p["classifier.weight"].std().item<double>(), 0.01, 0.001);
    // Xavier-uniform, gain sqrt(2): bound = sqrt(2) * sqrt(6 / (fan_in + fan_out)) = sqrt(12 / (9 + 36)).
    EXPECT_LE(p["features.0.weight"].abs().max().item<double>(), std::sqrt(12.0 / 45.0) + 1e-6);
    // The base model is a separate object: untouched.
    EXPECT_FALSE(base.named_parameters()["classifier.weight"].equal(p["classifier.weight"]));
}

TEST(TorchScriptNetwork, ValidationNeedsTheFile)
{
    test::TempDir tmp;
    RunConfig run = SweepConfig::fromJson(scriptConfig(tmp), "test").runs().front();
    EXPECT_TRUE(validateRun(run).empty());
    run.modelScript.clear();
    auto why = validateRun(run);
    ASSERT_EQ(why.size(), 1u);
    EXPECT_NE(why[0].find("model_script"), std::string::npos);
    run.modelScript = (tmp / "missing.pt");
    why = validateRun(run);
    ASSERT_EQ(why.size(), 1u);
    EXPECT_NE(why[0].find("not found"), std::string::npos);
}

TEST(TorchScriptNetwork, WrongClassCountIsRefusedWithASentence)
{
    // cifar-shaped input fails inside the script (it expects one channel).
    const DatasetEntry& cifar = *Catalog::instance().dataset("cifar10");
    RunConfig run;
    run.model = "torchscript";
    run.modelScript = kFixture;
    EXPECT_THROW(BaseModelProvider::fromModelFile(run, cifar, *Catalog::instance().model("torchscript")), Error);
}

TEST(TorchScriptNetwork, IsTheBaseModelAndItsParityCopyTrains)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 160, 48);
    const RunConfig config = SweepConfig::fromJson(scriptConfig(tmp), "test").runs().front();
    EXPECT_EQ(config.runDir(), tmp / "save/mnist/torchscript/k2/mse/add/sub");
    std::vector<std::string> lines;
    struct Lines : TrainingObserver {
        std::vector<std::string>* out;
        void message(const std::string& line) override { out->push_back(line); }
    } observer;
    observer.out = &lines;
    Trainer trainer(config, {}, &observer);
    const RunSummary summary = trainer.run();
    EXPECT_EQ(summary.epochsCompleted, 2);
    bool sawBaseAccuracy = false;
    for (const auto& l : lines)
        sawBaseAccuracy = sawBaseAccuracy || l.rfind("Base model train accuracy is", 0) == 0;
    EXPECT_TRUE(sawBaseAccuracy);

    // The loss falls from the first epoch to the second, and the checkpoint
    // holds the parity copy under the Python names.
    std::ifstream in(config.runDir() + "/train_loss.txt");
    double first = 0, second = 0;
    in >> first >> second;
    EXPECT_GT(first, 0.0);
    EXPECT_LT(second, first);
    const StateDict parity = readStateDict(config.runDir() + "/current.pth", "parity_model");
    ASSERT_FALSE(parity.empty());
    EXPECT_EQ(parity.front().first, "features.0.weight");
    const StateDict base = readStateDict(config.runDir() + "/current.pth", "base_model");
    TorchScriptNetwork original(kFixture, {1, 28, 28});
    EXPECT_TRUE(base.back().second.equal(original.named_parameters()["classifier.bias"]));
}
