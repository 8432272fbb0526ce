// SweepConfig and RunConfig (docs/BEHAVIOUR.md §2): the shipped configs load, a sweep
// expands in the original's nesting order, aliases resolve, the batch size
// follows k, flags override, and every invalid configuration is refused with
// a message that names the problem.
#include "TestPaths.h"
#include "support/TinyDataset.h"
#include "catalog/Catalog.h"
#include "config/RunConfig.h"
#include "config/SweepConfig.h"
#include "util/Error.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

using namespace parity;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

const char* kAdd = "coders.summation.AdditionEncoder";
const char* kSub = "coders.summation.SubtractionDecoder";
const char* kMse = "torch.nn.MSELoss";

json validConfig()
{
    return json::parse(R"({
        "num_epoch": 2,
        "k_vals": [2],
        "enc_dec_types": [["coders.summation.AdditionEncoder", "coders.summation.SubtractionDecoder"]],
        "datasets": ["fashion-mnist"],
        "models": ["base-mlp"],
        "losses": ["torch.nn.MSELoss"],
        "train_encoder": false,
        "train_parity_model": true,
        "train_decoder": false
    })");
}

/// The parity::Error message of fromJson, or "" when it accepted the config.
std::string errorOf(const json& j, const json& overrides = json::object())
{
    try {
        SweepConfig::fromJson(j, "test.json", overrides);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// ---------------------------------------------------------------------------
// Every shipped config file (adding one to config/ tests it automatically).

std::vector<std::string> shippedConfigs()
{
    std::vector<std::string> out;
    const fs::path dir = fs::path(PARITY_SOURCE_DIR) / "config";
    if (fs::is_directory(dir))
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_regular_file() && entry.path().extension() == ".json")
                out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

class ShippedConfig : public testing::TestWithParam<std::string> {};

// Loads, expands to at least one run, every run valid and with its batch size.
TEST_P(ShippedConfig, LoadsAndExpands)
{
    const SweepConfig sweep = SweepConfig::load(GetParam());
    ASSERT_GE(sweep.runs().size(), 1u);
    for (const auto& run : sweep.runs()) {
        EXPECT_TRUE(validateRun(run).empty()) << run.header();
        EXPECT_NE(Catalog::instance().encoder(run.encoderClass), nullptr) << run.header();
        EXPECT_EQ(run.batchSize, sweep.source().contains("batch_size") ? sweep.source()["batch_size"].get<int>()
                                                                       : defaultBatchSize(run.k));
    }
}

INSTANTIATE_TEST_SUITE_P(ConfigDir, ShippedConfig, testing::ValuesIn(shippedConfigs()),
                         [](const testing::TestParamInfo<std::string>& info) {
                             std::string name = fs::path(info.param).stem().string();
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c)))
                                     c = '_';
                             return name;
                         });

TEST(SweepConfig, ConfigDirectoryIsNotEmpty) { EXPECT_GE(shippedConfigs().size(), 1u) << PARITY_SOURCE_DIR "/config"; }

// ---------------------------------------------------------------------------
// Expansion.

// Nesting order: datasets, models, k_vals, losses, enc_dec_types (outermost
// first); one run per combination.
TEST(SweepConfig, ExpansionOrderAndCount)
{
    json j = validConfig();
    j["datasets"] = {"mnist", "fashion-mnist"};
    j["k_vals"] = {2, 3, 4};
    j["losses"] = {"mse", kMse};
    j["enc_dec_types"] = json::array({json::array({"add", "sub"}), json::array({kAdd, kSub})});
    const auto sweep = SweepConfig::fromJson(j, "order.json");
    const std::vector<std::string> datasets = {"mnist", "fashion-mnist"};
    const std::vector<int> ks = {2, 3, 4};
    const std::vector<std::string> losses = {"mse", kMse};
    const std::vector<std::string> encoders = {"add", kAdd};
    ASSERT_EQ(sweep.runs().size(), 2u * 1u * 3u * 2u * 2u);
    size_t i = 0;
    for (const auto& d : datasets)
        for (int k : ks)
            for (const auto& l : losses)
                for (const auto& e : encoders) {
                    const RunConfig& run = sweep.runs()[i++];
                    EXPECT_EQ(run.dataset, d) << i;
                    EXPECT_EQ(run.model, "base-mlp") << i;
                    EXPECT_EQ(run.k, k) << i;
                    EXPECT_EQ(run.loss, l) << i;
                    EXPECT_EQ(run.encoder, e) << i;
                }
}

