// Coding schemes beyond the original (docs/CODES.md): r parities, learned
// coders with r, Berrut, the erasure sets a run is scored with, and served
// accuracy. Runs on generated MNIST-format data.
#include "support/ErrorOf.h"
#include "support/TinyDataset.h"

#include "config/SweepConfig.h"
#include "events/MetricNames.h"
#include "io/Checkpoint.h"
#include "io/RunDirectory.h"
#include "training/ReconstructionInspector.h"
#include "training/RunComponents.h"
#include "io/ServedAccuracy.h"
#include "training/Trainer.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace parity;

namespace {

nlohmann::json schemeSweep(const test::TempDir& tmp, int epochs, int r, const std::string& coder)
{
    nlohmann::json j = test::tinyMnistSweep(tmp / "data", tmp / "save", epochs);
    j["ec_r"] = r;
    j["val_size"] = 40;
    if (coder == "berrut") {
        j["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"berrut", "berrut"})});
        j["train_parity_model"] = false;
    } else if (coder == "mlp") {
        j["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"mlp", "mlp"})});
        j["train_encoder"] = true;
        j["train_decoder"] = true;
        j["train_parity_model"] = false;
    }
    return j;
}

RunConfig onlyRun(const nlohmann::json& j) { return SweepConfig::fromJson(j, "test").runs().front(); }

using test::linesOf;

std::string configError(const nlohmann::json& j)
{
    return test::errorOf([&] { (void)SweepConfig::fromJson(j, "cfg.json"); });
}

} // namespace

TEST(CodingSchemes, TwoParitiesTrainTwoModelsAndScoreEveryErasedSet)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 300, 90);
    const RunConfig config = onlyRun(schemeSweep(tmp, 2, 2, "add"));
    EXPECT_NE(config.runDir().find("/k2_r2/"), std::string::npos) << config.runDir();
    Trainer(config, {}).run();

    const std::string dir = config.runDir();
    // e = 1 keeps the original's file names, e = 2 gets its own.
    EXPECT_EQ(linesOf(dir + "/test_reconstruction_top1.txt").size(), 2u);
    EXPECT_EQ(linesOf(dir + "/test_reconstruction_top1_e2.txt").size(), 2u);
    const auto csv = linesOf(dir + "/metrics.csv");
    ASSERT_EQ(csv.size(), 1u + 2 * 3 * 2); // header, epochs x splits x e
    EXPECT_EQ(csv[0].rfind("epoch,split,erased,loss,", 0), 0u) << csv[0];
    EXPECT_EQ(csv[1].rfind("0,train,1,", 0), 0u);
    EXPECT_EQ(csv[2].rfind("0,train,2,", 0), 0u);

    const RunContents run = RunDirectory(dir).read();
    ASSERT_EQ(run.epochs.size(), 2u);
    const SplitMetrics& test = run.epochs.back().splits.at("test");
    EXPECT_TRUE(test.accuracy.count("reconstruction_top1"));
    EXPECT_TRUE(test.accuracy.count("overall_top1_e2"));
    EXPECT_EQ(run.epochs.back().splits.size(), 3u);

    // Two parity models, each with its own weights and Adam state.
    const Checkpoint c = Checkpoint::load(dir + "/current.pth");
    ASSERT_TRUE(c.tensors.count("parity_model") && c.tensors.count("parity_model_2"));
    ASSERT_TRUE(c.tensors.count("opt") && c.tensors.count("opt_2"));
    const auto& first = c.tensors.at("parity_model");
    const auto& second = c.tensors.at("parity_model_2");
    ASSERT_EQ(first.size(), second.size());
    EXPECT_FALSE(at::equal(first.begin()->second, second.begin()->second));

    // Served accuracy: nothing missing is the base model's test accuracy.
    const ServedAccuracy served = readServedAccuracyCsv(dir + "/" + runfiles::kServedAccuracy);
    ASSERT_EQ(served.byErased.size(), 3u); // e = 0..k
    ASSERT_FALSE(run.baseAccuracies.empty());
    double baseTest = 0;
    for (const auto& acc : run.baseAccuracies)
        if (acc.split == "test")
            baseTest = acc.accuracy();
    EXPECT_DOUBLE_EQ(served.byErased[0], baseTest);
    // Both missing: both reconstructed from the two parities.
    EXPECT_DOUBLE_EQ(served.byErased[2], test.value("overall_top1_e2"));

