#include "serving/InterferenceSchedule.h"

#include <cmath>

namespace parity::serving {

namespace {

// A stateless uniform draw in [0, 1) from (seed, a, b, salt).
double hashedUnit(uint64_t seed, uint64_t a, uint64_t b, uint64_t salt)
{
    uint64_t x = seed ^ (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^ (salt * 0x165667B19E3779F9ULL);
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return double(x >> 11) * 0x1.0p-53;
}

} // namespace

InterferenceSchedule::InterferenceSchedule(const Interference& interference, uint64_t seed)
    : m_f(interference)
    , m_seed(seed)
{
}

bool InterferenceSchedule::slowedAt(int instance, double ms) const
{
    return m_f.slowFraction > 0
           && hashedUnit(m_seed, uint64_t(instance), uint64_t(ms / m_f.slowPeriodMs), 1) < m_f.slowFraction;
}

bool InterferenceSchedule::downAt(int instance, double ms) const
{
    return m_f.failureFraction > 0
           && hashedUnit(m_seed, uint64_t(instance), uint64_t(ms / m_f.failurePeriodMs), 2) < m_f.failureFraction;
}

double InterferenceSchedule::upFrom(int instance, double ms) const
{
    while (downAt(instance, ms))
        ms = failurePeriodEnd(ms);
    return ms;
}

double InterferenceSchedule::failurePeriodEnd(double ms) const
{
    return (std::floor(ms / m_f.failurePeriodMs) + 1) * m_f.failurePeriodMs;
}

double InterferenceSchedule::tailFactor(std::mt19937_64& rng) const
{
    switch (m_f.tail) {
    case Interference::Tail::None:
        return 1.0;
    case Interference::Tail::ShiftedExponential:
        return 1.0 + std::exponential_distribution<double>(1.0 / m_f.tailParameter)(rng);
    case Interference::Tail::Pareto: {
        const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
        return std::pow(1.0 - u, -1.0 / m_f.tailParameter);
    }
    }
    return 1.0;
}

double InterferenceSchedule::serviceFactor(int instance, double startMs, std::mt19937_64& rng) const
{
    const double tail = tailFactor(rng);
    return slowedAt(instance, startMs) ? tail * m_f.slowdown : tail;
}

} // namespace parity::serving
