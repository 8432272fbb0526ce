#pragma once
// Generated WAV files and GCommands folders for tests.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace parity::test {

inline void putLe(std::vector<unsigned char>& out, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out.push_back(uint8_t(v >> (8 * i)));
}

/// A RIFF/WAVE file of interleaved integer PCM samples (`bits` 8 or 16; 8-bit
/// samples are stored unsigned, value + 128). `extraChunk` puts an odd-sized
/// LIST chunk before "fmt " to exercise chunk walking.
inline void writeWav(const std::string& path, const std::vector<int>& interleaved, int rate, int channels = 1,
                     int bits = 16, bool extraChunk = false)
{
    std::vector<unsigned char> data;
    for (int v : interleaved) {
        if (bits == 16)
            putLe(data, uint32_t(uint16_t(int16_t(v))), 2);
        else
            data.push_back(uint8_t(v + 128));
    }
    std::vector<unsigned char> out = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'};
    if (extraChunk) {
        out.insert(out.end(), {'L', 'I', 'S', 'T'});
        putLe(out, 3, 4);
        out.insert(out.end(), {'a', 'b', 'c', 0}); // 3 bytes + pad byte
    }
    out.insert(out.end(), {'f', 'm', 't', ' '});
    putLe(out, 16, 4);
    putLe(out, 1, 2); // PCM
    putLe(out, uint32_t(channels), 2);
    putLe(out, uint32_t(rate), 4);
    putLe(out, uint32_t(rate * channels * bits / 8), 4);
    putLe(out, uint32_t(channels * bits / 8), 2);
    putLe(out, uint32_t(bits), 2);
    out.insert(out.end(), {'d', 'a', 't', 'a'});
    putLe(out, uint32_t(data.size()), 4);
    out.insert(out.end(), data.begin(), data.end());
    const uint32_t riffSize = uint32_t(out.size() - 8);
    for (int i = 0; i < 4; ++i)
        out[size_t(4 + i)] = uint8_t(riffSize >> (8 * i));
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(out.data(), 1, out.size(), f);
    std::fclose(f);
}

/// `count` samples of a sine of `hz` at `rate`, amplitude `amplitude` (of 32767).
inline std::vector<int> tone(double hz, int count, int rate = 16000, double amplitude = 12000)
{
    std::vector<int> v(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i)
        v[size_t(i)] = int(std::lround(amplitude * std::sin(2 * M_PI * hz * i / rate)));
    return v;
}

/// GCommands layout: dir/{train,valid,test}/<word>/*.wav, word w a tone of
/// 400 * (w + 1) Hz plus noise, 1 s long (some 0.6 s, to exercise padding).
inline void writeTinyGCommands(const std::string& dir, const std::vector<std::string>& words, int trainPerWord,
                               int otherPerWord, uint32_t seed = 4)
{
    std::mt19937 rng(seed);
    auto split = [&](const std::string& name, int perWord) {
        for (size_t w = 0; w < words.size(); ++w) {
            const std::string folder = dir + "/" + name + "/" + words[w];
            std::filesystem::create_directories(folder);
            for (int i = 0; i < perWord; ++i) {
                auto s = tone(400.0 * double(w + 1), i % 3 == 2 ? 9600 : 16000);
                for (auto& v : s)
                    v += int(rng() % 2001) - 1000;
                writeWav(folder + "/" + std::to_string(1000 + i) + "_nohash_0.wav", s, 16000);
            }
        }
    };
    split("train", trainPerWord);
    split("valid", otherPerWord);
    split("test", otherPerWord);
}

} // namespace parity::test
