#pragma once
// Small generated MNIST-format datasets for tests: nothing is downloaded and
// the real data sets are left to benchmarks and manual runs.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace parity::test {

/// A fresh temporary directory, removed when the object goes away.
class TempDir {
public:
    TempDir()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "parity-test-XXXXXX").string();
        m_path = ::mkdtemp(tmpl.data());
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string operator/(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

inline void writeBigEndian(std::FILE* f, uint32_t v)
{
    const unsigned char b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    std::fwrite(b, 1, 4, f);
}

/// Writes the four raw IDX files of an MNIST-like set into `dir`: 28x28
/// images of class c carry a bright bar in row band c plus noise, so a model
/// can learn them.
inline void writeTinyMnist(const std::string& dir, int trainCount, int testCount, uint32_t seed = 7)
{
    std::filesystem::create_directories(dir);
    std::mt19937 rng(seed);
    auto writeSet = [&](const std::string& prefix, int n) {
        std::FILE* img = std::fopen((dir + "/" + prefix + "-images-idx3-ubyte").c_str(), "wb");
        std::FILE* lab = std::fopen((dir + "/" + prefix + "-labels-idx1-ubyte").c_str(), "wb");
        writeBigEndian(img, 0x803);
        writeBigEndian(img, uint32_t(n));
        writeBigEndian(img, 28);
        writeBigEndian(img, 28);
        writeBigEndian(lab, 0x801);
        writeBigEndian(lab, uint32_t(n));
        std::vector<unsigned char> pixels(784);
        for (int i = 0; i < n; ++i) {
            const unsigned char label = static_cast<unsigned char>(rng() % 10);
            for (int p = 0; p < 784; ++p) {
                const int row = p / 28;
                const bool bar = row >= 2 + 2 * label && row < 4 + 2 * label;
                pixels[size_t(p)] = static_cast<unsigned char>(bar ? 180 + rng() % 70 : rng() % 40);
            }
            std::fwrite(pixels.data(), 1, pixels.size(), img);
            std::fwrite(&label, 1, 1, lab);
        }
        std::fclose(img);
        std::fclose(lab);
    };
    writeSet("train", trainCount);
    writeSet("t10k", testCount);
}

/// The lines of a text file (none when it is missing).
inline std::vector<std::string> linesOf(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

/// A one-run sweep on the tiny MNIST-format data: base-mlp, k = 2,
/// addition / subtraction, MSE, 16 groups per batch.
inline nlohmann::json tinyMnistSweep(const std::string& dataDir, const std::string& saveDir, int epochs, int seed = 5)
{
    return {{"num_epoch", epochs},
            {"k_vals", {2}},
            {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({"add", "sub"})})},
            {"datasets", {"mnist"}},
            {"models", {"base-mlp"}},
            {"losses", {"mse"}},
            {"data_dir", dataDir},
            {"save_dir", saveDir},
            {"batch_size", 16},
            {"seed", seed}};
}

/// A one-run sweep of `dataset` / `model` on generated data in tmp/data:
/// k = 2, addition / subtraction, MSE, 3 groups per batch, a base model
/// trained for one epoch into tmp/models when none is cached.
inline nlohmann::json smokeSweep(const std::string& dataset, const std::string& model, const TempDir& tmp, int epochs)
{
    return {{"num_epoch", epochs},
            {"k_vals", {2}},
            {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({"add", "sub"})})},
            {"datasets", {dataset}},
            {"models", {model}},
            {"losses", {"mse"}},
            {"data_dir", tmp / "data"},
            {"save_dir", tmp / "save"},
            {"models_dir", tmp / "models"},
            {"base_train_epochs", 1},
            {"batch_size", 3},
            {"threads", 2},
            {"seed", 3}};
}

} // namespace parity::test