    // A resume goes on with both models and records each epoch once.
    RunConfig longer = config;
    longer.numEpochs = 3;
    TrainerOptions resume;
    resume.continueFrom = dir + "/current.pth";
    Trainer(longer, resume).run();
    EXPECT_EQ(linesOf(dir + "/test_reconstruction_top1_e2.txt").size(), 3u);
    EXPECT_EQ(linesOf(dir + "/metrics.csv").size(), 1u + 3 * 3 * 2);
}

// The inspector decodes a chosen missing set as the scorer does: over every
// group and every e = 2 pattern, its decoded positions match the base model
// exactly as often as the run's recorded reconstruction_top1_e2 says.
TEST(CodingSchemes, TheInspectorDecodesAChosenMissingSetAsTheMetricsDo)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 300, 90);
    nlohmann::json j = schemeSweep(tmp, 1, 2, "add");
    j["k_vals"] = {3};
    const RunConfig config = onlyRun(j);
    Trainer(config, {}).run();
    const auto inspector = ReconstructionInspector::open(config.runDir() + "/current.pth", nullptr, nullptr,
                                                         GroupOrder::EpochOrder);
    EXPECT_FALSE(inspector->decodesEveryPosition());
    const auto patterns = inspector->erasurePatterns();
    ASSERT_EQ(patterns.size(), 6u); // {0} {1} {2} {0,1} {0,2} {1,2}
    EXPECT_EQ(patterns[3], (std::vector<int>{0, 1}));

    int64_t hits = 0, total = 0;
    const int64_t groups = inspector->groupCount("test");
    for (int64_t g = 0; g < groups; ++g)
        for (size_t p = 3; p < patterns.size(); ++p) {
            const InspectedGroup group = inspector->inspectMissing("test", g, patterns[p]);
            EXPECT_FALSE(group.oneAtATime);
            ASSERT_EQ(group.positions.size(), 3u);
            for (int i = 0; i < 3; ++i) {
                const InspectedPosition& pos = group.positions[size_t(i)];
                const bool missing = std::count(patterns[p].begin(), patterns[p].end(), i) > 0;
                EXPECT_EQ(pos.decoded, missing);
                if (!missing) {
                    EXPECT_EQ(pos.reconstructed, pos.baseOutput); // available: served as it is
                    continue;
                }
                hits += pos.matchesBase;
                ++total;
            }
        }
    const RunContents run = RunDirectory(config.runDir()).read();
    EXPECT_DOUBLE_EQ(double(hits) / double(total), run.epochs.back().splits.at("test").value("reconstruction_top1_e2"));

    // One missing position, chosen, is what the default view decodes there.
    const InspectedGroup single = inspector->inspectMissing("val", 0, {1});
    EXPECT_EQ(single.positions[1].reconstructed, inspector->inspect("val", 0).positions[1].reconstructed);

    const auto errorOf = [&](std::vector<int> missing) {
        return test::errorOf([&] { (void)inspector->inspectMissing("val", 0, missing); });
    };
    EXPECT_NE(errorOf({0, 0}).find("named twice"), std::string::npos);
    EXPECT_NE(errorOf({3}).find("units run 0..2 (data positions)"), std::string::npos) << errorOf({3});
    EXPECT_NE(errorOf({0, 1, 2}).find("decodes 1 to 2 missing units"), std::string::npos) << errorOf({0, 1, 2});
    EXPECT_NE(errorOf({}).find("missing set {}"), std::string::npos);
}

TEST(CodingSchemes, TheInspectorDecodesBerrutFromTheWorkersLeft)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 200, 60);
    const RunConfig config = onlyRun(schemeSweep(tmp, 0, 1, "berrut")); // k = 2, N = 3
    Trainer(config, {}).run();
    const auto inspector = ReconstructionInspector::open(config.runDir() + "/current.pth");
    EXPECT_TRUE(inspector->decodesEveryPosition());
    EXPECT_EQ(inspector->erasurePatterns().size(), 7u); // C(3,0) + C(3,1) + C(3,2)
    // Nothing missing is the default view: every position decoded from all workers.
    const InspectedGroup none = inspector->inspectMissing("val", 0, {});
    const InspectedGroup plain = inspector->inspect("val", 0);
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_TRUE(none.positions[i].decoded);
        EXPECT_EQ(none.positions[i].reconstructed, plain.positions[i].reconstructed);
    }
    // Two of three workers missing: still both positions decoded, differently.
    const InspectedGroup two = inspector->inspectMissing("val", 0, {2, 0});
    EXPECT_EQ(two.missing, (std::vector<int>{0, 2}));
    EXPECT_TRUE(two.positions[0].decoded && two.positions[1].decoded);
    EXPECT_NE(two.positions[0].reconstructed, none.positions[0].reconstructed);
    EXPECT_NE(test::errorOf([&] { (void)inspector->inspectMissing("val", 0, {3}); }).find("units run 0..2 (workers)"),
              std::string::npos);
    EXPECT_NE(test::errorOf([&] {
                  (void)inspector->inspectMissing("val", 0, {0, 1, 2});
              }).find("decodes 0 to 2"),
              std::string::npos);
}

