// Short Trainer runs on generated CIFAR, GCommands and Cat-v-Dog data
// (issue 4): each dataset kind goes through preparation, one epoch and the
// result files; CIFAR's random crop + flip keeps resume exact.
#include "support/TinyAudio.h"
#include "support/TinyCifar.h"
#include "support/TinyCub.h"
#include "support/TinyDataset.h"

#include "config/SweepConfig.h"
#include "support/TinyImages.h"

#include "data/CubFiles.h"
#include "io/StateDict.h"
#include "training/Trainer.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace parity;

namespace {

using test::smokeSweep;

RunConfig onlyRun(const nlohmann::json& j) { return SweepConfig::fromJson(j, "test").runs().front(); }

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

class Messages : public TrainingObserver {
public:
    void message(const std::string& line) override { lines.push_back(line); }
    void progress(const std::string& what, int64_t done, int64_t total) override { progressCalls.push_back(what); }
    std::vector<std::string> lines;
    std::vector<std::string> progressCalls;
};

void expectOneEpochOfResults(const RunConfig& config, const RunSummary& summary)
{
    EXPECT_EQ(summary.epochsCompleted, 1);
    for (const std::string split : {"train", "val", "test"}) {
        const std::string text = slurp(config.runDir() + "/" + split + "_overall_top1.txt");
        EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << split;
        const double v = std::stod(text);
        EXPECT_GE(v, 0.0);
        EXPECT_LE(v, 1.0);
    }
}

} // namespace

TEST(DatasetSmoke, Cifar10Resnet18OneEpochAndExactResume)
{
    test::TempDir tmp;
    test::writeTinyCifar(tmp / "data", 10, 8, 8);
    const RunConfig straight = onlyRun(smokeSweep("cifar10", "resnet18", tmp, 2));
    Messages messages;
    const RunSummary s = Trainer(straight, {}, &messages).run();
    EXPECT_EQ(s.epochsCompleted, 2);
    EXPECT_NE(std::find_if(messages.lines.begin(), messages.lines.end(),
                           [](const std::string& l) {
                               return l.rfind("Base model test accuracy is ", 0) == 0
                                      && l.find(" / 8 = ") != std::string::npos;
                           }),
              messages.lines.end());

    // The same run stopped after epoch 0 and resumed: the crops of epoch 1
    // depend only on the seed, the epoch and the sample.
    auto j = smokeSweep("cifar10", "resnet18", tmp, 1);
    j["save_dir"] = tmp / "resumed";
    Trainer(onlyRun(j), {}).run();
    j["num_epoch"] = 2;
    const RunConfig second = onlyRun(j);
    TrainerOptions resume;
    resume.continueFrom = second.runDir() + "/current.pth";
    Trainer(second, resume).run();
    for (const std::string f : {"train_loss.txt", "train_overall_top1.txt", "val_loss.txt", "test_loss.txt"})
        EXPECT_EQ(slurp(straight.runDir() + "/" + f), slurp(second.runDir() + "/" + f)) << f;
}

TEST(DatasetSmoke, Cifar100ConcatenationEncoderOneEpoch)
{
    test::TempDir tmp;
    test::writeTinyCifar(tmp / "data/cifar-100-binary", 100, 4, 6);
    auto j = smokeSweep("cifar100", "resnet18", tmp, 1);
    j["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"concat", "sub"})});
    const RunConfig config = onlyRun(j);
    expectOneEpochOfResults(config, Trainer(config, {}).run());
}

TEST(DatasetSmoke, GCommandsLenetOneEpochStreamsWithProgress)
{
    test::TempDir tmp;
    test::writeTinyGCommands(tmp / "data", {"down", "go", "yes"}, 4, 2);
    const RunConfig config = onlyRun(smokeSweep("gcommands", "lenet", tmp, 1));
    Messages messages;
    const RunSummary s = Trainer(config, {}, &messages).run();
    expectOneEpochOfResults(config, s);
    EXPECT_EQ(s.baseAccuracies[0].total, 12);
    EXPECT_NE(std::find(messages.progressCalls.begin(), messages.progressCalls.end(), "Preparing val split"),
              messages.progressCalls.end());
}

TEST(DatasetSmoke, CatVDogResnet18OneEpochFromPngAndJpeg)
{
    test::TempDir tmp;
    test::writeTinyCatVDog(tmp / "data", 6, 2);
    const RunConfig config = onlyRun(smokeSweep("cat_v_dog", "resnet18", tmp, 1));
    const RunSummary s = Trainer(config, {}).run();
    expectOneEpochOfResults(config, s);
    EXPECT_EQ(s.baseAccuracies[0].total, 12);
    EXPECT_EQ(s.baseAccuracies[1].total, 4);
}

TEST(DatasetSmoke, CatVDogBadImageStopsPreparationNamingTheFile)
{
    test::TempDir tmp;
    test::writeTinyCatVDog(tmp / "data", 2, 1);
    {
        std::ofstream f(tmp / "data/test/cat/broken.png");
        f << "no PNG signature here";
    }
    const RunConfig config = onlyRun(smokeSweep("cat_v_dog", "resnet18", tmp, 1));
    try {
        Trainer(config, {}).run();
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("broken.png"), std::string::npos) << e.what();
    }
}

