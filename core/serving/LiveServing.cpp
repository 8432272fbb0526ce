#include "serving/LiveServing.h"

#include "coders/Decoder.h"
#include "coders/Encoder.h"
#include "events/TrainingEvents.h"
#include "models/Network.h"
#include "serving/InterferenceSchedule.h"
#include "serving/ServedModels.h"
#include "training/RunComponents.h"
#include "util/Error.h"
#include "util/Threads.h"

#include <c10/core/InferenceMode.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

namespace parity::serving {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kWarmUpCalls = 3;

double msBetween(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

Clock::duration durationOfMs(double ms)
{
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(ms));
}

// A unit of work for an instance: query `owner`'s own prediction (slot < 0)
// or coded query `slot` of group `owner`, as the simulator's units.
struct Job {
    int64_t owner = 0;
    int slot = -1;
    Network* model = nullptr;
    at::Tensor input; ///< (1, ...)
};

// A FIFO of jobs: one per instance (round-robin) or one per pool (shared).
class JobQueue {
public:
    enum class Popped { Job, Timeout, Closed };

    void push(Job job)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_jobs.push_back(std::move(job));
        }
        m_changed.notify_one();
    }
    void close()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_closed = true;
        }
        m_changed.notify_all();
    }
    // The next job; Closed once closed and empty; Timeout at `deadline`.
    Popped pop(Job& job, std::optional<Clock::time_point> deadline)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        const auto ready = [&] { return !m_jobs.empty() || m_closed; };
        if (deadline) {
            if (!m_changed.wait_until(lock, *deadline, ready))
                return Popped::Timeout;
        } else {
            m_changed.wait(lock, ready);
        }
        if (m_jobs.empty())
            return Popped::Closed;
        job = std::move(m_jobs.front());
        m_jobs.pop_front();
        return Popped::Job;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Job> m_jobs;
    bool m_closed = false;
};

// The instances of one pool: ids from `firstId` as simulate() numbers them.
struct Pool {
    int firstId = 0;
    int instances = 0;
    std::vector<std::unique_ptr<JobQueue>> queues; // one per instance, or one shared
    uint64_t next = 0;
    std::vector<Job> warmUp; // run by each worker before time 0

    JobQueue& queueOf(int i) { return *queues[queues.size() == 1 ? 0 : size_t(i)]; }
    void dispatch(Job job) { queues[queues.size() == 1 ? 0 : size_t(next++ % uint64_t(instances))]->push(job); }
};

// A coded group's outputs as they return (`width` floats each).
struct Group {
    std::vector<float> base;  ///< k base predictions (ParM)
    std::vector<float> coded; ///< the coded queries' outputs
    uint32_t missing = 0;     ///< ParM: base predictions not back
    uint32_t returned = 0;    ///< coded outputs back
    int back = 0;
    bool decoded = false;
};

// Measured milliseconds of one stage, during the run and in the warm-up.
struct StageTimes {
    std::vector<double> live;
    std::vector<double> warmUp;
    ServiceDistribution distribution(const std::string& what) const
    {
        const std::vector<double>& v = live.empty() ? warmUp : live;
        return v.empty() ? ServiceDistribution() : ServiceDistribution(v, what);
    }
};

// One BLAS thread while serving (exchangeBlasThreads), the count put back
// after: the workers' products would otherwise queue for one shared BLAS
// pool (resnet18 at batch 1 here: two workers side by side took 12 ms per
// query each with a 2-thread OpenBLAS, 7 ms with one thread).
class SingleThreadedBlas {
public:
    SingleThreadedBlas()
        : m_before(exchangeBlasThreads(1))
    {
    }
    ~SingleThreadedBlas()
    {
        if (m_before > 0)
            exchangeBlasThreads(m_before);
    }
    SingleThreadedBlas(const SingleThreadedBlas&) = delete;
    SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

private:
    int m_before;
};

