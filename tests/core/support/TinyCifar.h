#pragma once
// Small generated CIFAR binary batch files for tests.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace parity::test {

/// The pixel bytes a generated CIFAR record of `label` holds: the red plane
/// carries a bright band in rows 3 * label % 30 .. + 2, plus noise.
inline std::vector<uint8_t> tinyCifarPixels(int label, std::mt19937& rng)
{
    std::vector<uint8_t> px(3072);
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 32; ++x) {
                const int band = (3 * label) % 30;
                const bool bright = c == 0 && y >= band && y < band + 3;
                px[size_t(c * 1024 + y * 32 + x)] = uint8_t(bright ? 200 + rng() % 50 : rng() % 60);
            }
    return px;
}

/// Writes one CIFAR batch file of `count` records: labelBytes label bytes
/// (CIFAR-100: coarse = label / 5, then fine = label) and 3072 pixels.
inline void writeCifarBatch(const std::string& file, int count, int numClasses, int labelBytes, std::mt19937& rng)
{
    std::FILE* f = std::fopen(file.c_str(), "wb");
    for (int i = 0; i < count; ++i) {
        const int label = int(rng() % uint32_t(numClasses));
        if (labelBytes == 2) {
            const uint8_t coarse = uint8_t(label / 5);
            std::fwrite(&coarse, 1, 1, f);
        }
        const uint8_t fine = uint8_t(label);
        std::fwrite(&fine, 1, 1, f);
        const auto px = tinyCifarPixels(label, rng);
        std::fwrite(px.data(), 1, px.size(), f);
    }
    std::fclose(f);
}

/// A CIFAR-10 (numClasses 10: five data batches of perBatch records and a
/// test batch) or CIFAR-100 (train.bin of 5 x perBatch, test.bin) directory.
inline void writeTinyCifar(const std::string& dir, int numClasses, int perBatch, int testCount, uint32_t seed = 3)
{
    std::filesystem::create_directories(dir);
    std::mt19937 rng(seed);
    if (numClasses == 10) {
        for (int b = 1; b <= 5; ++b)
            writeCifarBatch(dir + "/data_batch_" + std::to_string(b) + ".bin", perBatch, 10, 1, rng);
        writeCifarBatch(dir + "/test_batch.bin", testCount, 10, 1, rng);
    } else {
        writeCifarBatch(dir + "/train.bin", 5 * perBatch, numClasses, 2, rng);
        writeCifarBatch(dir + "/test.bin", testCount, numClasses, 2, rng);
    }
}

} // namespace parity::test