// A single value where a list is expected is a one-element axis.
TEST(SweepConfig, ScalarAxisIsOneElementList)
{
    json j = validConfig();
    j["k_vals"] = 3;
    j["datasets"] = "mnist";
    const auto sweep = SweepConfig::fromJson(j, "scalar.json");
    ASSERT_EQ(sweep.runs().size(), 1u);
    EXPECT_EQ(sweep.runs()[0].k, 3);
    EXPECT_EQ(sweep.runs()[0].dataset, "mnist");
}

// Aliases resolve to the canonical classes; runDir keeps the config's spelling.
TEST(SweepConfig, AliasesResolveButRunDirKeepsSpelling)
{
    json j = validConfig();
    j["enc_dec_types"] = json::array({json::array({"add", "sub"})});
    j["losses"] = {"mse"};
    j["save_dir"] = "out";
    const auto sweep = SweepConfig::fromJson(j, "alias.json");
    ASSERT_EQ(sweep.runs().size(), 1u);
    const RunConfig& run = sweep.runs()[0];
    EXPECT_EQ(run.encoderClass, kAdd);
    EXPECT_EQ(run.decoderClass, kSub);
    EXPECT_EQ(run.lossClass, kMse);
    EXPECT_EQ(run.encoder, "add");
    EXPECT_EQ(run.decoder, "sub");
    EXPECT_EQ(run.loss, "mse");
    EXPECT_EQ(fs::path(run.runDir()), fs::path("out") / "fashion-mnist" / "base-mlp" / "k2" / "mse" / "add" / "sub");
}

// The run header and result path with canonical names (docs/BEHAVIOUR.md §2, §3.0).
TEST(SweepConfig, HeaderAndRunDirOfTheDefaultExperiment)
{
    const auto sweep = SweepConfig::fromJson(validConfig(), "default.json");
    const RunConfig& run = sweep.runs().at(0);
    EXPECT_EQ(run.header(), "fashion-mnist base-mlp 2 torch.nn.MSELoss coders.summation.AdditionEncoder "
                            "coders.summation.SubtractionDecoder");
    EXPECT_EQ(fs::path(run.runDir()), fs::path("save") / "fashion-mnist" / "base-mlp" / "k2" / kMse / kAdd / kSub);
}

// Batch size 64 groups for k = 2, else 32; an explicit batch_size wins.
TEST(SweepConfig, BatchSizeFollowsK)
{
    json j = validConfig();
    j["k_vals"] = {2, 3, 4};
    auto sweep = SweepConfig::fromJson(j, "bs.json");
    ASSERT_EQ(sweep.runs().size(), 3u);
    EXPECT_EQ(sweep.runs()[0].batchSize, 64);
    EXPECT_EQ(sweep.runs()[1].batchSize, 32);
    EXPECT_EQ(sweep.runs()[2].batchSize, 32);
    EXPECT_EQ(defaultBatchSize(2), 64);
    EXPECT_EQ(defaultBatchSize(3), 32);
    EXPECT_EQ(defaultBatchSize(4), 32);

    j["batch_size"] = 16;
    sweep = SweepConfig::fromJson(j, "bs.json");
    for (const auto& run : sweep.runs())
        EXPECT_EQ(run.batchSize, 16);
}

// Spec-fixed training settings are the defaults: Adam lr 1e-3, wd 1e-5.
TEST(SweepConfig, DefaultsOfOwnKeys)
{
    const RunConfig run = SweepConfig::fromJson(validConfig(), "d.json").runs().at(0);
    EXPECT_DOUBLE_EQ(run.lr, 1e-3);
    EXPECT_DOUBLE_EQ(run.weightDecay, 1e-5);
    EXPECT_EQ(run.r, 1);
    EXPECT_EQ(run.device, "cpu");
    EXPECT_EQ(run.numEpochs, 2);
}

