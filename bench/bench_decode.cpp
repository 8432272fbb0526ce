// Decoding throughput of the folder datasets (issue 4): GCommands WAV ->
// spectrogram and Cat-v-Dog JPEG -> 224 x 224 crops, per sample on one
// thread. The files are generated in a temporary folder.
#include "BenchArgs.h"
#include "support/TinyImages.h" // tests/core/support: generated JPEG files

#include "data/GCommandsFolder.h"
#include "data/ImageDecoder.h"
#include "data/ImageFolderSource.h"
#include "data/Spectrogram.h"
#include "data/WavReader.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

namespace {

double seconds(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void writeWav(const std::string& path, std::mt19937& rng)
{
    std::vector<int16_t> s(16000);
    for (size_t i = 0; i < s.size(); ++i)
        s[i] = int16_t(8000 * std::sin(0.07 * double(i)) + int(rng() % 1001) - 500);
    const uint32_t data = uint32_t(s.size() * 2);
    std::ofstream f(path, std::ios::binary);
    auto u32 = [&](uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
    auto u16 = [&](uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
    f.write("RIFF", 4);
    u32(36 + data);
    f.write("WAVEfmt ", 8);
    u32(16);
    u16(1);
    u16(1);
    u32(16000);
    u32(32000);
    u16(2);
    u16(16);
    f.write("data", 4);
    u32(data);
    f.write(reinterpret_cast<const char*>(s.data()), std::streamsize(data));
}

} // namespace

int main(int argc, char** argv)
{
    const parity::bench::BenchArgs args(argc, argv, ""); // takes no arguments: refuses any (and answers --help)
    at::set_num_threads(1);
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "parity-bench-decode";
    std::filesystem::create_directories(dir);
    std::mt19937 rng(1);
    constexpr int kFiles = 200;
    std::vector<std::string> wavs;
    for (int i = 0; i < kFiles; ++i) {
        wavs.push_back((dir / ("s" + std::to_string(i) + ".wav")).string());
        writeWav(wavs.back(), rng);
    }
    parity::GCommandsSource source(wavs);
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kFiles; ++i)
        source.load(i);
    const double spect = seconds(t0) / kFiles;
    std::printf("gcommands: %.2f ms per WAV -> 1x161x101 spectrogram (%.0f per second)\n", spect * 1e3, 1 / spect);

    // Kaggle-like photos: 500 x 375 JPEG, quality 90.
    std::vector<std::string> jpegs;
    for (int i = 0; i < 50; ++i) {
        jpegs.push_back((dir / ("p" + std::to_string(i) + ".jpg")).string());
        std::mt19937 prng(static_cast<uint32_t>(i));
        parity::test::writeJpeg(jpegs.back(), parity::test::classPicture(i % 2, 500, 375, prng), 500, 375, 90);
    }
    parity::ImageFolderSource images(jpegs);
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i)
        images.load(i);
    const double base = seconds(t0) / 50;
    std::mt19937_64 aug(3);
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i)
        images.loadForCode(i, &aug);
    const double code = seconds(t0) / 50;
    std::printf("cat_v_dog: %.2f ms per 500x375 JPEG -> resize 256 + centre crop 224; %.2f ms -> random resized "
                "crop 224 + flip\n",
                base * 1e3, code * 1e3);
    std::filesystem::remove_all(dir);
    return 0;
}
