// The reconstruction inspector against the trainer it looks into (issue:
// gui-inspector, items 1-2).
#include "support/TinyCub.h"
#include "support/TinyDataset.h"

#include "config/SweepConfig.h"
#include "io/Checkpoint.h"
#include "events/CancelToken.h"
#include "training/LocalizationMetrics.h"
#include "training/ReconstructionInspector.h"
#include "training/Trainer.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;
using namespace parity;

namespace {

struct TrainedRun {
    RunConfig config;
    std::map<int, EpochSummary> epochs;
    std::string dir;
};

TrainedRun train(const std::string& dataDir, const std::string& saveDir, const std::string& encoder,
                 const std::string& decoder, bool trainEncoder, bool trainDecoder, int epochs)
{
    const nlohmann::json j = {{"num_epoch", epochs},
                              {"k_vals", {2}},
                              {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({encoder, decoder})})},
                              {"datasets", {"mnist"}},
                              {"models", {"base-mlp"}},
                              {"losses", {"torch.nn.MSELoss"}},
                              {"train_parity_model", true},
                              {"train_encoder", trainEncoder},
                              {"train_decoder", trainDecoder},
                              {"data_dir", dataDir},
                              {"save_dir", saveDir},
                              {"val_size", 100},
                              {"batch_size", 16},
                              {"seed", 11}};
    struct Collect : TrainingObserver {
        std::map<int, EpochSummary>* out;
        void epochFinished(const EpochSummary& s) override { (*out)[s.epoch] = s; }
    } observer;
    TrainedRun run;
    observer.out = &run.epochs;
    run.config = SweepConfig::fromJson(j, "test").runs().front();
    Trainer(run.config, {}, &observer).run();
    run.dir = run.config.runDir();
    return run;
}

class InspectorTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_tmp = new test::TempDir;
        test::writeTinyMnist(*s_tmp / "data", 600, 120);
        s_addSub = new TrainedRun(train(*s_tmp / "data", *s_tmp / "save", "add", "sub", false, false, 2));
    }
    static void TearDownTestSuite()
    {
        delete s_addSub;
        delete s_tmp;
    }
    static std::string best() { return s_addSub->dir + "/best.pth"; }
    static std::string current() { return s_addSub->dir + "/current.pth"; }

    static test::TempDir* s_tmp;
    static TrainedRun* s_addSub;
};

test::TempDir* InspectorTest::s_tmp = nullptr;
TrainedRun* InspectorTest::s_addSub = nullptr;

bool hasMismatch(const InspectedGroup& g)
{
    for (const auto& p : g.positions)
        if (!p.matchesBase)
            return true;
    return false;
}

} // namespace

TEST_F(InspectorTest, GroupHoldsKImagesAndKPositionsOverTheClasses)
{
    auto inspector = ReconstructionInspector::open(best());
    EXPECT_EQ(inspector->groupCount("val"), 50); // val_size 100, k = 2
    EXPECT_EQ(inspector->groupCount("test"), 60);
    EXPECT_EQ(inspector->config().k, 2);
    const InspectedGroup g = inspector->inspect("test", 3);
    EXPECT_EQ(g.split, "test");
    EXPECT_EQ(g.group, 3);
    EXPECT_EQ(g.groupCount, 60);
    ASSERT_EQ(g.inputs.size(), 2u);
    for (const auto& img : g.inputs) {
        EXPECT_EQ(img.channels, 1);
        EXPECT_EQ(img.height, 28);
        EXPECT_EQ(img.width, 28);
        ASSERT_EQ(img.pixels.size(), 784u);
        for (float v : img.pixels)
            ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
    }
    EXPECT_EQ(g.parityQuery.channels, 1);
    EXPECT_EQ(g.parityQuery.height, 28);
    EXPECT_EQ(g.parityQuery.width, 28);
    ASSERT_EQ(g.classNames.size(), 10u);
    ASSERT_EQ(g.positions.size(), 2u);
    for (int e = 0; e < 2; ++e) {
        const auto& p = g.positions[size_t(e)];
        EXPECT_EQ(p.sample, 3 * 2 + e); // the test split is never shuffled
        EXPECT_EQ(p.baseOutput.size(), 10u);
        EXPECT_EQ(p.reconstructed.size(), 10u);
        EXPECT_EQ(p.matchesBase, p.basePrediction == p.reconstructedPrediction);
        EXPECT_EQ(p.correct, p.label == p.reconstructedPrediction);
    }
    // The parity query of the addition encoder is the sum of the two inputs,
    // min-max scaled.
    std::vector<float> sum(784);
    float lo = 1e9f, hi = -1e9f;
    for (size_t i = 0; i < 784; ++i) {
        sum[i] = g.inputs[0].pixels[i] + g.inputs[1].pixels[i];
        lo = std::min(lo, sum[i]);
        hi = std::max(hi, sum[i]);
    }
    for (size_t i = 0; i < 784; ++i)
        ASSERT_NEAR(g.parityQuery.pixels[i], (sum[i] - lo) / (hi - lo), 1e-5f);
    EXPECT_THROW(inspector->inspect("test", 60), Error);
    EXPECT_THROW(inspector->inspect("nonsense", 0), Error);
}