// Flags override keys of the file before expansion.
TEST(SweepConfig, OverridesReplaceFileKeys)
{
    json overrides = {{"num_epoch", 7}, {"save_dir", "/tmp/elsewhere"}, {"seed", std::uint64_t(42)},
                      {"threads", 1},   {"data_dir", "/data/fm"},       {"k_vals", json::array({3, 4})}};
    const auto sweep = SweepConfig::fromJson(validConfig(), "ov.json", overrides);
    ASSERT_EQ(sweep.runs().size(), 2u);
    for (const auto& run : sweep.runs()) {
        EXPECT_EQ(run.numEpochs, 7);
        EXPECT_EQ(run.saveDir, "/tmp/elsewhere");
        EXPECT_EQ(run.seed, 42u);
        EXPECT_EQ(run.threads, 1);
        EXPECT_EQ(run.dataDir, "/data/fm");
    }
    EXPECT_EQ(sweep.runs()[0].k, 3);
    EXPECT_EQ(sweep.source()["num_epoch"], 7);

    // An override is validated like the file itself.
    const std::string why = errorOf(validConfig(), {{"device", "tpu"}});
    EXPECT_NE(why.find("device must be"), std::string::npos) << why;
}

// load() of a file that is not JSON names the file.
TEST(SweepConfig, LoadRejectsMalformedJson)
{
    const fs::path path = fs::temp_directory_path() / ("parity_sweep_bad_" + std::to_string(::getpid()) + ".json");
    {
        std::FILE* f = std::fopen(path.c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fputs("{\"num_epoch\": 2,", f);
        std::fclose(f);
    }
    try {
        SweepConfig::load(path.string());
        ADD_FAILURE() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
    }
    fs::remove(path);
    EXPECT_THROW(SweepConfig::load((fs::temp_directory_path() / "parity_no_such_config.json").string()), Error);
}

// ---------------------------------------------------------------------------
// Invalid configurations: each row edits a valid config and names a piece of
// the message the error must contain.

struct InvalidCase {
    const char* name;
    std::function<void(json&)> edit;
    std::vector<std::string> mustContain;
    bool needsNoCuda = false;
};

/// KLDiv / CrossEntropy with fixed coders: refused as unavailable while the
/// loss is missing from this build, and as needing trained coders once it exists.
std::string fixedCoderLossMessage(const std::string& lossName)
{
    return Catalog::instance().loss(lossName) ? "needs both the encoder and the decoder to be trained"
                                              : "not available in this build yet";
}

std::vector<InvalidCase> invalidCases()
{
    return {
        {"concatK3",
         [](json& j) {
             j["k_vals"] = {3};
             j["enc_dec_types"] = json::array({json::array({"coders.image.ConcatenationEncoder", kSub})});
         },
         {"ConcatenationEncoder needs k = 2 or 4, not k = 3"}},
        {"kldivFixedCoders",
         [](json& j) { j["losses"] = {"loss.kldiv.KLDivLoss"}; },
         {"loss.kldiv.KLDivLoss", fixedCoderLossMessage("loss.kldiv.KLDivLoss")}},
        {"crossEntropyFixedCoders",
         [](json& j) { j["losses"] = {"torch.nn.CrossEntropyLoss"}; },
         {"torch.nn.CrossEntropyLoss", fixedCoderLossMessage("torch.nn.CrossEntropyLoss")}},
        {"trainAdditionEncoder",
         [](json& j) { j["train_encoder"] = true; },
         {"train_encoder is true but coders.summation.AdditionEncoder has nothing to learn"}},
        {"trainSubtractionDecoder",
         [](json& j) { j["train_decoder"] = true; },
         {"train_decoder is true but coders.summation.SubtractionDecoder has nothing to learn"}},
        {"nothingTrained", [](json& j) { j["train_parity_model"] = false; }, {"nothing to train"}},
        {"unknownDataset", [](json& j) { j["datasets"] = {"svhn"}; }, {"unknown dataset 'svhn'", "fashion-mnist"}},
        // issue 4: the new datasets are known; their constraints still apply.
        // issue 4, item 7: localization takes MSE only; base_boxes only there.
        {"cubWithCrossEntropy",
         [](json& j) {
             j["datasets"] = {"cub"};
             j["models"] = {"resnet18"};
             j["losses"] = {"torch.nn.CrossEntropyLoss"};
         },
         {"cub predicts boxes: its loss is torch.nn.MSELoss, not torch.nn.CrossEntropyLoss"}},
        {"baseBoxesForClassification",
         [](json& j) { j["base_boxes"] = "boxes.txt"; },
         {"base_boxes (the base model's boxes from a file) is for localization datasets, not"}},
        // issue 4, item 8: a TorchScript model needs its file.
        {"torchscriptWithoutFile", [](json& j) { j["models"] = {"torchscript"}; }, {"needs model_script"}},
        {"concatOnOddSpectrogram",
         [](json& j) {
             j["datasets"] = {"gcommands"};
             j["models"] = {"lenet"};
             j["enc_dec_types"] = json::array({json::array({"concat", kSub})});
         },
         {"even image height and width", "1x161x101"}},
        {"vggOnCifar",
         [](json& j) {
             j["datasets"] = {"cifar10"};
             j["models"] = {"vgg11"};
         },
         {"vgg11 is defined for gcommands, not cifar10"}},
        {"unknownModel", [](json& j) { j["models"] = {"alexnet"}; }, {"unknown model 'alexnet'"}},
        {"unknownEncoder",
         [](json& j) {
             j["enc_dec_types"] = json::array({json::array({"xor", "sub"})});
         },
         {"unknown encoder 'xor'"}},
        {"unknownLoss", [](json& j) { j["losses"] = {"torch.nn.L1Loss"}; }, {"unknown loss 'torch.nn.L1Loss'"}},
        {"typoNumEpochs",
         [](json& j) {
             j["num_epochs"] = j["num_epoch"];
             j.erase("num_epoch");
         },
         {"unknown key 'num_epochs'", "missing key 'num_epoch'"}},
        {"missingNumEpoch", [](json& j) { j.erase("num_epoch"); }, {"missing key 'num_epoch'"}},
        {"missingDatasets", [](json& j) { j.erase("datasets"); }, {"missing key 'datasets'"}},
        {"emptyModels", [](json& j) { j["models"] = json::array(); }, {"'models' is an empty list"}},
        {"kOne", [](json& j) { j["k_vals"] = {1}; }, {"k must be at least 2"}},
        {"kOneAmongOthers",
         [](json& j) {
             j["k_vals"] = {2, 1};
         },
         {"k must be at least 2"}},
        {"ecR3OverK2", [](json& j) { j["ec_r"] = 3; }, {"ec_r = 3 exceeds k = 2"}},
        {"ecR0", [](json& j) { j["ec_r"] = 0; }, {"ec_r must be at least 1"}},
        {"kValsString", [](json& j) { j["k_vals"] = "two"; }, {"'k_vals' entries must be whole numbers"}},
        {"kValsFloat", [](json& j) { j["k_vals"] = {2.5}; }, {"'k_vals' entries must be whole numbers"}},
        {"numEpochString", [](json& j) { j["num_epoch"] = "10"; }, {"'num_epoch' must be a whole number"}},
        {"numEpochZero", [](json& j) { j["num_epoch"] = 0; }, {"num_epoch must be at least 1"}},
        {"trainFlagNotBool",
         [](json& j) { j["train_parity_model"] = "yes"; },
         {"'train_parity_model' must be true or false"}},
        {"encDecNotPair",
         [](json& j) { j["enc_dec_types"] = json::array({json::array({"add"})}); },
         {"must be [encoder, decoder] pairs"}},
        {"negativeLr", [](json& j) { j["lr"] = -1.0; }, {"lr must be positive"}},
        {"deviceCuda", [](json& j) { j["device"] = "cuda"; }, {"CUDA"}, /*needsNoCuda=*/true},
        {"deviceTpu", [](json& j) { j["device"] = "tpu"; }, {"device must be \"cpu\" or \"cuda\", not \"tpu\""}},
        // Said before the data and the base model are made ready.
        {"saveDirIsAFile", [](json& j) { j["save_dir"] = "/etc/passwd"; }, {"save_dir: /etc/passwd is a file"}},
        {"saveDirBelowAFile",
         [](json& j) { j["save_dir"] = "/etc/passwd/runs"; },
         {"save_dir: /etc/passwd is a file, not a directory (save_dir /etc/passwd/runs lies below it)"}},
    };
}

class InvalidSweepConfig : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidSweepConfig, RefusedWithReason)
{
    const auto& c = GetParam();
    if (c.needsNoCuda && torch::cuda::is_available())
        GTEST_SKIP() << "a CUDA device is available here";
    json j = validConfig();
    c.edit(j);
    const std::string why = errorOf(j);
    ASSERT_FALSE(why.empty()) << "accepted: " << j.dump();
    EXPECT_NE(why.find("test.json"), std::string::npos) << why;
    EXPECT_NE(why.find("invalid configuration"), std::string::npos) << why;
    for (const auto& piece : c.mustContain)
        EXPECT_NE(why.find(piece), std::string::npos) << "missing \"" << piece << "\" in: " << why;
}