class LiveCluster {
public:
    LiveCluster(const ServedModels& models, Strategy strategy, const SimulationOptions& o, TrainingObserver* observer)
        : m_models(models)
        , m_strategy(strategy)
        , m_o(o)
        , m_observer(observer)
        , m_schedule(o.interference, o.seed)
        , m_threads(plannedThreadSettings(1, workloadOfModel(models.config.model)))
        , m_arrivals(arrivalTimes(o))
        , m_k(o.k)
        , m_coded(strategy == Strategy::Parity || strategy == Strategy::Berrut)
        , m_groups(m_coded ? int64_t(m_arrivals.size()) / o.k : 0)
        , m_outputs(m_coded ? models.parts->encoder->outputs() : 0)
        , m_answers(m_arrivals.size(), kInf)
        , m_decodedWith(m_arrivals.size(), 0)
    {
        const int first = strategy == Strategy::Parity ? o.baseInstances : instancesOf(strategy, o);
        addPool(0, first);
        if (strategy == Strategy::Parity)
            addPool(o.baseInstances, parityInstances(o));
    }

    LiveResult run()
    {
        {
            const SingleThreadedBlas blas;
            std::thread frontend([this] { this->frontend(); });
            frontend.join();
        }
        if (m_failed)
            throw Error("live serving: " + m_error);
        for (size_t q = 0; q < m_answers.size(); ++q)
            if (m_answers[q] == kInf)
                throw Error("live serving: query " + std::to_string(q + 1) + " was never answered");
        LiveResult live;
        live.wallSeconds = msBetween(m_t0, m_end) / 1000.0;
        live.observed.base = m_stages[0].distribution("live base model");
        live.observed.parity = m_stages[1].distribution("live coded queries");
        live.observed.encoder = m_stages[2].distribution("live encoder");
        live.observed.decoder = m_stages[3].distribution("live decoder");
        live.result = summarize(m_strategy, live.observed, m_o, m_arrivals, m_answers, m_decodedWith, true);
        return live;
    }

private:
    enum Stage { Base, Coded, Encoding, Decoding };

    void addPool(int firstId, int instances)
    {
        Pool pool;
        pool.firstId = firstId;
        pool.instances = instances;
        const int queues = m_o.balancing == Balancing::SharedQueue ? 1 : instances;
        for (int i = 0; i < queues; ++i)
            pool.queues.push_back(std::make_unique<JobQueue>());
        m_pools.push_back(std::move(pool));
    }

    Job ownJob(int64_t q) const
    {
        const int64_t samples = m_models.inputs.size(0);
        return {q, -1, m_models.parts->base.get(), m_models.inputs.narrow(0, q % samples, 1)};
    }
    Job codedJob(int64_t group, int slot, const at::Tensor& coded) const
    {
        return {group, slot, &m_models.codedModel(slot), coded.select(1, slot)};
    }

    double nowMs() const { return msBetween(m_t0, Clock::now()); }
    void sleepUntilMs(double ms) const { std::this_thread::sleep_until(m_t0 + durationOfMs(ms)); }

