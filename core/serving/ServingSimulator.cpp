#include "serving/ServingSimulator.h"

#include "serving/InterferenceSchedule.h"
#include "util/Error.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <numeric>
#include <queue>

namespace parity::serving {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool positiveFinite(double v) { return std::isfinite(v) && v > 0; }

// One pool of identical instances and its queue discipline. Units must be
// served in the order they are dispatched (serve() is called that way).
class Pool {
public:
    Pool(int instances, int firstId, Balancing balancing, const Interference& interference, uint64_t seed)
        : m_n(instances)
        , m_firstId(firstId)
        , m_balancing(balancing)
        , m_schedule(interference, seed)
        , m_freeAt(size_t(instances), 0.0)
    {
        for (int i = 0; i < instances; ++i)
            m_free.push({0.0, i});
    }

    // When a unit dispatched at `at`, needing `serviceMs` on an idle,
    // undisturbed instance, is done.
    double serve(double at, double serviceMs, std::mt19937_64& rng)
    {
        int i = 0;
        double start = 0;
        if (m_balancing == Balancing::RoundRobin) {
            i = int(m_next++ % uint64_t(m_n));
            start = upFrom(i, std::max(at, m_freeAt[size_t(i)]));
        } else if (m_schedule.hasFailures()) {
            // The instance that can start first, down periods skipped: one
            // that was free first may be down while another is up.
            start = kInf;
            for (int j = 0; j < m_n; ++j) {
                const double t = upFrom(j, std::max(at, m_freeAt[size_t(j)]));
                if (t < start) {
                    start = t;
                    i = j;
                }
            }
        } else {
            i = m_free.top().second;
            m_free.pop();
            start = std::max(at, m_freeAt[size_t(i)]);
        }
        const double done = start + serviceMs * m_schedule.serviceFactor(m_firstId + i, start, rng);
        m_freeAt[size_t(i)] = done;
        if (m_balancing == Balancing::SharedQueue && !m_schedule.hasFailures())
            m_free.push({done, i});
        return done;
    }

private:
    double upFrom(int i, double t) const { return m_schedule.upFrom(m_firstId + i, t); }

    using Slot = std::pair<double, int>; // free from, instance (ties: lower instance first)
    int m_n;
    int m_firstId;
    Balancing m_balancing;
    InterferenceSchedule m_schedule;
    std::vector<double> m_freeAt;
    std::priority_queue<Slot, std::vector<Slot>, std::greater<>> m_free;
    uint64_t m_next = 0;
};

// A unit of work dispatched to a pool: which query (or group) it belongs to.
struct Unit {
    double at = 0;
    int64_t owner = 0;
    int slot = 0;
};

// Serves `units` (sorted by dispatch time, stable) and returns each one's
// completion time, in the units' order. Units with slot < 0 draw from
// `uncoded` (Berrut's last, incomplete group).
std::vector<double> serveAll(Pool& pool, std::vector<Unit>& units, const ServiceDistribution& service,
                             std::mt19937_64& rng, const ServiceDistribution* uncoded = nullptr)
{
    std::stable_sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) { return a.at < b.at; });
    std::vector<double> done(units.size());
    for (size_t u = 0; u < units.size(); ++u)
        done[u] = pool.serve(units[u].at, (units[u].slot < 0 && uncoded ? *uncoded : service).draw(rng), rng);
    return done;
}

double meanFactor(const Interference& f)
{
    double tail = 1.0;
    if (f.tail == Interference::Tail::ShiftedExponential)
        tail = 1.0 + f.tailParameter;
    else if (f.tail == Interference::Tail::Pareto)
        tail = f.tailParameter > 1 ? f.tailParameter / (f.tailParameter - 1) : kInf;
    return tail * (1.0 + f.slowFraction * (f.slowdown - 1.0)) / (1.0 - f.failureFraction);
}

} // namespace

