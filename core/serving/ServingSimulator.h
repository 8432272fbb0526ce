#pragma once
// Torch-free: a discrete-event simulation of a prediction-serving cluster
// with and without coded redundancy (docs/SERVING.md). The service times it
// draws are measured from a run's real models (ServiceMeasurement.h) or read
// from a file; everything else here is simulated.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace parity::serving {

/// Service times in milliseconds: a draw picks one of the samples uniformly
/// (the empirical distribution of what was measured).
class ServiceDistribution {
public:
    ServiceDistribution() = default;
    /// Throws parity::Error when `samplesMs` is empty or holds a value that is
    /// not a positive finite number (`what` names it in the message).
    ServiceDistribution(std::vector<double> samplesMs, const std::string& what);
    static ServiceDistribution constant(double ms);

    double draw(std::mt19937_64& rng) const;
    double mean() const { return m_mean; }
    bool empty() const { return m_samples.empty(); }
    const std::vector<double>& samples() const { return m_samples; }

private:
    std::vector<double> m_samples;
    double m_mean = 0;
};

/// What a served query costs at each stage, batch size 1.
struct ServiceTimes {
    ServiceDistribution base;    ///< the base model on one query
    ServiceDistribution parity;  ///< a parity model on one parity query (Berrut: the base model on a coded query)
    ServiceDistribution encoder; ///< coding one group of k queries at the frontend
    ServiceDistribution decoder; ///< decoding one group at the frontend
};

/// Heavy tails and interference, applied to every instance alike.
struct Interference {
    /// Background load: time is cut into periods of `slowPeriodMs`; in each
    /// an instance is slowed with probability `slowFraction` (so about that
    /// fraction of the instances at a time), its services taking `slowdown`
    /// times as long (decided when a service starts).
    double slowFraction = 0;
    double slowdown = 1;
    double slowPeriodMs = 100;
    /// Service-time tails, a factor on every draw: ShiftedExponential
    /// 1 + Exp(mean `tailParameter`), Pareto with shape `tailParameter`
    /// (scale 1, so the factor is at least 1).
    enum class Tail { None, ShiftedExponential, Pareto };
    Tail tail = Tail::None;
    double tailParameter = 0;
    /// Failures: in periods of `failurePeriodMs` an instance is down with
    /// probability `failureFraction`; a service due to start while it is
    /// down starts when it is up again (queued work waits with it).
    double failureFraction = 0;
    double failurePeriodMs = 1000;
};

/// How queries are spread over the instances of a pool.
enum class Balancing {
    RoundRobin,  ///< instance i mod n, each with its own FIFO queue
    SharedQueue, ///< one FIFO queue, served by whichever instance is free first
};

/// The strategies compared, each on the same m base-model instances.
enum class Strategy {
    None,         ///< m instances, no redundancy
    Replication,  ///< m + ceil(m r / k) instances (ParM's extra instances as more replicas)
    Parity,       ///< ParM: m base + ceil(m r / k) parity instances, r parity queries per group of k
    Berrut,       ///< every group coded into k + r queries on the base model, decoded from the first k answers
    ReplicateAll, ///< upper reference: 2m instances, every query sent to two (twice the work)
};

/// "none", "replication", "parm" (r = 1) or "parm-r<r>", "berrut", "replicate-all".
std::string strategyName(Strategy s, int r);

/// The most Poisson queries one trial simulates: each holds its arrival,
/// answer, decoding and latency (some 40 bytes), so 10^8 take ~4 GB.
inline constexpr int64_t kMostQueries = 100000000;

struct SimulationOptions {
    int baseInstances = 12; ///< m
    int k = 2;
    int r = 1;
    /// Arrivals: Poisson at `rate` queries per second, or these times (ms,
    /// non-decreasing) when not empty.
    double rate = 100;
    std::vector<double> arrivalsMs;
    int64_t queries = 100000; ///< at most kMostQueries
    uint64_t seed = 1;
    Balancing balancing = Balancing::RoundRobin;
    Interference interference;
    /// ParM with r > 1: which missing base predictions a set of returned
    /// parity outputs decodes, from the code matrix: decodable[(missing mask
    /// << r) | returned-parity mask] (k + r <= 16). Empty: any |missing| <=
    /// |returned parities| (an MDS code; r = 1 is then exactly the paper's rule).
    std::vector<uint8_t> decodable;
};

