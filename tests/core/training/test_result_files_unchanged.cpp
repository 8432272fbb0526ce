// Result files stay byte-identical across refactorings (issue 10, "Not
// wanted: behaviour changes"). Each case runs `parity-train` as a user would
// on generated data and compares every result file it wrote with the files
// the code produced before the construction path was unified
// (tests/data/golden/<case>/). Same seed, one thread, and machine-independent
// kernels: OpenBLAS's generic kernel, LibTorch's non-vectorised one and
// oneDNN's AVX2 kernels (its convolutions otherwise use AVX-512 where the CPU
// has it, which sums in another order), so the files do not depend on the
// CPU's vector width.
//
// To record new golden files after an intended change of results:
//   PARITY_WRITE_GOLDEN=1 ./parity_core_tests --gtest_filter='ResultFilesUnchanged.*'
// and say in the commit why the numbers moved.
#include "support/RunCommand.h"
#include "support/TinyCub.h"
#include "support/TinyDataset.h"

#include "TestPaths.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;
using namespace parity;

namespace {

const fs::path kGoldenDir = fs::path(PARITY_TEST_DATA_DIR) / "golden";

std::string slurp(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every result file under `saveDir` (text files and the only-test record),
// keyed by its path relative to `saveDir`. metrics.csv and run.json are left
// out: they carry seconds, dates and the machine.
std::map<std::string, std::string> resultFiles(const fs::path& saveDir)
{
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(saveDir)) {
        if (!entry.is_regular_file())
            continue;
        const fs::path p = entry.path();
        if (p.extension() != ".txt" && p.filename() != "only_test.json")
            continue;
        // The only-test record names its checkpoint: under a temporary directory.
        std::string text = slurp(p);
        for (size_t at; (at = text.find(saveDir.string())) != std::string::npos;)
            text.replace(at, saveDir.string().size(), "SAVE_DIR");
        files[fs::relative(p, saveDir).string()] = text;
    }
    return files;
}

nlohmann::json baseConfig(const test::TempDir& tmp, const std::string& dataset, const std::string& model)
{
    return {{"num_epoch", 2},
            {"k_vals", {2}},
            {"datasets", {dataset}},
            {"models", {model}},
            {"losses", {"mse"}},
            {"data_dir", tmp / "data"},
            {"save_dir", tmp / "save"},
            {"models_dir", tmp / "models"},
            {"base_train_epochs", 1},
            {"batch_size", 8},
            {"val_size", 60},
            {"threads", 1},
            {"seed", 4}};
}

std::string run(const std::string& arguments)
{
    const std::string env =
        "OPENBLAS_CORETYPE=Prescott ATEN_CPU_CAPABILITY=default DNNL_MAX_CPU_ISA=AVX2 OMP_NUM_THREADS=1 ";
    const auto r = test::runCommand(env + PARITY_TRAIN_EXE + " " + arguments);
    EXPECT_EQ(r.exitCode, 0) << arguments << "\n" << r.output;
    return r.output;
}

void checkAgainstGolden(const std::string& name, const test::TempDir& tmp)
{
    const auto produced = resultFiles(tmp / "save");
    ASSERT_FALSE(produced.empty()) << name << ": no result files written";
    const fs::path golden = kGoldenDir / name;
    if (const char* write = std::getenv("PARITY_WRITE_GOLDEN"); write && std::string(write) == "1") {
        fs::remove_all(golden);
        for (const auto& [rel, text] : produced) {
            fs::create_directories((golden / rel).parent_path());
            std::ofstream(golden / rel, std::ios::binary) << text;
        }
        GTEST_SKIP() << "wrote " << produced.size() << " golden files to " << golden;
    }
    ASSERT_TRUE(fs::is_directory(golden)) << golden << " is missing";
    const auto expected = resultFiles(golden);
    for (const auto& [rel, text] : expected) {
        const auto it = produced.find(rel);
        if (it == produced.end()) {
            ADD_FAILURE() << name << ": " << rel << " was not written";
            continue;
        }
        EXPECT_EQ(it->second, text) << name << ": " << rel << " differs";
    }
    for (const auto& [rel, text] : produced)
        EXPECT_TRUE(expected.count(rel)) << name << ": " << rel << " is new";
}

void writeConfig(const test::TempDir& tmp, const nlohmann::json& config)
{
    std::ofstream(tmp / "config.json") << config.dump(2);
}

} // namespace

