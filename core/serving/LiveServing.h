#pragma once
// The live validation mode (docs/SERVING.md, "Live validation"): the
// simulator's cluster served for real in this process, one worker thread per
// instance running the run's own models, with the simulator's arrivals and
// its interference injected by sleeping, timed with a monotonic clock.
#include "serving/ServingSimulator.h"

#include <string>

namespace parity {
class TrainingObserver;
}

namespace parity::serving {

struct ServedModels;

struct LiveResult {
    /// The statistics simulate() gives (summarize()), latencies kept
    /// (latenciesMs in arrival order); load from the observed means.
    StrategyResult result;
    /// Per-stage compute times the workers and the frontend measured during
    /// this run, before any injected sleep: base (a query's own prediction),
    /// parity (a coded query; Berrut: the base model on it), encoder
    /// (gathering and coding a group's k queries), decoder (one decoding).
    /// A stage the strategy runs but that never ran (no decoding was
    /// needed) holds its warm-up calls; one the strategy does not run is empty.
    ServiceTimes observed;
    double wallSeconds = 0; ///< from the first arrival's time 0 to the last answer
};

/// Serves options.queries queries (Poisson at options.rate with
/// options.seed, or options.arrivalsMs: arrivalTimes()) with real worker
/// threads, one per instance of the strategy, numbered and dispatched as
/// simulate() does (instancesOf(); round-robin or one shared queue; ParM
/// groups of k with r parity queries, the first answer wins; Berrut decoded
/// from the first k of k + r; replication; replicate-all), each running
/// RUN_DIR's models (loadServedModels: best.pth else current.pth) at batch
/// size 1 with 1 LibTorch thread. Interference is decided by
/// InterferenceSchedule, as in the simulator, and injected: a service of d
/// ms whose factor is f (tail x slowdown) ends f d after it started (the
/// thread sleeps (f - 1) d); a down instance waits until it is up. Latency
/// = answer time - arrival time, std::chrono::steady_clock. The frontend
/// thread sleeps until each arrival, dispatches, and encodes a group when its
/// k-th query has arrived; a decoding runs on the worker thread whose output
/// made the group decodable. Throws parity::Error for options simulate()
/// refuses (checkOptions), a strategy that does not fit the run (parm on a
/// Berrut run or the reverse; another k or r than the run's for a coded
/// strategy), a run without a trained parity model or checkpoint, and when a
/// worker fails (its message).
LiveResult serveLive(const std::string& runDir, Strategy strategy, const SimulationOptions& options,
                     TrainingObserver* observer = nullptr);

/// The same on models already loaded (several strategies or repetitions
/// share one load). `observer` gets the dispatch progress.
LiveResult serveLive(const ServedModels& models, Strategy strategy, const SimulationOptions& options,
                     TrainingObserver* observer = nullptr);

/// The most worker threads (instances of a strategy) one live run starts.
inline constexpr int kMostLiveInstances = 1024;

/// What serveLive refuses of `strategy` on a run whose code is k = `runK`,
/// r = `runR`, checked before anything is loaded or served: simulate()'s
/// option checks, more than kMostLiveInstances workers, and another k or r
/// than the run's for a coded strategy. Throws parity::Error.
void checkLive(Strategy strategy, int runK, int runR, const SimulationOptions& options);

/// The ServedModels sample count serveLive loads: queries cycle over this
/// many test samples.
inline constexpr int64_t kLiveSamples = 64;

} // namespace parity::serving