INSTANTIATE_TEST_SUITE_P(Rows, InvalidSweepConfig, testing::ValuesIn(invalidCases()),
                         [](const testing::TestParamInfo<InvalidCase>& i) { return std::string(i.param.name); });

// Several problems are all listed in one error.
TEST(SweepConfig, ListsEveryProblem)
{
    json j = validConfig();
    j["device"] = "tpu";
    j["colour"] = "blue";
    j["k_vals"] = {1};
    // Key problems are reported before expansion.
    std::string why = errorOf(j);
    EXPECT_NE(why.find("unknown key 'colour'"), std::string::npos) << why;
    j.erase("colour");
    why = errorOf(j);
    EXPECT_NE(why.find("k must be at least 2"), std::string::npos) << why;
    EXPECT_NE(why.find("device must be"), std::string::npos) << why;
}

// base-mlp takes 784 inputs: a dataset of another shape is refused.
TEST(SweepConfig, BaseMlpNeeds784Inputs)
{
    const DatasetEntry* other = nullptr;
    for (const auto& d : Catalog::instance().datasets())
        if (d.shape.numel() != 784)
            other = &d;
    if (!other)
        GTEST_SKIP() << "no dataset with a shape other than 784 in this build";
    json j = validConfig();
    j["datasets"] = {other->name};
    const std::string why = errorOf(j);
    EXPECT_NE(why.find("base-mlp"), std::string::npos) << why;
    EXPECT_NE(why.find("784"), std::string::npos) << why;
}