/// Latency statistics of one simulated strategy.
struct StrategyResult {
    std::string strategy;
    int instances = 0;   ///< all instances the strategy uses
    int64_t queries = 0; ///< answered queries (all of them)
    double medianMs = 0;
    double meanMs = 0;
    double p99Ms = 0;
    double p995Ms = 0;
    double p999Ms = 0;
    /// Fraction of queries answered by a reconstruction (ParM) or a decoding
    /// (Berrut: all) rather than their own prediction.
    double reconstructedFraction = 0;
    /// Queries answered by a decoding, by the number e of the group's
    /// outputs missing when it decoded (ParM: base predictions; Berrut:
    /// workers): weighs the run's accuracy with e missing.
    std::vector<int64_t> decodedByErased;
    /// Offered load of the busiest pool: arrival rate x mean service /
    /// instances. +inf for traced arrivals all at once, NaN for a single
    /// traced arrival (no rate); null in JSON, an empty cell in CSV.
    double load = 0;
    /// Mean latency of the last tenth of the queries minus that of the first
    /// tenth: large and growing with --queries when the load is 1 or more.
    double queueGrowthMs = 0;
    /// Every query's latency, in arrival order (kept when asked for: CDFs).
    std::vector<double> latenciesMs;
};

/// Throws parity::Error, naming the option, when `simulate` would refuse
/// these options (checked before any work).
void checkOptions(Strategy strategy, const ServiceTimes& times, const SimulationOptions& options);

/// The arrival times (ms) of the options' queries: `arrivalsMs` when given,
/// else `queries` Poisson arrivals at `rate` drawn from `seed` (what
/// simulate() and the live mode, LiveServing.h, both serve).
std::vector<double> arrivalTimes(const SimulationOptions& options);

/// ParM's parity instances, ceil(m r / k) (k base : r parity); Replication
/// and Berrut add as many.
int parityInstances(const SimulationOptions& options);
/// All instances a strategy uses: m, m + parityInstances(), or 2m.
int instancesOf(Strategy strategy, const SimulationOptions& options);

/// ParM's decoding rule: whether the returned parity outputs (bit j: parity
/// j is back) decode the missing base predictions (bit i: position i):
/// options.decodable when given, else |missing| <= |returned|.
bool decodes(const SimulationOptions& options, uint32_t missing, uint32_t returned);

/// The statistics of one served strategy from each query's arrival and
/// answer time (ms, in arrival order) and `decodedWith` (0: answered by its
/// own prediction; e > 0: by a decoding with e of the group's outputs
/// missing); the load from `times`' means. What simulate() and the live mode
/// report.
StrategyResult summarize(Strategy strategy, const ServiceTimes& times, const SimulationOptions& options,
                         const std::vector<double>& arrivals, const std::vector<double>& answers,
                         const std::vector<int>& decodedWith, bool keepLatencies);

/// Runs one strategy over the options' arrivals. Throws parity::Error for
/// options that cannot be simulated (no instances, k < 1, k larger than
/// the instances, r out of range, no service times for a stage the strategy
/// needs, bad arrivals), naming the option.
StrategyResult simulate(Strategy strategy, const ServiceTimes& times, const SimulationOptions& options,
                        bool keepLatencies = false);

/// The strategies that make sense for a code: none, replication, parm (or
/// berrut), replicate-all.
std::vector<Strategy> strategiesFor(bool berrut);

/// Mean and 95% confidence half-width of repeated trials (Student's t up to
/// 30 degrees of freedom, the normal 1.96 beyond: slightly narrow there).
struct Estimate {
    double mean = 0;
    double halfWidth = 0;
};
Estimate estimateOf(const std::vector<double>& values);

/// Percentile p (clamped to 0..100) of `values` by linear interpolation
/// between order statistics (numpy's default); `values` is reordered.
double percentile(std::vector<double>& values, double p);

} // namespace parity::serving