TEST(CodingSchemes, ResumingWithAnotherRIsRefusedNamingTheKey)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 200, 60);
    const RunConfig two = onlyRun(schemeSweep(tmp, 1, 2, "mlp"));
    Trainer(two, {}).run();
    RunConfig one = onlyRun(schemeSweep(tmp, 2, 1, "mlp"));
    TrainerOptions resume;
    resume.continueFrom = two.runDir() + "/current.pth";
    const std::string error = test::errorOf([&] { Trainer(one, resume).run(); });
    EXPECT_NE(error.find("'r' differs"), std::string::npos) << error;
}

TEST(CodingSchemes, LearnedCodersWithTwoParitiesTrainOnEveryErasurePattern)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 200, 60);
    const RunConfig config = onlyRun(schemeSweep(tmp, 1, 2, "mlp"));
    RunComponents parts(config, Purpose::Training);
    parts.buildUnloaded();
    ASSERT_EQ(parts.erasures().size(), 2u);
    EXPECT_EQ(parts.erasures()[1].patterns.size(), 1u); // k = 2: {0, 1}
    Trainer(config, {}).run();
    const std::string dir = config.runDir();
    EXPECT_EQ(linesOf(dir + "/val_overall_top1_e2.txt").size(), 1u);
    const Checkpoint c = Checkpoint::load(dir + "/current.pth");
    // MLPDecoder with k + r = 4 inputs of 10 classes: first layer 40 x 40.
    const auto& decoder = c.tensors.at("decoder");
    const auto first = std::find_if(decoder.begin(), decoder.end(),
                                    [](const auto& e) { return e.first == "nn.0.weight"; });
    ASSERT_NE(first, decoder.end());
    EXPECT_EQ(first->second.sizes(), (at::IntArrayRef{40, 40}));
}

TEST(CodingSchemes, BerrutEvaluatesOnceWithZeroEpochsAndTrainsNothing)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 200, 60);
    nlohmann::json j = schemeSweep(tmp, 0, 1, "berrut");
    j["k_vals"] = {3};
    const RunConfig config = onlyRun(j);
    RunComponents parts(config, Purpose::Training);
    parts.buildUnloaded();
    ASSERT_EQ(parts.erasures().front().erased, 0);
    ASSERT_EQ(parts.erasures().back().erased, 3);
    EXPECT_EQ(parts.erasures()[2].patterns.size(), 6u); // C(4, 2)
    EXPECT_EQ(parts.encoder->outputs(), 4);

    const RunSummary summary = Trainer(config, {}).run();
    EXPECT_EQ(summary.epochsCompleted, 1);
    const std::string dir = config.runDir();
    EXPECT_EQ(linesOf(dir + "/test_overall_top1.txt").size(), 1u);
    EXPECT_EQ(linesOf(dir + "/test_overall_top1_e0.txt").size(), 1u);
    EXPECT_EQ(linesOf(dir + "/test_overall_top1_e3.txt").size(), 1u);
    const ServedAccuracy served = readServedAccuracyCsv(dir + "/" + runfiles::kServedAccuracy);
    ASSERT_EQ(served.byErased.size(), 4u);
    const RunContents run = RunDirectory(dir).read();
    // Every prediction is decoded, also with nothing missing.
    EXPECT_DOUBLE_EQ(served.byErased[0], run.epochs.back().splits.at("test").value("overall_top1_e0"));
    const nlohmann::json record = nlohmann::json::parse(readWholeFile(dir + "/run.json"));
    EXPECT_TRUE(record["erasures"]["every_position_decoded"].get<bool>());
    // Nothing trained: the checkpoint holds no parity model or optimiser.
    const Checkpoint c = Checkpoint::load(dir + "/current.pth");
    EXPECT_FALSE(c.tensors.count("parity_model"));
    EXPECT_FALSE(c.tensors.count("opt"));
    // ... and no loss was computed, so none is recorded: metrics.csv says nan
    // (it said 0.0), there is no <split>_loss.txt, and the loss reads back
    // as absent.
    const auto csv = linesOf(dir + "/metrics.csv");
    ASSERT_GT(csv.size(), 1u);
    EXPECT_EQ(csv[0].rfind("epoch,split,erased,loss,", 0), 0u) << csv[0];
    for (size_t i = 1; i < csv.size(); ++i)
        EXPECT_NE(csv[i].find(",nan,"), std::string::npos) << csv[i];
    for (const char* split : {"train", "val", "test"})
        EXPECT_FALSE(fs::exists(dir + "/" + split + "_loss.txt")) << split;
    for (const auto& [split, metrics] : run.epochs.back().splits)
        EXPECT_FALSE(metrics.hasLoss()) << split;
}