// ---------------------------------------------------------------------------
// RunConfig.

RunConfig unusualRun()
{
    RunConfig c;
    c.dataset = "mnist";
    c.model = "base-mlp";
    c.k = 4;
    c.r = 1;
    c.loss = "mse";
    c.lossClass = kMse;
    c.encoder = "concat";
    c.encoderClass = "coders.image.ConcatenationEncoder";
    c.decoder = "sub";
    c.decoderClass = kSub;
    c.trainEncoder = true;
    c.trainParityModel = false;
    c.trainDecoder = true;
    c.numEpochs = 123;
    c.batchSize = 17;
    c.lr = 0.0025;
    c.weightDecay = 3e-4;
    c.valSize = 4000;
    c.seed = 0x8000000000000005ull; // above INT64_MAX
    c.threads = 3;
    c.device = "cuda";
    c.dataDir = "/data/x";
    c.saveDir = "/save/y";
    c.baseWeights = "/w/model.t7";
    c.modelsDir = "/models";
    c.baseTrainEpochs = 9;
    return c;
}

// toJson / fromJson round trip keeps every field.
TEST(RunConfig, JsonRoundTrip)
{
    const RunConfig a = unusualRun();
    const RunConfig b = RunConfig::fromJson(a.toJson());
    EXPECT_EQ(b.toJson(), a.toJson());
    EXPECT_EQ(b.seed, a.seed);
    EXPECT_EQ(b.encoder, "concat");
    EXPECT_EQ(b.encoderClass, "coders.image.ConcatenationEncoder");
    EXPECT_EQ(b.runDir(), a.runDir());
    EXPECT_EQ(RunConfig::describeMismatch(a, b), "");
    // Through text as well (how checkpoints store it).
    const RunConfig c = RunConfig::fromJson(json::parse(a.toJson().dump()));
    EXPECT_EQ(c.toJson(), a.toJson());
}

