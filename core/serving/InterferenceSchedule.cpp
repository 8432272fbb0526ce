#include "serving/InterferenceSchedule.h"

#include "util/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

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
           && hashedUnit(m_seed, uint64_t(instance), uint64_t(periodOf(ms, m_f.slowPeriodMs)), 1) < m_f.slowFraction;
}

bool InterferenceSchedule::downAt(int instance, double ms) const
{
    return m_f.failureFraction > 0 && downIn(instance, periodOf(ms, m_f.failurePeriodMs));
}

bool InterferenceSchedule::downIn(int instance, int64_t period) const
{
    return hashedUnit(m_seed, uint64_t(instance), uint64_t(period), 2) < m_f.failureFraction;
}

// Periods are counted as integers: stepping in milliseconds, (floor(t / P)
// + 1) * P divided by P again can round back into the same period, and a
// down instance then never came up (the live mode hung on it).
double InterferenceSchedule::upFrom(int instance, double ms) const
{
    if (m_f.failureFraction <= 0)
        return ms;
    int64_t period = periodOf(ms, m_f.failurePeriodMs);
    if (!downIn(instance, period))
        return ms;
    do
        ++period;
    while (downIn(instance, period));
    return periodStart(period, m_f.failurePeriodMs);
}

double InterferenceSchedule::failurePeriodEnd(double ms) const
{
    return periodStart(periodOf(ms, m_f.failurePeriodMs) + 1, m_f.failurePeriodMs);
}

int64_t InterferenceSchedule::periodOf(double ms, double periodMs)
{
    const double period = std::floor(std::max(0.0, ms) / periodMs); // time before 0 is in period 0
    // Past 2^53 neighbouring periods are the same double, and past 2^63 the
    // index overflows (a service would start before its query arrived).
    if (!(period < 0x1.0p53)) {
        std::ostringstream why;
        why << "slow-period / failure-period: " << periodMs << " ms is too short for a simulated time of " << ms
            << " ms (more than 2^53 periods): take a longer period";
        throw Error(why.str());
    }
    return int64_t(period);
}

double InterferenceSchedule::periodStart(int64_t period, double periodMs)
{
    // period x P, nudged up while rounding puts it in the period before.
    double ms = double(period) * periodMs;
    while (periodOf(ms, periodMs) < period)
        ms = std::nextafter(ms, std::numeric_limits<double>::infinity());
    return ms;
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