// The paper's main case (autograd-free step), two values of k, then a
// resume to a third epoch and an only-test pass of the best checkpoint.
TEST(ResultFilesUnchanged, AdditionSubtractionMse)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 400, 80);
    auto j = baseConfig(tmp, "mnist", "base-mlp");
    j["k_vals"] = {2, 3};
    j["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"add", "sub"})});
    writeConfig(tmp, j);
    run(tmp / "config.json");
    const std::string runDir = tmp / "save/mnist/base-mlp/k2/mse/add/sub";
    ASSERT_TRUE(fs::exists(runDir + "/current.pth")) << runDir;
    j["k_vals"] = {2};
    j["num_epoch"] = 3;
    writeConfig(tmp, j);
    run(tmp / "config.json --continue-from " + runDir + "/current.pth");
    run(tmp / "config.json --continue-from " + runDir + "/best.pth --only-test");
    checkAgainstGolden("add-sub-mse", tmp);
}

// The generic autograd path with a fixed encoder: concatenation.
TEST(ResultFilesUnchanged, Concatenation)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 400, 80);
    auto j = baseConfig(tmp, "mnist", "base-mlp");
    j["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"concat", "sub"})});
    writeConfig(tmp, j);
    run(tmp / "config.json");
    checkAgainstGolden("concat", tmp);
}

// Learned coders: an MLP encoder, an MLP decoder, then both with KL
// divergence and with cross entropy.
TEST(ResultFilesUnchanged, LearnedCoders)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 400, 80);
    auto enc = baseConfig(tmp, "mnist", "base-mlp");
    enc["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"mlp", "sub"})});
    enc["train_encoder"] = true;
    writeConfig(tmp, enc);
    run(tmp / "config.json");
    auto dec = baseConfig(tmp, "mnist", "base-mlp");
    dec["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"add", "mlp"})});
    dec["train_decoder"] = true;
    writeConfig(tmp, dec);
    run(tmp / "config.json");
    auto both = baseConfig(tmp, "mnist", "base-mlp");
    both["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"mlp", "mlp"})});
    both["losses"] = {"kldiv", "ce"};
    both["num_epoch"] = 1;
    both["train_encoder"] = true;
    both["train_decoder"] = true;
    writeConfig(tmp, both);
    run(tmp / "config.json");
    checkAgainstGolden("learned-coders", tmp);
}

// A convolutional model whose base model is trained here.
TEST(ResultFilesUnchanged, ResNetParityModel)
{
    test::TempDir tmp;
    test::writeTinyMnist(tmp / "data", 120, 24);
    auto j = baseConfig(tmp, "mnist", "resnet18");
    j["num_epoch"] = 1;
    j["val_size"] = 24;
    j["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"add", "sub"})});
    writeConfig(tmp, j);
    run(tmp / "config.json");
    checkAgainstGolden("resnet18", tmp);
}

// Object localization with the base model's boxes from a file.
TEST(ResultFilesUnchanged, Localization)
{
    test::TempDir tmp;
    const auto images = test::writeTinyCub(tmp / "data", 2, 5);
    test::writeShiftedBoxes(tmp / "base_boxes.txt", images, 0.05f);
    auto j = baseConfig(tmp, "cub", "resnet18");
    j["num_epoch"] = 1;
    j["batch_size"] = 2;
    j["val_size"] = 2;
    j["base_boxes"] = tmp / "base_boxes.txt";
    j["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"add", "sub"})});
    writeConfig(tmp, j);
    run(tmp / "config.json");
    checkAgainstGolden("localization", tmp);
}
