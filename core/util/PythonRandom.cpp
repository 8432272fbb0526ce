#include "util/PythonRandom.h"

#include <cmath>
#include <stdexcept>
#include <unordered_set>

namespace parity {

namespace {
constexpr int kN = 624;
constexpr int kM = 397;
constexpr std::uint32_t kMatrixA = 0x9908b0dfU;
constexpr std::uint32_t kUpperMask = 0x80000000U;
constexpr std::uint32_t kLowerMask = 0x7fffffffU;
} // namespace

void PythonRandom::initGenrand(std::uint32_t s)
{
    m_state[0] = s;
    for (int i = 1; i < kN; ++i)
        m_state[size_t(i)] = 1812433253U * (m_state[size_t(i - 1)] ^ (m_state[size_t(i - 1)] >> 30)) + std::uint32_t(i);
    m_index = kN;
}

PythonRandom::PythonRandom(std::uint64_t seed)
{
    // CPython's random_seed: the absolute value's 32-bit words, least
    // significant first (at least one), through init_by_array.
    std::vector<std::uint32_t> key;
    do {
        key.push_back(std::uint32_t(seed & 0xffffffffU));
        seed >>= 32;
    } while (seed);
    initGenrand(19650218U);
    const int keyLength = int(key.size());
    int i = 1, j = 0;
    for (int k = std::max(kN, keyLength); k; --k) {
        m_state[size_t(i)] = (m_state[size_t(i)]
                              ^ ((m_state[size_t(i - 1)] ^ (m_state[size_t(i - 1)] >> 30)) * 1664525U))
                             + key[size_t(j)] + std::uint32_t(j);
        ++i, ++j;
        if (i >= kN) {
            m_state[0] = m_state[kN - 1];
            i = 1;
        }
        if (j >= keyLength)
            j = 0;
    }
    for (int k = kN - 1; k; --k) {
        m_state[size_t(i)] = (m_state[size_t(i)]
                              ^ ((m_state[size_t(i - 1)] ^ (m_state[size_t(i - 1)] >> 30)) * 1566083941U))
                             - std::uint32_t(i);
        ++i;
        if (i >= kN) {
            m_state[0] = m_state[kN - 1];
            i = 1;
        }
    }
    m_state[0] = 0x80000000U;
    m_index = kN;
}

std::uint32_t PythonRandom::next32()
{
    if (m_index >= kN) {
        auto twist = [](std::uint32_t upper, std::uint32_t lower, std::uint32_t far) {
            const std::uint32_t y = (upper & kUpperMask) | (lower & kLowerMask);
            return far ^ (y >> 1) ^ ((y & 1U) ? kMatrixA : 0U);
        };
        int k = 0;
        for (; k < kN - kM; ++k)
            m_state[size_t(k)] = twist(m_state[size_t(k)], m_state[size_t(k + 1)], m_state[size_t(k + kM)]);
        for (; k < kN - 1; ++k)
            m_state[size_t(k)] = twist(m_state[size_t(k)], m_state[size_t(k + 1)], m_state[size_t(k + kM - kN)]);
        m_state[kN - 1] = twist(m_state[kN - 1], m_state[0], m_state[kM - 1]);
        m_index = 0;
    }
    std::uint32_t y = m_state[size_t(m_index++)];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
}

std::uint64_t PythonRandom::getrandbits(int bits)
{
    if (bits < 1 || bits > 64)
        throw std::invalid_argument("getrandbits: 1 to 64 bits");
    if (bits <= 32)
        return next32() >> (32 - bits);
    // Words least significant first; the last one keeps its top bits.
    const std::uint64_t low = next32();
    const std::uint64_t high = next32() >> (64 - bits);
    return low | (high << 32);
}

std::uint64_t PythonRandom::randbelow(std::uint64_t n)
{
    if (n == 0)
        throw std::invalid_argument("randbelow: n must be at least 1");
    int bits = 0;
    for (std::uint64_t v = n; v; v >>= 1)
        ++bits;
    std::uint64_t r = getrandbits(bits);
    while (r >= n)
        r = getrandbits(bits);
    return r;
}

std::vector<std::int64_t> PythonRandom::sample(std::int64_t n, std::int64_t count)
{
    if (count < 0 || count > n)
        throw std::invalid_argument("sample larger than population or is negative");
    std::vector<std::int64_t> result(static_cast<size_t>(count));
    // CPython: a pool when the population is small against the sample, a
    // set of picks otherwise (the same choice, so the same draws).
    std::int64_t setSize = 21;
    if (count > 5)
        setSize += std::int64_t(std::pow(4.0, std::ceil(std::log(double(count * 3)) / std::log(4.0))));
    if (n <= setSize) {
        std::vector<std::int64_t> pool(static_cast<size_t>(n));
        for (std::int64_t i = 0; i < n; ++i)
            pool[size_t(i)] = i;
        for (std::int64_t i = 0; i < count; ++i) {
            const auto j = std::int64_t(randbelow(std::uint64_t(n - i)));
            result[size_t(i)] = pool[size_t(j)];
            pool[size_t(j)] = pool[size_t(n - i - 1)];
        }
    } else {
        std::unordered_set<std::int64_t> selected;
        for (std::int64_t i = 0; i < count; ++i) {
            auto j = std::int64_t(randbelow(std::uint64_t(n)));
            while (selected.count(j))
                j = std::int64_t(randbelow(std::uint64_t(n)));
            selected.insert(j);
            result[size_t(i)] = j;
        }
    }
    return result;
}

} // namespace parity
