#pragma once
#include <cstdint>
#include <mutex>
#include <random>
#include <vector>

namespace parity {

/// Derives independent seeds from the run seed and a purpose, so that e.g.
/// the shuffle of epoch 7 is the same whether or not the run was resumed.
inline std::uint64_t deriveSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0)
{
    auto splitmix = [](std::uint64_t x) {
        x += 0x9e3779b97f4a7c15ULL;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        return x ^ (x >> 31);
    };
    return splitmix(splitmix(splitmix(seed) ^ a) ^ (b * 0xd1342543de82ef95ULL));
}

/// Held by whoever seeds LibTorch's global generator or draws from it to
/// build models (RunComponents): a run seeds it and then initialises its
/// parity model, and an inspector building its modules on another thread
/// meanwhile would take draws from the middle of that sequence, so the run's
/// weights would depend on the timing of a click.
inline std::mutex& globalGeneratorMutex()
{
    static std::mutex mutex;
    return mutex;
}

/// Fisher-Yates with a fixed generator: the same seed gives the same order
/// on every platform (std::shuffle's order is implementation-defined).
inline void deterministicShuffle(std::vector<std::int64_t>& v, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    for (std::size_t i = v.size(); i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(rng() % i);
        std::swap(v[i - 1], v[j]);
    }
}

/// Purposes for deriveSeed.
enum SeedPurpose : std::uint64_t {
    kSeedValSplit = 1,
    kSeedShuffle = 2,
    kSeedParityInit = 3,
    kSeedBaseTraining = 4,
    kSeedAugment = 5,
    kSeedErasurePatterns = 6,
};

} // namespace parity