TEST_F(InspectorTest, MatchingFractionIsTheTrainersReconstructionTop1)
{
    for (const std::string& file : {best(), current()}) {
        auto inspector = ReconstructionInspector::open(file, nullptr, nullptr, GroupOrder::EpochOrder);
        const int epoch = inspector->epoch();
        ASSERT_TRUE(s_addSub->epochs.count(epoch)) << file;
        const auto& reported = s_addSub->epochs.at(epoch).splits;
        EXPECT_DOUBLE_EQ(inspector->reconstructionTop1("val"), reported.at("val").value("reconstruction_top1")) << file;
        EXPECT_DOUBLE_EQ(inspector->reconstructionTop1("test"), reported.at("test").value("reconstruction_top1"))
            << file;
        // The test split is never shuffled: the split's own order gives the same.
        inspector->setGroupOrder(GroupOrder::SplitOrder);
        EXPECT_DOUBLE_EQ(inspector->reconstructionTop1("test"), reported.at("test").value("reconstruction_top1"))
            << file;
        // And the per-group view agrees with the batch evaluation.
        int64_t hits = 0;
        const int64_t groups = inspector->groupCount("test");
        for (int64_t g = 0; g < groups; ++g)
            for (const auto& p : inspector->inspect("test", g).positions)
                hits += p.matchesBase;
        EXPECT_DOUBLE_EQ(double(hits) / double(2 * groups), reported.at("test").value("reconstruction_top1"));
    }
}

TEST_F(InspectorTest, LearnedCodersComeFromTheCheckpoint)
{
    for (const auto& [encoder, decoder, trainEncoder, trainDecoder] :
         {std::tuple{"mlp", "sub", true, false}, std::tuple{"add", "mlp", false, true}}) {
        const std::string save = *s_tmp / ("save-" + std::string(encoder) + "-" + decoder);
        const TrainedRun run = train(*s_tmp / "data", save, encoder, decoder, trainEncoder, trainDecoder, 1);
        auto inspector = ReconstructionInspector::open(run.dir + "/current.pth", nullptr, nullptr,
                                                       GroupOrder::EpochOrder);
        const auto& reported = run.epochs.at(0).splits;
        EXPECT_DOUBLE_EQ(inspector->reconstructionTop1("val"), reported.at("val").value("reconstruction_top1"))
            << encoder << "/" << decoder;
        EXPECT_DOUBLE_EQ(inspector->reconstructionTop1("test"), reported.at("test").value("reconstruction_top1"))
            << encoder << "/" << decoder;
    }
}