TEST(CodingSchemes, ManyPatternsAreSampledOnceFromTheSeed)
{
    test::TempDir tmp;
    nlohmann::json j = schemeSweep(tmp, 1, 4, "add");
    j["k_vals"] = {8};
    const RunConfig config = onlyRun(j);
    RunComponents parts(config, Purpose::Training);
    parts.buildUnloaded();
    const auto& sets = parts.erasures();
    ASSERT_EQ(sets.size(), 4u);
    EXPECT_EQ(sets[0].patterns.size(), 8u); // e = 1: all
    for (size_t s = 1; s < sets.size(); ++s) {
        EXPECT_EQ(int64_t(sets[s].patterns.size()), kSampledPatternsPerErasure);
        EXPECT_GT(sets[s].possible, kSampledPatternsPerErasure);
        for (const auto& p : sets[s].patterns)
            EXPECT_EQ(int(p.size()), sets[s].erased);
    }
    RunComponents again(config, Purpose::Training);
    again.buildUnloaded();
    EXPECT_EQ(again.erasures()[2].patterns, sets[2].patterns);
    RunConfig other = config;
    other.seed += 1;
    RunComponents reseeded(other, Purpose::Training);
    reseeded.buildUnloaded();
    EXPECT_NE(reseeded.erasures()[2].patterns, sets[2].patterns);
}

TEST(CodingSchemes, EcRIsASweepAxisAfterKVals)
{
    test::TempDir tmp;
    nlohmann::json j = schemeSweep(tmp, 1, 1, "add");
    j["k_vals"] = {2, 3};
    j["ec_r"] = {1, 2};
    const auto runs = SweepConfig::fromJson(j, "cfg.json").runs();
    ASSERT_EQ(runs.size(), 4u);
    EXPECT_EQ(runs[0].k, 2);
    EXPECT_EQ(runs[0].r, 1);
    EXPECT_EQ(runs[1].k, 2);
    EXPECT_EQ(runs[1].r, 2);
    EXPECT_EQ(runs[2].k, 3);
    EXPECT_NE(runs[0].runDir(), runs[1].runDir());
    EXPECT_EQ(runs[1].header().substr(runs[1].header().size() - 4), " r=2");
}