void checkOptions(Strategy strategy, const ServiceTimes& times, const SimulationOptions& o)
{
    if (o.baseInstances > 1000000)
        throw Error("instances: " + std::to_string(o.baseInstances) + ": at most 1000000");
    if (strategy == Strategy::Parity && o.k + o.r > 31)
        throw Error("k: " + std::to_string(o.k) + " with r = " + std::to_string(o.r)
                    + ": a ParM group has at most 31 outputs (k + r)");
    if (o.baseInstances < 1)
        throw Error("instances: " + std::to_string(o.baseInstances) + ": at least 1 base-model instance is needed");
    if (o.k < 1)
        throw Error("k: " + std::to_string(o.k) + ": at least 1 query per group");
    if (o.k > o.baseInstances)
        throw Error("k: " + std::to_string(o.k) + " is larger than the " + std::to_string(o.baseInstances)
                    + " base-model instances: a group's queries would share instances");
    if (o.r < 1 || o.r > 8)
        throw Error("r: " + std::to_string(o.r) + ": 1 to 8 parities per group");
    if (o.arrivalsMs.empty() && (o.queries < 1 || o.queries > kMostQueries))
        throw Error("queries: " + std::to_string(o.queries) + ": 1 to " + std::to_string(kMostQueries)
                    + " queries per trial");
    if (o.arrivalsMs.empty() && !positiveFinite(o.rate))
        throw Error("rate: " + std::to_string(o.rate) + ": queries per second must be a positive number");
    for (size_t i = 0; i < o.arrivalsMs.size(); ++i)
        if (!std::isfinite(o.arrivalsMs[i]) || o.arrivalsMs[i] < 0 || (i && o.arrivalsMs[i] < o.arrivalsMs[i - 1]))
            throw Error("arrivals: time " + std::to_string(i + 1)
                        + " is not a non-negative number at or after the one before");
    const Interference& f = o.interference;
    if (!(f.slowFraction >= 0 && f.slowFraction <= 1))
        throw Error("slow-fraction: must be between 0 and 1");
    if (!(f.slowdown >= 1) || !std::isfinite(f.slowdown))
        throw Error("slowdown: must be a factor of at least 1");
    if (!positiveFinite(f.slowPeriodMs))
        throw Error("slow-period: must be a positive number of milliseconds");
    if (f.tail != Interference::Tail::None && !positiveFinite(f.tailParameter))
        throw Error("tail: its parameter must be a positive number");
    if (!(f.failureFraction >= 0 && f.failureFraction < 1))
        throw Error("failure-fraction: must be at least 0 and below 1");
    if (!positiveFinite(f.failurePeriodMs))
        throw Error("failure-period: must be a positive number of milliseconds");
    // Periods are numbered (InterferenceSchedule::periodOf): past 2^52 of
    // them in the time simulated (the trace's, or about queries / rate for
    // Poisson arrivals, twice for their spread) neighbouring ones blur.
    const double horizonMs = o.arrivalsMs.empty() ? 2.0 * double(o.queries) / o.rate * 1000.0 : o.arrivalsMs.back();
    const auto checkPeriod = [&](const char* name, double periodMs) {
        if (!(horizonMs / periodMs < 0x1.0p52)) {
            std::ostringstream why;
            why << name << ": " << periodMs << " ms is too short for the " << horizonMs
                << " ms the arrivals span (more than 2^52 periods)";
            throw Error(why.str());
        }
    };
    if (f.slowFraction > 0)
        checkPeriod("slow-period", f.slowPeriodMs);
    if (f.failureFraction > 0)
        checkPeriod("failure-period", f.failurePeriodMs);
    if (times.base.empty())
        throw Error("service times: none for the base model");
    if ((strategy == Strategy::Parity || strategy == Strategy::Berrut)
        && (times.parity.empty() || times.encoder.empty() || times.decoder.empty()))
        throw Error("service times: the " + strategyName(strategy, o.r)
                    + " strategy needs the parity model's, the encoder's and the decoder's");
    if (strategy == Strategy::Parity && !o.decodable.empty()) {
        if (o.k + o.r > 16)
            throw Error("k + r: " + std::to_string(o.k + o.r) + ": at most 16 with a decodability table");
        if (o.decodable.size() != (size_t(1) << (o.k + o.r)))
            throw Error("decodability table: " + std::to_string(o.decodable.size())
                        + " entries, expected 2^(k + r) = " + std::to_string(size_t(1) << (o.k + o.r)));
    }
}

std::vector<double> arrivalTimes(const SimulationOptions& o)
{
    if (!o.arrivalsMs.empty())
        return o.arrivalsMs;
    std::mt19937_64 rng(o.seed);
    std::exponential_distribution<double> gap(o.rate / 1000.0); // per ms
    std::vector<double> at(size_t(o.queries));
    double t = 0;
    for (double& a : at) {
        t += gap(rng);
        a = t;
    }
    return at;
}

int parityInstances(const SimulationOptions& o) { return (o.baseInstances * o.r + o.k - 1) / o.k; }