TEST_F(InspectorTest, NextMismatchFindsTheNextGroupWithAMismatch)
{
    auto inspector = ReconstructionInspector::open(best());
    const int64_t groups = inspector->groupCount("val");
    std::vector<bool> mismatch;
    for (int64_t g = 0; g < groups; ++g)
        mismatch.push_back(hasMismatch(inspector->inspect("val", g)));
    ASSERT_NE(std::count(mismatch.begin(), mismatch.end(), true), 0) << "the tiny run reconstructs everything";
    for (int64_t after : {int64_t(-1), int64_t(0), int64_t(17), groups - 1}) {
        const auto next = inspector->nextMismatch("val", after);
        ASSERT_TRUE(next.has_value());
        EXPECT_TRUE(mismatch[size_t(*next)]) << "after " << after;
        for (int64_t g = (after + 1) % groups; g != *next; g = (g + 1) % groups)
            EXPECT_FALSE(mismatch[size_t(g)]) << "skipped group " << g << " after " << after;
    }
}

TEST_F(InspectorTest, NextMismatchStopsWhenCancelled)
{
    auto inspector = ReconstructionInspector::open(best());
    CancelToken cancel;
    cancel.cancel();
    EXPECT_THROW(inspector->nextMismatch("val", -1, &cancel), Cancelled);
    // The inspector stays usable afterwards.
    const CancelToken keepGoing;
    EXPECT_EQ(inspector->nextMismatch("val", -1, &keepGoing), inspector->nextMismatch("val", -1));
}

TEST_F(InspectorTest, MissingOrTruncatedCheckpointThrowsNamingTheFile)
{
    const std::string missing = *s_tmp / "nowhere/best.pth";
    try {
        ReconstructionInspector::open(missing);
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    }
    const std::string truncated = *s_tmp / "truncated.pth";
    fs::copy_file(best(), truncated, fs::copy_options::overwrite_existing);
    fs::resize_file(truncated, fs::file_size(truncated) / 2);
    try {
        ReconstructionInspector::open(truncated);
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(truncated), std::string::npos) << e.what();
    }
}

TEST_F(InspectorTest, ReloadWeightsTakesTheSameRunAndRefusesAnother)
{
    auto inspector = ReconstructionInspector::open(best());
    const Checkpoint last = Checkpoint::load(current());
    inspector->reloadWeights(current());
    EXPECT_EQ(inspector->epoch(), last.epoch);
    EXPECT_EQ(inspector->checkpointPath(), current());
    EXPECT_DOUBLE_EQ(inspector->reconstructionTop1("test"),
                     s_addSub->epochs.at(last.epoch).splits.at("test").value("reconstruction_top1"));

    Checkpoint other = last;
    other.config.seed = 12;
    const std::string otherPath = *s_tmp / "other-seed.pth";
    other.save(otherPath);
    try {
        inspector->reloadWeights(otherPath);
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(otherPath), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("seed"), std::string::npos) << e.what();
    }
    EXPECT_EQ(inspector->checkpointPath(), current()); // the previous weights stay
    EXPECT_THROW(inspector->reloadWeights(*s_tmp / "absent.pth"), Error);
}

namespace {

// The value the trainer wrote for `epoch` to <runDir>/<split>_<metric>.txt
// (one line per epoch, Python's repr: parsing it gives the double back).
double resultFileValue(const std::string& runDir, const std::string& split, const std::string& metric, int epoch)
{
    std::ifstream in(runDir + "/" + split + "_" + metric + ".txt");
    std::string line;
    for (int i = 0; i <= epoch; ++i)
        if (!std::getline(in, line))
            throw std::runtime_error(runDir + ": no line for epoch " + std::to_string(epoch) + " in " + split + "_"
                                     + metric + ".txt");
    return std::stod(line);
}

// Every metric and the loss of val and test, as the inspector scores them
// over the whole split, against the trainer's result files.
void expectInspectorEqualsResultFiles(const std::string& runDir, const std::string& what)
{
    ASSERT_TRUE(fs::exists(runDir + "/current.pth")) << what;
    for (const std::string file : {"best.pth", "current.pth"}) {
        if (!fs::exists(runDir + "/" + file))
            continue; // best.pth: only once val improved
        auto inspector = ReconstructionInspector::open(runDir + "/" + file, nullptr, nullptr, GroupOrder::EpochOrder);
        const int epoch = inspector->epoch();
        for (const std::string split : {"val", "test"}) {
            const SplitMetrics m = inspector->splitMetrics(split);
            ASSERT_FALSE(m.accuracy.empty()) << what;
            for (const auto& [metric, value] : m.accuracy)
                EXPECT_EQ(value, resultFileValue(runDir, split, metric, epoch))
                    << what << " " << file << " " << split << " " << metric;
            EXPECT_EQ(m.loss, resultFileValue(runDir, split, "loss", epoch)) << what << " " << file << " " << split;
        }
    }
}

} // namespace

