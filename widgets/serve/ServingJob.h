#pragma once
// The work behind the Serving tab, off the GUI thread: measure a run's models
// (once per run), then simulate every strategy, for one arrival rate or a
// sweep of rates (docs/SERVING.md).
#include "serving/ServiceMeasurement.h"
#include "serving/ServingStudy.h"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace parity::gui {

struct ServingRequest {
    std::string runDir;
    /// The run's measured service times when already known (the same run):
    /// not measured again.
    std::optional<serving::MeasuredRun> measured;
    int repetitions = 200; ///< calls timed per model when measuring
    /// What to simulate; r, the decodability table and (for the run's own k)
    /// the accuracies come from the run.
    serving::SimulationOptions options;
    int trials = 5;
    /// Arrival rates of a load sweep (queries/s); empty: only options.rate.
    std::vector<double> sweepRates;
};

/// Shared with the GUI thread, which reads it on a timer and may cancel.
struct ServingProgress {
    std::atomic<bool> measuring{false};
    std::atomic<int> trialsBegun{0};
    std::atomic<int> trialsTotal{0};
    std::atomic<bool> cancel{false};
};

struct ServingSweepPoint {
    double rate = 0;
    std::vector<serving::TrialSummary> strategies; ///< without latencies
};

struct ServingOutcome {
    serving::MeasuredRun run;
    serving::RunAccuracy accuracy;
    serving::SimulationOptions options; ///< as simulated (rate, slow period and r filled in)
    int trials = 0;
    /// One per strategy at options.rate, the last trial's latencies kept.
    std::vector<serving::TrialSummary> strategies;
    std::vector<ServingSweepPoint> sweep;
    bool cancelled = false;
    std::string error; ///< empty when it worked
};

/// Measures (unless the request has the run's times) and simulates. Errors
/// (no checkpoint, options the simulator refuses) come back in `error`.
/// A non-positive options.rate or slow period means the defaults derived from
/// the measured base time (serving::defaultRate, defaultSlowPeriodMs).
ServingOutcome runServing(ServingRequest request, ServingProgress& progress);

/// The sweep's rates: 10%, 20% .. 90% of the capacity of the m base
/// instances with no redundancy (m x 1000 / mean base time, per second).
std::vector<double> sweepRatesFor(const serving::ServiceTimes& times, int baseInstances);

/// The sweep as CSV: rate_per_s,strategy,load,median_ms,p99_ms,p99_9_ms,
/// p99_9_ci_ms,reconstructed_fraction,served_accuracy.
std::string sweepCsv(const std::vector<ServingSweepPoint>& sweep);

} // namespace parity::gui