int instancesOf(Strategy strategy, const SimulationOptions& o)
{
    switch (strategy) {
    case Strategy::None:
        return o.baseInstances;
    case Strategy::Replication:
    case Strategy::Parity:
    case Strategy::Berrut:
        return o.baseInstances + parityInstances(o);
    case Strategy::ReplicateAll:
        return 2 * o.baseInstances;
    }
    return o.baseInstances;
}

bool decodes(const SimulationOptions& o, uint32_t missing, uint32_t returned)
{
    if (!o.decodable.empty())
        return o.decodable[(size_t(missing) << o.r) | returned] != 0;
    return __builtin_popcount(missing) <= __builtin_popcount(returned);
}

namespace {

double meanOf(const std::vector<double>& v, size_t from, size_t to)
{
    if (to <= from)
        return 0;
    return std::accumulate(v.begin() + std::ptrdiff_t(from), v.begin() + std::ptrdiff_t(to), 0.0) / double(to - from);
}

} // namespace

ServiceDistribution::ServiceDistribution(std::vector<double> samplesMs, const std::string& what)
    : m_samples(std::move(samplesMs))
{
    if (m_samples.empty())
        throw Error(what + ": no service times");
    for (double v : m_samples)
        if (!positiveFinite(v))
            throw Error(what + ": service time " + std::to_string(v) + " is not a positive number of milliseconds");
    m_mean = std::accumulate(m_samples.begin(), m_samples.end(), 0.0) / double(m_samples.size());
}

ServiceDistribution ServiceDistribution::constant(double ms) { return ServiceDistribution({ms}, "constant"); }

double ServiceDistribution::draw(std::mt19937_64& rng) const
{
    if (m_samples.size() == 1)
        return m_samples.front();
    return m_samples[size_t(std::uniform_int_distribution<size_t>(0, m_samples.size() - 1)(rng))];
}

std::string strategyName(Strategy s, int r)
{
    switch (s) {
    case Strategy::None:
        return "none";
    case Strategy::Replication:
        return "replication";
    case Strategy::Parity:
        return r == 1 ? "parm" : "parm-r" + std::to_string(r);
    case Strategy::Berrut:
        return "berrut";
    case Strategy::ReplicateAll:
        return "replicate-all";
    }
    return "?";
}

std::vector<Strategy> strategiesFor(bool berrut)
{
    return {Strategy::None, Strategy::Replication, berrut ? Strategy::Berrut : Strategy::Parity,
            Strategy::ReplicateAll};
}

StrategyResult summarize(Strategy strategy, const ServiceTimes& times, const SimulationOptions& o,
                         const std::vector<double>& arrivals, const std::vector<double>& answers,
                         const std::vector<int>& decodedWith, bool keepLatencies)
{
    const int64_t n = int64_t(arrivals.size());
    if (answers.size() != arrivals.size() || decodedWith.size() != arrivals.size())
        throw Error("summarize: " + std::to_string(answers.size()) + " answers and "
                    + std::to_string(decodedWith.size()) + " decodings for " + std::to_string(n) + " queries");
    const int m = o.baseInstances;
    const int k = o.k;
    const int r = o.r;
    const int extra = parityInstances(o);
    // The arrival rate: the arrivals' own, (n - 1) per their span; a single
    // Poisson arrival, the rate asked for. Traced arrivals all at once have
    // an unbounded rate (load +inf), a single traced one none (NaN).
    const double span = n > 1 ? arrivals.back() - arrivals.front() : 0.0;
    const double perMs = span > 0               ? double(n - 1) / span
                         : n > 1                ? std::numeric_limits<double>::infinity()
                         : o.arrivalsMs.empty() ? o.rate / 1000.0
                                                : std::numeric_limits<double>::quiet_NaN();
    const double factor = meanFactor(o.interference);

    StrategyResult res;
    res.strategy = strategyName(strategy, r);
    res.queries = n;
    res.instances = instancesOf(strategy, o);
    switch (strategy) {
    case Strategy::None:
    case Strategy::Replication:
        res.load = perMs * times.base.mean() * factor / res.instances;
        break;
    case Strategy::ReplicateAll:
        res.load = 2 * perMs * times.base.mean() * factor / res.instances;
        break;
    case Strategy::Parity:
        res.load = std::max(perMs * times.base.mean() * factor / m,
                            perMs / k * r * times.parity.mean() * factor / extra);
        break;
    case Strategy::Berrut:
        res.load = perMs / k * (k + r) * times.parity.mean() * factor / res.instances;
        break;
    }
    res.decodedByErased.assign(size_t(k + r + 1), 0);
    std::vector<double> latency(static_cast<size_t>(n));
    int64_t rebuiltCount = 0;
    for (int64_t q = 0; q < n; ++q) {
        latency[size_t(q)] = answers[size_t(q)] - arrivals[size_t(q)];
        const int e = decodedWith[size_t(q)];
        if (e > 0) {
            ++rebuiltCount;
            ++res.decodedByErased[size_t(std::min(e, k + r))];
        }
    }
    const size_t tenth = size_t(n) / 10;
    res.queueGrowthMs = meanOf(latency, size_t(n) - tenth, size_t(n)) - meanOf(latency, 0, tenth);
    res.meanMs = meanOf(latency, 0, size_t(n));
    res.reconstructedFraction = n ? double(rebuiltCount) / double(n) : 0.0;
    std::vector<double> sorted = latency;
    res.medianMs = percentile(sorted, 50);
    res.p99Ms = percentile(sorted, 99);
    res.p995Ms = percentile(sorted, 99.5);
    res.p999Ms = percentile(sorted, 99.9);
    if (keepLatencies)
        res.latenciesMs = std::move(latency);
    return res;
}