// Issue 10, item 1: the inspector and the trainer build and evaluate through
// one path (RunComponents, SplitScorer), so the inspector's numbers are the
// result files' for whole splits, for every kind of coder.
TEST_F(InspectorTest, WholeSplitMetricsEqualTheResultFilesForEveryScheme)
{
    expectInspectorEqualsResultFiles(s_addSub->dir, "add/sub");
    for (const auto& [encoder, decoder, trainEncoder, trainDecoder, loss] :
         {std::tuple{"concat", "sub", false, false, "mse"}, std::tuple{"mlp", "sub", true, false, "mse"},
          std::tuple{"add", "mlp", false, true, "mse"}, std::tuple{"mlp", "mlp", true, true, "kldiv"}}) {
        const std::string what = std::string(encoder) + "/" + decoder + "/" + loss;
        const std::string save = *s_tmp / ("whole-" + std::string(encoder) + "-" + decoder + "-" + loss);
        nlohmann::json j = {{"num_epoch", 2},
                            {"k_vals", {2}},
                            {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({encoder, decoder})})},
                            {"datasets", {"mnist"}},
                            {"models", {"base-mlp"}},
                            {"losses", {loss}},
                            {"train_encoder", trainEncoder},
                            {"train_decoder", trainDecoder},
                            {"data_dir", *s_tmp / "data"},
                            {"save_dir", save},
                            {"val_size", 100},
                            {"batch_size", 16},
                            {"seed", 11}};
        const RunConfig config = SweepConfig::fromJson(j, "test").runs().front();
        Trainer(config, {}).run();
        expectInspectorEqualsResultFiles(config.runDir(), what);
    }
}

TEST(InspectorLocalization, WholeSplitMetricsEqualTheResultFiles)
{
    test::TempDir tmp;
    const auto images = test::writeTinyCub(tmp / "data", 2, 6);
    test::writeShiftedBoxes(tmp / "base_boxes.txt", images, 0.05f);
    const nlohmann::json j = {{"num_epoch", 2},
                              {"k_vals", {2}},
                              {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({"add", "sub"})})},
                              {"datasets", {"cub"}},
                              {"models", {"resnet18"}},
                              {"losses", {"mse"}},
                              {"data_dir", tmp / "data"},
                              {"save_dir", tmp / "save"},
                              {"base_boxes", tmp / "base_boxes.txt"},
                              {"val_size", 2},
                              {"batch_size", 2},
                              {"threads", 2},
                              {"seed", 3}};
    const RunConfig config = SweepConfig::fromJson(j, "test").runs().front();
    Trainer(config, {}).run();
    expectInspectorEqualsResultFiles(config.runDir(), "cub localization");
    // The per-group view scores positions as the metrics do (IoU with the base box).
    auto inspector = ReconstructionInspector::open(config.runDir() + "/current.pth", nullptr, nullptr,
                                                   GroupOrder::EpochOrder);
    int64_t hits = 0, positions = 0;
    for (int64_t g = 0; g < inspector->groupCount("test"); ++g)
        for (const auto& p : inspector->inspect("test", g).positions) {
            EXPECT_EQ(p.matchesBase, p.iouWithBase >= LocalizationMetrics::kIouThreshold);
            hits += p.matchesBase;
            ++positions;
        }
    ASSERT_GT(positions, 0);
    EXPECT_EQ(double(hits) / double(positions), inspector->splitMetrics("test").value("reconstruction_acc"));
}