    void fail(const std::string& what)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_failed)
                m_error = what;
            m_failed = true;
        }
        m_stateChanged.notify_all();
    }

    // The frontend thread: warm-up, then each query dispatched at its
    // arrival time and each group encoded when its k-th query has arrived.
    void frontend()
    {
        std::vector<std::thread> workers;
        try {
            applyThreadLocalSettings(m_threads);
            c10::InferenceMode inference;
            warmUp();
            for (const Pool& pool : m_pools)
                m_workers += pool.instances;
            for (Pool& pool : m_pools)
                for (int i = 0; i < pool.instances; ++i)
                    workers.emplace_back([this, &pool, i] { worker(pool, i); });
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_stateChanged.wait(lock, [&] { return m_ready == int(workers.size()) || m_failed; });
                m_t0 = Clock::now() + std::chrono::milliseconds(5);
                m_started = true;
            }
            m_stateChanged.notify_all();
            const int64_t n = int64_t(m_arrivals.size());
            const int64_t step = std::max<int64_t>(1, n / 20);
            const std::string stage = "Serving live: " + strategyName(m_strategy, m_o.r);
            for (int64_t q = 0; q < n && !m_failed; ++q) {
                sleepUntilMs(m_arrivals[size_t(q)]);
                dispatch(q);
                if (m_observer && ((q + 1) % step == 0 || q + 1 == n))
                    m_observer->progress(stage, q + 1, n);
            }
        } catch (const std::exception& e) {
            fail(e.what());
        }
        for (Pool& pool : m_pools)
            for (auto& queue : pool.queues)
                queue->close();
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_started = true; // workers still waiting for time 0 leave
        }
        m_stateChanged.notify_all();
        for (std::thread& w : workers)
            w.join();
        m_end = Clock::now();
    }

    void warmUp()
    {
        const at::Tensor first = m_models.inputs.narrow(0, 0, 1);
        m_width = m_models.parts->base->forward(first).numel();
        m_pools.front().warmUp.push_back(ownJob(0));
        if (!m_coded)
            return;
        at::Tensor coded;
        for (int i = 0; i < kWarmUpCalls; ++i)
            coded = encode(0, m_stages[Encoding].warmUp);
        Pool& codedPool = m_pools.back();
        for (int j = 0; j < m_outputs; ++j)
            codedPool.warmUp.push_back(codedJob(0, j, coded));
        Group group = freshGroup();
        group.missing = m_strategy == Strategy::Parity ? 1u : 0u;
        for (int i = 0; i < kWarmUpCalls; ++i)
            m_stages[Decoding].warmUp.push_back(decodeGroup(group, 0).first);
        m_groupState.assign(size_t(m_groups), freshGroup());
    }

    Group freshGroup() const
    {
        Group g;
        g.base.assign(size_t(m_k * m_width), 0.0f);
        g.coded.assign(size_t(m_outputs * m_width), 0.0f);
        g.missing = (1u << m_k) - 1;
        return g;
    }

    // Gathers group g's k queries and codes them: (1, outputs, ...).
    at::Tensor encode(int64_t g, std::vector<double>& times)
    {
        const auto t = Clock::now();
        const int64_t samples = m_models.codeInputs.size(0);
        std::vector<int64_t> rows(static_cast<size_t>(m_k));
        for (int i = 0; i < m_k; ++i)
            rows[size_t(i)] = (g * m_k + i) % samples;
        const at::Tensor queries =
            m_models.codeInputs.index_select(0, at::tensor(rows, at::kLong)).reshape({1, m_k, -1});
        at::Tensor coded = m_models.parts->encoder->forward(queries);
        const double ms = msBetween(t, Clock::now());
        std::lock_guard<std::mutex> lock(m_mutex);
        times.push_back(ms);
        return coded;
    }

    void dispatch(int64_t q)
    {
        const int64_t g = q / m_k;
        const bool groupComplete = g < m_groups && q % m_k == m_k - 1;
        switch (m_strategy) {
        case Strategy::None:
        case Strategy::Replication:
            m_pools[0].dispatch(ownJob(q));
            break;
        case Strategy::ReplicateAll:
            m_pools[0].dispatch(ownJob(q));
            m_pools[0].dispatch(ownJob(q));
            break;
        case Strategy::Parity:
        case Strategy::Berrut:
            if (m_strategy == Strategy::Parity || g >= m_groups)
                m_pools[0].dispatch(ownJob(q)); // Berrut: a last incomplete group goes uncoded
            if (groupComplete) {
                const at::Tensor coded = encode(g, m_stages[Encoding].live);
                for (int j = 0; j < m_outputs; ++j)
                    m_pools.back().dispatch(codedJob(g, j, coded));
            }
            break;
        }
    }

    // One worker thread: instance `firstId + i`.
    void worker(Pool& pool, int i)
    {
        try {
            // Setting a thread's LibTorch thread count rebuilds the shared
            // pthreadpool, which must not happen while another worker
            // computes: every worker sets its count before any computes.
            applyThreadLocalSettings(m_threads);
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                ++m_configured;
                m_stateChanged.notify_all();
                m_stateChanged.wait(lock, [&] { return m_configured == m_workers || m_failed; });
            }
            c10::InferenceMode inference;
            for (const Job& job : pool.warmUp)
                for (int c = 0; c < kWarmUpCalls; ++c) {
                    const auto t = Clock::now();
                    (void)job.model->forward(job.input);
                    const double ms = msBetween(t, Clock::now());
                    std::lock_guard<std::mutex> lock(m_mutex);
                    m_stages[job.slot < 0 ? Base : Coded].warmUp.push_back(ms);
                }
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                ++m_ready;
                m_stateChanged.notify_all();
                m_stateChanged.wait(lock, [&] { return m_started || m_failed; });
            }
            const int id = pool.firstId + i;
            JobQueue& queue = pool.queueOf(i);
            std::mt19937_64 rng(m_o.seed * 0x9E3779B97F4A7C15ULL + uint64_t(id) + 1);
            for (;;) {
                // A down instance takes nothing from a shared queue: it
                // waits until it is up, and looks again when its period ends.
                std::optional<Clock::time_point> deadline;
                if (m_schedule.hasFailures()) {
                    sleepUntilMs(m_schedule.upFrom(id, nowMs()));
                    deadline = m_t0 + durationOfMs(m_schedule.failurePeriodEnd(nowMs()));
                }
                Job job;
                const JobQueue::Popped popped = queue.pop(job, deadline);
                if (popped == JobQueue::Popped::Closed)
                    break;
                if (popped == JobQueue::Popped::Timeout || m_failed)
                    continue;
                double start = nowMs();
                if (const double up = m_schedule.upFrom(id, start); up > start) {
                    sleepUntilMs(up);
                    start = up;
                }
                const double factor = m_schedule.serviceFactor(id, start, rng);
                const auto t = Clock::now();
                const at::Tensor output = job.model->forward(job.input);
                const double ms = msBetween(t, Clock::now());
                if (factor > 1)
                    std::this_thread::sleep_until(t + durationOfMs(factor * ms));
                returned(job, output, ms);
            }
        } catch (const std::exception& e) {
            fail(e.what());
        }
    }

    // An output is back: the query's answer, or a group's output that may
    // make it decodable (then decoded here, on the worker's thread).
    void returned(const Job& job, const at::Tensor& output, double computeMs)
    {
        const double t = nowMs();
        const at::Tensor row = output.reshape({-1}).to(at::kFloat).contiguous();
        if (row.numel() != m_width)
            throw Error("an output of " + std::to_string(row.numel()) + " values, the base model's has "
                        + std::to_string(m_width));
        std::unique_lock<std::mutex> lock(m_mutex);
        m_stages[job.slot < 0 ? Base : Coded].live.push_back(computeMs);
        int64_t g = job.owner;
        if (job.slot < 0) {
            answer(job.owner, t, 0);
            g = job.owner / m_k;
            if (m_strategy != Strategy::Parity || g >= m_groups)
                return;
            const int i = int(job.owner % m_k);
            std::copy_n(row.data_ptr<float>(), m_width, m_groupState[size_t(g)].base.begin() + i * m_width);
            m_groupState[size_t(g)].missing &= ~(1u << i);
        } else {
            Group& group = m_groupState[size_t(g)];
            std::copy_n(row.data_ptr<float>(), m_width, group.coded.begin() + job.slot * m_width);
            group.returned |= 1u << job.slot;
            ++group.back;
        }
        Group& group = m_groupState[size_t(g)];
        const bool decodable = m_strategy == Strategy::Parity
                                   ? group.missing != 0 && decodes(m_o, group.missing, group.returned)
                                   : group.back == m_k;
        if (group.decoded || !decodable)
            return;
        group.decoded = true;
        const Group snapshot = group;
        lock.unlock();
        const auto [ms, erased] = decodeGroup(snapshot, g);
        const double done = nowMs();
        lock.lock();
        m_stages[Decoding].live.push_back(ms);
        for (int i = 0; i < m_k; ++i)
            if (m_strategy == Strategy::Berrut || (snapshot.missing & (1u << i)))
                answer(g * m_k + i, done, erased);
    }

    // Runs the decoder on a group's returned outputs (zeros for the
    // others): ParM rebuilds the missing positions, Berrut decodes all k
    // from the workers back. Its time and the number of outputs missing.
    std::pair<double, int> decodeGroup(const Group& group, int64_t g) const
    {
        std::vector<int> missing;
        if (m_strategy == Strategy::Parity) {
            for (int i = 0; i < m_k; ++i)
                if (group.missing & (1u << i))
                    missing.push_back(i);
        } else {
            for (int u = 0; u < m_outputs && int(missing.size()) < m_outputs - m_k; ++u)
                if (!(group.returned & (1u << u)))
                    missing.push_back(u);
        }
        std::vector<float> base = group.base, coded = group.coded;
        const auto t = Clock::now();
        (void)m_models.parts->decoder->reconstruct(at::from_blob(base.data(), {1, m_k, m_width}),
                                                   at::from_blob(coded.data(), {1, m_outputs, m_width}), missing);
        return {msBetween(t, Clock::now()), int(missing.size())};
    }

    void answer(int64_t q, double ms, int erased)
    {
        if (ms < m_answers[size_t(q)]) {
            m_answers[size_t(q)] = ms;
            m_decodedWith[size_t(q)] = erased;
        }
    }

    const ServedModels& m_models;
    Strategy m_strategy;
    const SimulationOptions& m_o;
    TrainingObserver* m_observer;
    InterferenceSchedule m_schedule;
    ThreadSettings m_threads;
    std::vector<double> m_arrivals;
    int m_k;
    bool m_coded;
    int64_t m_groups;
    int m_outputs;
    int64_t m_width = 0;       // values per output: the base model's
    std::vector<Pool> m_pools; // the base pool (or the only one), then ParM's parity pool
    Clock::time_point m_t0;
    Clock::time_point m_end;

    std::mutex m_mutex; // everything below
    std::condition_variable m_stateChanged;
    int m_workers = 0;    // worker threads, set before the first starts
    int m_configured = 0; // workers whose thread settings are applied
    int m_ready = 0;
    bool m_started = false;
    std::atomic<bool> m_failed{false};
    std::string m_error;
    std::vector<double> m_answers;
    std::vector<int> m_decodedWith;
    std::vector<Group> m_groupState;
    StageTimes m_stages[4];
};