StrategyResult simulate(Strategy strategy, const ServiceTimes& times, const SimulationOptions& o, bool keepLatencies)
{
    checkOptions(strategy, times, o);
    const std::vector<double> arrivals = arrivalTimes(o);
    const int64_t n = int64_t(arrivals.size());
    const int m = o.baseInstances;
    const int k = o.k;
    const int r = o.r;
    const int extra = parityInstances(o); // ParM's parity instances: k base : r parity
    std::mt19937_64 rng(o.seed * 0x2545F4914F6CDD1DULL + uint64_t(strategy) + 1);

    std::vector<double> answer(size_t(n), kInf);
    std::vector<int> decodedWith(size_t(n), 0); // 0: its own prediction; e: decoded with e outputs missing

    const auto ownQueries = [&](Pool& pool, int copies) {
        std::vector<Unit> units;
        units.reserve(size_t(n * copies));
        for (int64_t q = 0; q < n; ++q)
            for (int c = 0; c < copies; ++c)
                units.push_back({arrivals[size_t(q)], q, c});
        const std::vector<double> done = serveAll(pool, units, times.base, rng);
        for (size_t u = 0; u < units.size(); ++u)
            answer[size_t(units[u].owner)] = std::min(answer[size_t(units[u].owner)], done[u]);
    };

    switch (strategy) {
    case Strategy::None:
    case Strategy::Replication:
    case Strategy::ReplicateAll: {
        Pool pool(instancesOf(strategy, o), 0, o.balancing, o.interference, o.seed);
        ownQueries(pool, strategy == Strategy::ReplicateAll ? 2 : 1);
        break;
    }
    case Strategy::Parity: {
        Pool basePool(m, 0, o.balancing, o.interference, o.seed);
        Pool parityPool(extra, m, o.balancing, o.interference, o.seed);
        std::vector<Unit> baseUnits;
        baseUnits.reserve(size_t(n));
        for (int64_t q = 0; q < n; ++q)
            baseUnits.push_back({arrivals[size_t(q)], q, 0});
        const std::vector<double> baseDone = serveAll(basePool, baseUnits, times.base, rng);
        std::vector<double> own(static_cast<size_t>(n));
        for (size_t u = 0; u < baseUnits.size(); ++u)
            own[size_t(baseUnits[u].owner)] = baseDone[u];
        const int64_t groups = n / k; // a last incomplete group gets no parity
        std::vector<Unit> parityUnits;
        parityUnits.reserve(size_t(groups * r));
        for (int64_t g = 0; g < groups; ++g) {
            const double coded = arrivals[size_t(g * k + k - 1)] + times.encoder.draw(rng);
            for (int j = 0; j < r; ++j)
                parityUnits.push_back({coded, g, j});
        }
        const std::vector<double> parityDone = serveAll(parityPool, parityUnits, times.parity, rng);
        std::vector<double> parityOf(static_cast<size_t>(groups * r));
        for (size_t u = 0; u < parityUnits.size(); ++u)
            parityOf[size_t(parityUnits[u].owner * r + parityUnits[u].slot)] = parityDone[u];
        for (int64_t q = 0; q < n; ++q)
            answer[size_t(q)] = own[size_t(q)];
        // Per group: walk its k + r outputs in the order they return; a
        // missing query is rebuilt (plus the decoder's time) as soon as the
        // returned outputs decode every missing one.
        std::vector<std::pair<double, int>> events(size_t(k + r));
        for (int64_t g = 0; g < groups; ++g) {
            for (int i = 0; i < k; ++i)
                events[size_t(i)] = {own[size_t(g * k + i)], i};
            for (int j = 0; j < r; ++j)
                events[size_t(k + j)] = {parityOf[size_t(g * r + j)], k + j};
            std::sort(events.begin(), events.end());
            uint32_t missing = (1u << k) - 1, returned = 0;
            for (const auto& [t, unit] : events) {
                if (unit < k)
                    missing &= ~(1u << unit);
                else
                    returned |= 1u << (unit - k);
                if (missing == 0)
                    break;
                if (!decodes(o, missing, returned))
                    continue;
                const double decoded = t + times.decoder.draw(rng);
                const int e = __builtin_popcount(missing);
                for (int i = 0; i < k; ++i)
                    if (missing & (1u << i)) {
                        const size_t q = size_t(g * k + i);
                        if (decoded < answer[q]) {
                            answer[q] = decoded;
                            decodedWith[q] = e;
                        }
                    }
                break;
            }
        }
        break;
    }
    case Strategy::Berrut: {
        // Every query is coded: a group waits for its k queries, then k + r
        // coded queries run on the base model; all k answers are decoded from
        // the first k to return.
        Pool pool(m + extra, 0, o.balancing, o.interference, o.seed);
        const int64_t groups = n / k;
        std::vector<Unit> units;
        units.reserve(size_t(groups * (k + r)));
        for (int64_t g = 0; g < groups; ++g) {
            const double coded = arrivals[size_t(g * k + k - 1)] + times.encoder.draw(rng);
            for (int j = 0; j < k + r; ++j)
                units.push_back({coded, g, j});
        }
        // A last incomplete group is served uncoded, by the base model, in
        // its place in the dispatch order.
        for (int64_t q = groups * k; q < n; ++q)
            units.push_back({arrivals[size_t(q)], q, -1});
        const std::vector<double> done = serveAll(pool, units, times.parity, rng, &times.base);
        std::vector<std::vector<double>> byGroup(static_cast<size_t>(groups));
        for (size_t u = 0; u < units.size(); ++u) {
            if (units[u].slot < 0)
                answer[size_t(units[u].owner)] = done[u];
            else
                byGroup[size_t(units[u].owner)].push_back(done[u]);
        }
        for (int64_t g = 0; g < groups; ++g) {
            auto& t = byGroup[size_t(g)];
            std::nth_element(t.begin(), t.begin() + (k - 1), t.end());
            const double decoded = t[size_t(k - 1)] + times.decoder.draw(rng);
            for (int i = 0; i < k; ++i) {
                answer[size_t(g * k + i)] = decoded;
                decodedWith[size_t(g * k + i)] = r; // decoded from k of k + r: r workers missing
            }
        }
        break;
    }
    }
    return summarize(strategy, times, o, arrivals, answer, decodedWith, keepLatencies);
}

double percentile(std::vector<double>& values, double p)
{
    if (values.empty())
        return 0;
    p = std::clamp(p, 0.0, 100.0);
    const double rank = p / 100.0 * double(values.size() - 1);
    const size_t lo = size_t(std::floor(rank));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(lo), values.end());
    const double a = values[lo];
    if (hi == lo)
        return a;
    const double b = *std::min_element(values.begin() + std::ptrdiff_t(lo) + 1, values.end());
    return a + (rank - double(lo)) * (b - a);
}

Estimate estimateOf(const std::vector<double>& values)
{
    Estimate e;
    const size_t n = values.size();
    if (n == 0)
        return e;
    e.mean = std::accumulate(values.begin(), values.end(), 0.0) / double(n);
    if (n == 1)
        return e;
    double ss = 0;
    for (double v : values)
        ss += (v - e.mean) * (v - e.mean);
    // Student's t, 97.5% quantile, for 1..30 degrees of freedom; 1.96 beyond.
    static const double t975[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                  2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                  2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    const double t = n - 1 <= 30 ? t975[n - 2] : 1.96;
    e.halfWidth = t * std::sqrt(ss / double(n - 1)) / std::sqrt(double(n));
    return e;
}

} // namespace parity::serving
