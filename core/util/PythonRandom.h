#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace parity {

/// Python's `random` module, as far as the original framework uses it to
/// draw a fixed split: the Mersenne Twister MT19937 seeded as
/// `random.seed(n)` seeds it (init_by_array with n's 32-bit words), and
/// `getrandbits`, `_randbelow` and `random.sample` with CPython's
/// algorithms. The same seed gives the same draws as CPython 3.
class PythonRandom {
public:
    /// `random.seed(seed)` for a non-negative integer.
    explicit PythonRandom(std::uint64_t seed);

    /// One 32-bit output of the generator (genrand_uint32).
    std::uint32_t next32();
    /// `random.getrandbits(bits)` for 1 <= bits <= 64.
    std::uint64_t getrandbits(int bits);
    /// `random._randbelow(n)`: uniform in [0, n), n >= 1.
    std::uint64_t randbelow(std::uint64_t n);
    /// The positions `random.sample(population, count)` picks from a
    /// population of `n` items, in the order it returns them.
    std::vector<std::int64_t> sample(std::int64_t n, std::int64_t count);

private:
    void initGenrand(std::uint32_t s);
    std::array<std::uint32_t, 624> m_state{};
    int m_index = 625;
};

} // namespace parity