// fromJson refuses a missing or mistyped key with parity::Error.
TEST(RunConfig, FromJsonRejectsIncompleteInput)
{
    json missing = unusualRun().toJson();
    missing.erase("k");
    EXPECT_THROW(RunConfig::fromJson(missing), Error);
    json mistyped = unusualRun().toJson();
    mistyped["train_decoder"] = "yes";
    EXPECT_THROW(RunConfig::fromJson(mistyped), Error);
}

// Issue 5: a checkpoint's configuration is outside input. nlohmann's
// get<int>() of 1e300 was undefined behaviour (UBSan: float-cast-overflow);
// whole numbers are now checked. Input kept in tests/data/fuzz/.
TEST(RunConfig, FromJsonRefusesNumbersOutOfRange)
{
    std::ifstream in(std::string(PARITY_TEST_DATA_DIR) + "/fuzz/runconfig-k-1e300.json");
    const json kept = json::parse(in);
    EXPECT_THROW(RunConfig::fromJson(kept), Error);
    for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{{"k", 1e300},
                                                                              {"k", 2.5},
                                                                              {"num_epoch", 4294967296LL},
                                                                              {"batch_size", -1e20},
                                                                              {"val_size", "5"},
                                                                              {"seed", -1},
                                                                              {"seed", 1e30},
                                                                              {"threads", 1e10},
                                                                              {"r", 1e300},
                                                                              {"base_train_epochs", -3e9}}) {
        json j = unusualRun().toJson();
        j[key] = value;
        try {
            RunConfig::fromJson(j);
            ADD_FAILURE() << key << " = " << value.dump() << " accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
        }
    }
}

struct MismatchCase {
    const char* name;
    std::function<void(RunConfig&)> edit;
    const char* key; // "" when the change is allowed on resume
};

class RunConfigMismatch : public testing::TestWithParam<MismatchCase> {};

// describeMismatch names the key that differs, and lets through what may
// change on resume (epochs, threads, paths).
TEST_P(RunConfigMismatch, NamesDifferingKey)
{
    const RunConfig saved = unusualRun();
    RunConfig current = saved;
    GetParam().edit(current);
    const std::string why = RunConfig::describeMismatch(saved, current);
    const std::string key = GetParam().key;
    if (key.empty())
        EXPECT_EQ(why, "");
    else
        EXPECT_NE(why.find("'" + key + "'"), std::string::npos) << why;
}

INSTANTIATE_TEST_SUITE_P(
    Keys, RunConfigMismatch,
    testing::Values(
        MismatchCase{"dataset", [](RunConfig& c) { c.dataset = "fashion-mnist"; }, "dataset"},
        MismatchCase{"model", [](RunConfig& c) { c.model = "resnet18"; }, "model"},
        MismatchCase{"k", [](RunConfig& c) { c.k = 2; }, "k"},
        MismatchCase{"lossClass", [](RunConfig& c) { c.lossClass = "loss.kldiv.KLDivLoss"; }, "loss_class"},
        MismatchCase{"encoderClass", [](RunConfig& c) { c.encoderClass = kAdd; }, "encoder_class"},
        MismatchCase{"decoderClass", [](RunConfig& c) { c.decoderClass = "coders.mlp.MLPDecoder"; }, "decoder_class"},
        MismatchCase{"trainEncoder", [](RunConfig& c) { c.trainEncoder = false; }, "train_encoder"},
        MismatchCase{"trainParityModel", [](RunConfig& c) { c.trainParityModel = true; }, "train_parity_model"},
        MismatchCase{"batchSize", [](RunConfig& c) { c.batchSize = 64; }, "batch_size"},
        MismatchCase{"lr", [](RunConfig& c) { c.lr = 1e-3; }, "lr"},
        MismatchCase{"weightDecay", [](RunConfig& c) { c.weightDecay = 0; }, "weight_decay"},
        MismatchCase{"valSize", [](RunConfig& c) { c.valSize = 5000; }, "val_size"},
        MismatchCase{"seed", [](RunConfig& c) { c.seed = 2; }, "seed"},
        MismatchCase{"numEpochsAllowed", [](RunConfig& c) { c.numEpochs = 500; }, ""},
        MismatchCase{"threadsAllowed", [](RunConfig& c) { c.threads = 1; }, ""},
        MismatchCase{"saveDirAllowed", [](RunConfig& c) { c.saveDir = "elsewhere"; }, ""},
        MismatchCase{"aliasSpellingAllowed", [](RunConfig& c) { c.encoder = "coders.image.ConcatenationEncoder"; },
                     ""}),
    [](const testing::TestParamInfo<MismatchCase>& i) { return std::string(i.param.name); });

} // namespace