// Object localization (issue 4, item 7): generated pictures with drawn
// rectangles; the base model is trained here (box regression), the parity
// model starts at k times the mean box, and the result files carry the IoU
// metrics instead of top-n.
TEST(DatasetSmoke, CubResnet18LocalizationOneEpoch)
{
    test::TempDir tmp;
    test::writeTinyCub(tmp / "data", 2, 10);
    const RunConfig config = onlyRun(smokeSweep("cub", "resnet18", tmp, 1));
    Messages messages;
    const RunSummary s = Trainer(config, {}, &messages).run();
    EXPECT_EQ(s.epochsCompleted, 1);
    EXPECT_EQ(s.baseAccuracies[0].total, 16);
    EXPECT_EQ(s.baseAccuracies[1].total, 4);
    for (const std::string split : {"train", "val", "test"}) {
        for (const std::string metric :
             {"localization_acc", "reconstruction_acc", "mean_iou", "mean_reconstruction_iou"}) {
            const std::string text = slurp(config.runDir() + "/" + split + "_" + metric + ".txt");
            EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << split << metric;
            const double v = std::stod(text);
            EXPECT_GE(v, 0.0);
            EXPECT_LE(v, 1.0);
        }
        EXPECT_FALSE(std::filesystem::exists(config.runDir() + "/" + split + "_overall_top1.txt"));
    }
    const std::string csv = slurp(config.runDir() + "/metrics.csv");
    EXPECT_EQ(csv.rfind("epoch,split,loss,localization_acc,reconstruction_acc,mean_iou,mean_reconstruction_iou,", 0), 0u)
        << csv;

    // The parity model's last bias started at k x the mean training box and
    // moved little in a few Adam steps (lr 1e-3).
    const at::Tensor meanBox = loadCubDirectory(tmp / "data").train.boxes.mean(0);
    const StateDict parity = readStateDict(config.runDir() + "/current.pth", "parity_model");
    const auto fcBias = std::find_if(parity.begin(), parity.end(), [](const auto& e) { return e.first == "fc.bias"; });
    ASSERT_NE(fcBias, parity.end());
    EXPECT_TRUE(fcBias->second.allclose(meanBox * 2, 0, 0.05)) << fcBias->second << meanBox * 2;
}

TEST(DatasetSmoke, CubImportedBaseBoxesReplaceTheBaseModel)
{
    test::TempDir tmp;
    const auto images = test::writeTinyCub(tmp / "data", 2, 5);
    test::writeShiftedBoxes(tmp / "base_boxes.txt", images, 0.0f); // the truth itself
    auto j = smokeSweep("cub", "resnet18", tmp, 1);
    j["base_boxes"] = tmp / "base_boxes.txt";
    const RunConfig config = onlyRun(j);
    Messages messages;
    const RunSummary s = Trainer(config, {}, &messages).run();
    EXPECT_EQ(s.epochsCompleted, 1);
    // No base model was trained, and the imported boxes are all right.
    EXPECT_TRUE(std::none_of(messages.lines.begin(), messages.lines.end(),
                             [](const std::string& l) { return l.find("training one") != std::string::npos; }));
    EXPECT_NE(std::find(messages.lines.begin(), messages.lines.end(), "Base model train accuracy is 8 / 8 = 1.0"),
              messages.lines.end());
    EXPECT_NE(std::find(messages.lines.begin(), messages.lines.end(), "Base model test accuracy is 2 / 2 = 1.0"),
              messages.lines.end());
}