// The checks that need the loaded run: the coded strategies serve the
// run's own code.
void checkFits(const ServedModels& models, Strategy strategy, const SimulationOptions& o)
{
    const RunConfig& c = models.config;
    if (strategy == Strategy::Parity && models.berrut)
        throw Error("strategy parm: " + models.checkpoint + " is a Berrut run (its strategy is berrut)");
    if (strategy == Strategy::Berrut && !models.berrut)
        throw Error("strategy berrut: " + models.checkpoint + " is not a Berrut run");
    checkLive(strategy, c.k, c.r, o);
}

// simulate()'s option checks (the service times are what the live run
// measures), and a thread per instance this process can start.
void checkLiveOptions(Strategy strategy, const SimulationOptions& o)
{
    const ServiceDistribution measuredLater = ServiceDistribution::constant(1);
    checkOptions(strategy, {measuredLater, measuredLater, measuredLater, measuredLater}, o);
    if (instancesOf(strategy, o) > kMostLiveInstances)
        throw Error("instances: " + std::to_string(o.baseInstances) + ": the live " + strategyName(strategy, o.r)
                    + " strategy would start " + std::to_string(instancesOf(strategy, o)) + " worker threads, at most "
                    + std::to_string(kMostLiveInstances));
}

} // namespace

void checkLive(Strategy strategy, int runK, int runR, const SimulationOptions& o)
{
    checkLiveOptions(strategy, o);
    if ((strategy == Strategy::Parity || strategy == Strategy::Berrut) && (o.k != runK || o.r != runR))
        throw Error("k, r: " + std::to_string(o.k) + ", " + std::to_string(o.r) + ": the live "
                    + strategyName(strategy, o.r) + " strategy serves the run's own code, k = " + std::to_string(runK)
                    + ", r = " + std::to_string(runR));
}

LiveResult serveLive(const ServedModels& models, Strategy strategy, const SimulationOptions& options,
                     TrainingObserver* observer)
{
    checkFits(models, strategy, options);
    return LiveCluster(models, strategy, options, observer).run();
}

LiveResult serveLive(const std::string& runDir, Strategy strategy, const SimulationOptions& options,
                     TrainingObserver* observer)
{
    checkLiveOptions(strategy, options);
    const ServedModels models = loadServedModels(runDir, kLiveSamples, 1, observer);
    return serveLive(models, strategy, options, observer);
}

} // namespace parity::serving
