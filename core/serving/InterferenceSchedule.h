#pragma once
// Torch-free: which instance is slowed or down when, and the service-time
// tail, for the simulator (ServingSimulator.cpp) and the live mode
// (LiveServing.cpp) alike, so that both meet the same interference.
#include "serving/ServingSimulator.h"

#include <cstdint>
#include <random>

namespace parity::serving {

/// The rule of Interference for one seed. Time is in milliseconds from the
/// start of the serving; instances are numbered across a strategy's pools
/// (base instances first). Slowdowns and failures are decided by a stateless
/// hash of (seed, instance, period): every strategy, simulated or live, meets
/// the same slow and failed instances at the same times.
class InterferenceSchedule {
public:
    InterferenceSchedule(const Interference& interference, uint64_t seed);

    /// Whether a service of `instance` starting at `ms` is slowed: in its
    /// period of slowPeriodMs, with probability slowFraction.
    bool slowedAt(int instance, double ms) const;
    /// Whether `instance` is down at `ms` (probability failureFraction per
    /// period of failurePeriodMs).
    bool downAt(int instance, double ms) const;
    /// The first time from `ms` on at which `instance` is up (the start of
    /// its next period up, or `ms` when it is up then).
    double upFrom(int instance, double ms) const;
    /// The end of the failure period holding `ms` (when the instance may
    /// change state next).
    double failurePeriodEnd(double ms) const;
    /// A draw of the tail factor (1 without a tail).
    double tailFactor(std::mt19937_64& rng) const;
    /// What a service of `instance` starting at `startMs` takes, as a factor
    /// of its undisturbed time: tailFactor() x slowdown when slowed.
    double serviceFactor(int instance, double startMs, std::mt19937_64& rng) const;

    bool hasFailures() const { return m_f.failureFraction > 0; }
    const Interference& interference() const { return m_f; }

    /// The period of length `periodMs` holding `ms` (0 for times before 0),
    /// and where period `period` starts: period x periodMs, nudged up when
    /// rounding would put it in the period before (periodOf(periodStart(p))
    /// == p, so stepping from period to period always moves on). Throws
    /// parity::Error when `ms` lies more than 2^53 periods on (a period far
    /// too short for the time simulated).
    static int64_t periodOf(double ms, double periodMs);
    static double periodStart(int64_t period, double periodMs);

private:
    bool downIn(int instance, int64_t period) const;

    Interference m_f;
    uint64_t m_seed;
};

} // namespace parity::serving