// Issue 5 (hostile sizes): eleven entries in each of the five axes describe
// 161,051 runs; refused before any is built.
TEST(SweepConfig, SweepOfTooManyRunsIsRefusedBeforeExpanding)
{
    json j = {{"num_epoch", 1}};
    for (const char* key : {"datasets", "models", "k_vals", "losses", "enc_dec_types"})
        j[key] = json::array();
    for (int i = 0; i < 11; ++i) {
        j["datasets"].push_back("mnist");
        j["models"].push_back("base-mlp");
        j["k_vals"].push_back(2);
        j["losses"].push_back("mse");
        j["enc_dec_types"].push_back({"add", "sub"});
    }
    try {
        SweepConfig::fromJson(j, "huge.json");
        ADD_FAILURE() << "no exception";
    } catch (const Error& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("huge.json"), std::string::npos) << msg;
        EXPECT_NE(msg.find("more than 10000 runs"), std::string::npos) << msg;
    }
    j["datasets"] = {"mnist"}; // 14,641: still too many
    EXPECT_THROW(SweepConfig::fromJson(j, "huge.json"), Error);
    j["models"] = {"base-mlp"}; // 1,331 runs are fine
    EXPECT_EQ(SweepConfig::fromJson(j, "ok.json").runs().size(), 1331u);
}

// Issue 13, item 12: plots, exports and the queue label a run by a short title.
TEST(RunConfig, ShortTitleNamesTheRunsChoices)
{
    RunConfig c;
    EXPECT_EQ(c.shortTitle(), "fashion-mnist \u00b7 base-mlp \u00b7 k=2 \u00b7 Add/Sub \u00b7 MSE");
    json j = json::parse(R"({"datasets": ["mnist"], "models": ["base-mlp"], "k_vals": [4],
        "losses": ["torch.nn.CrossEntropyLoss"], "num_epoch": 1, "train_encoder": true, "train_decoder": true,
        "enc_dec_types": [["coders.mlp.MLPEncoder", "coders.mlp.MLPDecoder"]]})");
    const RunConfig learned = SweepConfig::fromJson(j, "t.json").runs().front();
    EXPECT_EQ(learned.shortTitle(), "mnist \u00b7 base-mlp \u00b7 k=4 \u00b7 MLP/MLP \u00b7 CE");
    // A Berrut code trains nothing, so no loss is named.
    j["enc_dec_types"] = json::array({json::array({"coders.berrut.BerrutEncoder", "coders.berrut.BerrutDecoder"})});
    j["train_encoder"] = j["train_decoder"] = j["train_parity_model"] = false;
    j["ec_r"] = {2};
    j["losses"] = {"torch.nn.MSELoss"};
    const RunConfig berrut = SweepConfig::fromJson(j, "t.json").runs().front();
    EXPECT_EQ(berrut.shortTitle(), "mnist \u00b7 base-mlp \u00b7 k=4 r=2 \u00b7 Berrut/Berrut");
}

// Issue 13, item 11: paths in a config file are relative to its folder;
// command-line overrides stay relative to the current folder.
TEST(SweepConfig, PathsInAFileAreRelativeToItsFolder)
{
    test::TempDir tmp;
    fs::create_directories(tmp / "configs");
    json j = validConfig();
    j["save_dir"] = "results";
    j["data_dir"] = "../data";
    j["base_weights"] = "train";
    j["models_dir"] = "/abs/models";
    std::ofstream(tmp / "configs/run.json") << j.dump();
    const RunConfig run = SweepConfig::load(tmp / "configs/run.json").runs().front();
    EXPECT_EQ(run.saveDir, tmp / "configs/results");
    EXPECT_EQ(run.dataDir, tmp / "data");
    EXPECT_EQ(run.baseWeights, "train");
    EXPECT_EQ(run.modelsDir, "/abs/models");
    const RunConfig overridden = SweepConfig::load(tmp / "configs/run.json", {{"save_dir", "cli-save"}}).runs().front();
    EXPECT_EQ(overridden.saveDir, "cli-save");
}