TEST(CodingSchemes, BadSchemesAreRefusedNamingTheKey)
{
    test::TempDir tmp;
    auto with = [&](int k, int r, const std::string& coder) {
        nlohmann::json j = schemeSweep(tmp, 1, r, coder);
        j["k_vals"] = {k};
        return j;
    };
    EXPECT_NE(configError(with(2, 0, "add")).find("ec_r must be at least 1"), std::string::npos);
    EXPECT_NE(configError(with(2, 3, "add")).find("ec_r = 3 exceeds k = 2"), std::string::npos);
    EXPECT_NE(configError(with(2, 9, "berrut")).find("at most 8 parities"), std::string::npos);
    EXPECT_NE(configError(with(2, 3, "berrut")).find("nodes collide"), std::string::npos);
    nlohmann::json concat = with(2, 2, "add");
    concat["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"concat", "sub"})});
    EXPECT_NE(configError(concat).find("ConcatenationEncoder tiles"), std::string::npos);
    nlohmann::json trainedBerrut = with(2, 1, "berrut");
    trainedBerrut["train_parity_model"] = true;
    EXPECT_NE(configError(trainedBerrut).find("Berrut coding trains nothing"), std::string::npos);
    nlohmann::json halfBerrut = with(2, 1, "add");
    halfBerrut["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"berrut", "sub"})});
    EXPECT_NE(configError(halfBerrut).find("go together"), std::string::npos);
    nlohmann::json list = with(2, 1, "add");
    list["ec_r"] = {1, "two"};
    EXPECT_NE(configError(list).find("'ec_r' must be a whole number"), std::string::npos);
    // num_epoch 0 only where nothing trains.
    nlohmann::json zero = with(2, 1, "add");
    zero["num_epoch"] = 0;
    EXPECT_NE(configError(zero).find("num_epoch must be at least 1"), std::string::npos);
}

TEST(ServedAccuracyArithmetic, ParityCodesServeExactPlusReconstructedThenTheDefault)
{
    ServedAccuracyInputs in;
    in.k = 4;
    in.r = 2;
    in.baseAccuracy = 0.9;
    in.defaultAccuracy = 0.1;
    in.decoded = {{1, 0.7}, {2, 0.5}};
    const ServedAccuracy s = computeServedAccuracy(in);
    ASSERT_EQ(s.byErased.size(), 5u);
    EXPECT_DOUBLE_EQ(s.byErased[0], 0.9);
    EXPECT_DOUBLE_EQ(s.byErased[1], (3 * 0.9 + 0.7) / 4);     // 0.85
    EXPECT_DOUBLE_EQ(s.byErased[2], (2 * 0.9 + 2 * 0.5) / 4); // 0.7
    EXPECT_DOUBLE_EQ(s.byErased[3], (1 * 0.9 + 3 * 0.1) / 4); // 0.3: more missing than parities
    EXPECT_DOUBLE_EQ(s.byErased[4], 0.1);
    EXPECT_DOUBLE_EQ(s.noRedundancyByErased[1], (3 * 0.9 + 0.1) / 4);
    // f = 0.1 over k = 4: 0.6561, 0.2916, 0.0486, 0.0036, 0.0001.
    const double expected = 0.6561 * 0.9 + 0.2916 * 0.85 + 0.0486 * 0.7 + 0.0036 * 0.3 + 0.0001 * 0.1;
    ASSERT_EQ(s.fractions.size(), 11u);
    EXPECT_DOUBLE_EQ(s.fractions[2], 0.1);
    EXPECT_NEAR(s.byFraction[2], expected, 1e-12);
    EXPECT_DOUBLE_EQ(s.byFraction[0], 0.9);
    EXPECT_NEAR(s.byFraction[10], expectedServedAccuracy(s.byErased, 0.5), 1e-15);
}

TEST(ServedAccuracyArithmetic, BerrutServesItsDecodedAccuracyAtEveryE)
{
    ServedAccuracyInputs in;
    in.k = 2;
    in.r = 1;
    in.decodesEveryPosition = true;
    in.baseAccuracy = 0.9;
    in.defaultAccuracy = 0.1;
    in.decoded = {{0, 0.8}, {1, 0.6}, {2, 0.4}};
    const ServedAccuracy s = computeServedAccuracy(in);
    EXPECT_EQ(s.byErased, (std::vector<double>{0.8, 0.6, 0.4}));
    // f = 0.2, k = 2: 0.64, 0.32, 0.04.
    EXPECT_NEAR(s.byFraction[4], 0.64 * 0.8 + 0.32 * 0.6 + 0.04 * 0.4, 1e-12);
    in.decoded.erase(2);
    EXPECT_THROW(computeServedAccuracy(in), Error);
}

TEST(ServedAccuracyArithmetic, TheFileReadsBackAndBadFilesNameThemselves)
{
    test::TempDir tmp;
    ServedAccuracyInputs in;
    in.k = 2;
    in.baseAccuracy = 0.875;
    in.defaultAccuracy = 0.125;
    in.decoded = {{1, 0.5}};
    const ServedAccuracy s = computeServedAccuracy(in);
    writeFileAtomically(tmp / "served.csv", servedAccuracyCsv(s));
    const ServedAccuracy back = readServedAccuracyCsv(tmp / "served.csv");
    EXPECT_EQ(back.byErased, s.byErased);
    EXPECT_EQ(back.byFraction, s.byFraction);
    writeFileAtomically(tmp / "bad.csv", "measure,value,served_accuracy,no_redundancy\nerased,0,x,1\n");
    const std::string error = test::errorOf([&] { (void)readServedAccuracyCsv(tmp / "bad.csv"); });
    EXPECT_NE(error.find("bad.csv: line 2"), std::string::npos) << error;
}
