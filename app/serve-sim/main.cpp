// parity-serve-sim RUN_DIR [options]: what a trained run's parity model does
// to tail latency, on a simulated serving cluster with service times measured
// from the run's own models on this machine (docs/SERVING.md).
#include "serving/LiveServing.h"
#include "serving/ServedModels.h"
#include "serving/ServiceMeasurement.h"
#include "serving/ServingSimulator.h"
#include "serving/ServingStudy.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace parity;
using namespace parity::serving;

namespace {

const char* kUsage = R"(usage: parity-serve-sim RUN_DIR [options]

Simulates serving the run's models on a cluster of base-model instances and
compares, on equal resources: no redundancy, replication (ParM's extra
instances as more replicas), the run's code (ParM with r parities, or Berrut)
and, as an upper reference, every query replicated (twice the instances).
Service times are measured from the run's best.pth (else current.pth) on this
machine, batch size 1; queueing, arrivals and interference are simulated.

Standard output: one line per strategy, latencies in milliseconds (means over
the trials):  <strategy> NUM MED MEAN P99 P99.5 P99.9
Everything else (service times, confidence intervals, load, accuracy) goes to
standard error.

options:
  --rate QPS             Poisson arrivals per second (default: 30% of the m
                         base instances' capacity at the measured base time)
  --trace FILE           arrival times instead, one per line, in milliseconds
  --queries N            queries per trial (default 100000)
  --trials N             repetitions with seeds SEED..SEED+N-1 (default 5)
  --seed N               (default 1)
  --instances M          base-model instances m (default 12)
  --k K                  queries per coding group (default: the run's k; the
                         accuracy of rebuilt predictions is only known for
                         the run's k)
  --balancing rr|shared  round-robin queues (default) or one shared queue
  --slow-fraction F      instances slowed at a time (default 0.1)
  --slowdown X           their service-time factor (default 5)
  --slow-period-ms T     how long a slowdown lasts (default 100 x base time)
  --tail none|exp:MEAN|pareto:SHAPE   service-time tail factor (default none)
  --failure-fraction F   instances down at a time (default 0)
  --failure-period-ms T  how long they stay down (default 1000)
  --repetitions N        calls timed per model when measuring (default 200)
  --threads N            threads per instance while measuring (default 1)
  --service-file FILE    service times from FILE (JSON: base_ms, parity_ms,
                         encoder_ms, decoder_ms lists) instead of measuring
  --out DIR              write serving.json and serving.csv there
  --live                 serve for real instead: one worker thread per
                         instance runs the run's models in this process, with
                         the same arrivals and the slowdowns, tails and
                         failures injected by sleeping (one trial; --queries
                         defaults to 2000 here); each strategy's line is the
                         live one, and standard error compares it with the
                         simulator fed the times the workers observed
                         (docs/SERVING.md, "Live validation")
)";

[[noreturn]] void usageError(const std::string& message)
{
    std::fprintf(stderr, "error: %s\n\n%s", message.c_str(), kUsage);
    std::exit(2);
}

double number(const std::string& option, const std::string& text)
{
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || !end || *end != '\0' || !std::isfinite(v))
        usageError(option + " takes a number, not '" + text + "'");
    return v;
}

int64_t integer(const std::string& option, const std::string& text, double most = 1e15)
{
    const double v = number(option, text);
    if (v != std::floor(v) || std::abs(v) > most)
        usageError(option + " takes a whole number up to " + std::to_string(int64_t(most)) + ", not '" + text + "'");
    return int64_t(v);
}

constexpr double kMostCount = 1e6; // instances, k, trials, threads

struct Options {
    std::string runDir;
    std::optional<double> rate;
    std::string trace;
    std::optional<int64_t> queries;
    bool live = false;
    int trials = 5;
    bool trialsGiven = false; // --live serves once
    uint64_t seed = 1;
    int instances = 12;
    std::optional<int> k;
    Balancing balancing = Balancing::RoundRobin;
    double slowFraction = 0.1;
    double slowdown = 5;
    std::optional<double> slowPeriodMs;
    Interference::Tail tail = Interference::Tail::None;
    double tailParameter = 0;
    double failureFraction = 0;
    double failurePeriodMs = 1000;
    int repetitions = 200;
    int threads = 1;
    std::string serviceFile;
    std::string out;
};

Options parse(int argc, char** argv)
{
    Options o;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        if (a.rfind("--", 0) != 0) {
            if (!o.runDir.empty())
                usageError("one run directory only ('" + o.runDir + "', then '" + a + "')");
            o.runDir = a;
            continue;
        }
        if (a == "--live") {
            o.live = true;
            continue;
        }
        if (i + 1 >= args.size())
            usageError(a + " needs a value");
        const std::string v = args[++i];
        if (a == "--rate")
            o.rate = number(a, v);
        else if (a == "--trace")
            o.trace = v;
        else if (a == "--queries")
            o.queries = integer(a, v);
        else if (a == "--trials") {
            o.trials = int(integer(a, v, kMostCount));
            o.trialsGiven = true;
        } else if (a == "--seed")
            o.seed = uint64_t(integer(a, v));
        else if (a == "--instances")
            o.instances = int(integer(a, v, kMostCount));
        else if (a == "--k")
            o.k = int(integer(a, v, kMostCount));
        else if (a == "--balancing") {
            if (v != "rr" && v != "shared")
                usageError("--balancing takes rr or shared, not '" + v + "'");
            o.balancing = v == "rr" ? Balancing::RoundRobin : Balancing::SharedQueue;
        } else if (a == "--slow-fraction")
            o.slowFraction = number(a, v);
        else if (a == "--slowdown")
            o.slowdown = number(a, v);
        else if (a == "--slow-period-ms")
            o.slowPeriodMs = number(a, v);
        else if (a == "--tail") {
            if (v == "none")
                o.tail = Interference::Tail::None;
            else if (v.rfind("exp:", 0) == 0) {
                o.tail = Interference::Tail::ShiftedExponential;
                o.tailParameter = number(a, v.substr(4));
            } else if (v.rfind("pareto:", 0) == 0) {
                o.tail = Interference::Tail::Pareto;
                o.tailParameter = number(a, v.substr(7));
            } else
                usageError("--tail takes none, exp:MEAN or pareto:SHAPE, not '" + v + "'");
        } else if (a == "--failure-fraction")
            o.failureFraction = number(a, v);
        else if (a == "--failure-period-ms")
            o.failurePeriodMs = number(a, v);
        else if (a == "--repetitions")
            o.repetitions = int(integer(a, v, 1e7));
        else if (a == "--threads")
            o.threads = int(integer(a, v, kMostCount));
        else if (a == "--service-file")
            o.serviceFile = v;
        else if (a == "--out")
            o.out = v;
        else
            usageError("unknown option " + a);
    }
    if (o.runDir.empty())
        usageError("no run directory");
    if (o.trials < 1)
        usageError("--trials takes at least 1");
    if (o.threads < 1)
        usageError("--threads takes at least 1");
    if (o.live && !o.serviceFile.empty())
        usageError("--live serves the run's own models: it takes no --service-file");
    if (o.live && o.trialsGiven && o.trials != 1)
        usageError("--live serves each strategy once: it takes no --trials but 1");
    return o;
}

std::vector<double> readTrace(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw Error(path + ": cannot be read");
    std::vector<double> at;
    std::string line;
    for (int lineNo = 1; std::getline(in, line); ++lineNo) {
        const size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#')
            continue; // blank or a comment
        const std::string text = line.substr(first, line.find_last_not_of(" \t\r") + 1 - first);
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < 0)
            throw Error(path + ": line " + std::to_string(lineNo)
                        + ": expected a non-negative time in milliseconds, not '" + text + "'");
        if (!at.empty() && v < at.back())
            throw Error(path + ": line " + std::to_string(lineNo) + ": " + text
                        + " is before the time of the line before (times must not decrease)");
        at.push_back(v);
    }
    if (at.empty())
        throw Error(path + ": no arrival times");
    return at;
}

std::string ms(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

std::string summary(const ServiceDistribution& d)
{
    if (d.empty())
        return "-";
    std::vector<double> v = d.samples();
    const double p50 = percentile(v, 50), p99 = percentile(v, 99);
    return "mean " + ms(d.mean()) + " ms, median " + ms(p50) + ", p99 " + ms(p99) + " (" + std::to_string(v.size())
           + " calls)";
}

nlohmann::json latencyJson(const StrategyResult& r)
{
    return {{"queries", r.queries},
            {"median_ms", r.medianMs},
            {"mean_ms", r.meanMs},
            {"p99_ms", r.p99Ms},
            {"p99.5_ms", r.p995Ms},
            {"p99.9_ms", r.p999Ms},
            {"reconstructed", r.reconstructedFraction}};
}

// The queries one trial serves: the trace's arrivals, else --queries.
int64_t queriesOf(const SimulationOptions& sim)
{
    return sim.arrivalsMs.empty() ? sim.queries : int64_t(sim.arrivalsMs.size());
}

const char* tailName(Interference::Tail tail)
{
    switch (tail) {
    case Interference::Tail::ShiftedExponential:
        return "exp";
    case Interference::Tail::Pareto:
        return "pareto";
    case Interference::Tail::None:
        break;
    }
    return "none";
}

// What a record's results were served or simulated with, as they ran.
nlohmann::json settingsJson(const Options& o, const SimulationOptions& sim, int trials)
{
    const bool traced = !sim.arrivalsMs.empty();
    const Interference& f = sim.interference;
    return {{"base_instances", sim.baseInstances},
            {"k", sim.k},
            {"r", sim.r},
            {"arrivals", traced ? o.trace : "poisson"},
            {"rate_per_s", traced ? nlohmann::json() : nlohmann::json(sim.rate)},
            {"queries", queriesOf(sim)},
            {"trials", trials},
            {"seed", sim.seed},
            {"balancing", sim.balancing == Balancing::RoundRobin ? "round-robin" : "shared-queue"},
            {"slow_fraction", f.slowFraction},
            {"slowdown", f.slowdown},
            {"slow_period_ms", f.slowPeriodMs},
            {"tail", tailName(f.tail)},
            {"tail_parameter", f.tail == Interference::Tail::None ? nlohmann::json() : nlohmann::json(f.tailParameter)},
            {"failure_fraction", f.failureFraction},
            {"failure_period_ms", f.failurePeriodMs}};
}

// A load; a traced burst (arrivals all at once) has no bound, a single
// traced arrival no rate.
std::string loadText(double load)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", load);
    return std::isnan(load) ? "unknown" : std::isinf(load) ? "unbounded (arrivals all at once)" : buf;
}

// --live: every strategy served for real, and the simulator's figures on the
// service times the live workers observed beside them.
int serveLiveMode(const Options& o, const MeasuredRun& run, const SimulationOptions& sim)
{
    std::fprintf(stderr, "Serving live: loading the run's models...\n");
    const ServedModels models = loadServedModels(o.runDir, kLiveSamples, 1);
    nlohmann::json results = nlohmann::json::array();
    for (const Strategy s : strategiesFor(run.berrut)) {
        const LiveResult live = serveLive(models, s, sim);
        const StrategyResult simulated = simulate(s, live.observed, sim);
        const StrategyResult& r = live.result;
        std::printf("%s %lld %s %s %s %s %s\n", r.strategy.c_str(), (long long)r.queries, ms(r.medianMs).c_str(),
                    ms(r.meanMs).c_str(), ms(r.p99Ms).c_str(), ms(r.p995Ms).c_str(), ms(r.p999Ms).c_str());
        std::fprintf(stderr,
                     "  %-14s live median %s p99 %s p99.9 %s ms | simulated on the observed times: median %s p99 %s "
                     "p99.9 %s (live/simulated %.2f %.2f %.2f), %.1f s\n",
                     r.strategy.c_str(), ms(r.medianMs).c_str(), ms(r.p99Ms).c_str(), ms(r.p999Ms).c_str(),
                     ms(simulated.medianMs).c_str(), ms(simulated.p99Ms).c_str(), ms(simulated.p999Ms).c_str(),
                     r.medianMs / simulated.medianMs, r.p99Ms / simulated.p99Ms, r.p999Ms / simulated.p999Ms,
                     live.wallSeconds);
        results.push_back({{"strategy", r.strategy},
                           {"instances", r.instances},
                           {"live", latencyJson(r)},
                           {"simulated_on_observed_times", latencyJson(simulated)},
                           {"observed_service_times", serviceTimesJson(live.observed)},
                           {"wall_seconds", live.wallSeconds}});
    }
    if (!o.out.empty()) {
        std::error_code ec;
        fs::create_directories(o.out, ec);
        const nlohmann::json record = {{"mode", "live"},
                                       {"run_dir", fs::absolute(o.runDir).string()},
                                       {"checkpoint", models.checkpoint},
                                       {"config", run.config.toJson()},
                                       {"served", settingsJson(o, sim, 1)},
                                       {"results", results}};
        writeFileAtomically((fs::path(o.out) / "serving.json").string(), record.dump(2) + "\n");
        std::fprintf(stderr, "wrote %s/serving.json\n", o.out.c_str());
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    const Options o = parse(argc, argv);
    try {
        MeasuredRun run;
        if (!o.serviceFile.empty()) {
            run = describeRun(o.runDir, readServiceTimes(o.serviceFile));
        } else {
            std::fprintf(stderr, "Measuring the run's models in %s (%d calls each, %d thread%s)...\n", o.runDir.c_str(),
                         o.repetitions, o.threads, o.threads == 1 ? "" : "s");
            run = measureRun(o.runDir, o.repetitions, o.threads);
        }
        const RunConfig& c = run.config;
        SimulationOptions sim;
        sim.baseInstances = o.instances;
        sim.k = o.k.value_or(c.k);
        sim.queries = o.queries.value_or(o.live ? 2000 : 100000);
        sim.seed = o.seed;
        sim.balancing = o.balancing;
        sim.rate = o.rate.value_or(defaultRate(run.times, o.instances));
        if (!o.trace.empty())
            sim.arrivalsMs = readTrace(o.trace);
        sim.interference.slowFraction = o.slowFraction;
        sim.interference.slowdown = o.slowdown;
        sim.interference.slowPeriodMs = o.slowPeriodMs.value_or(defaultSlowPeriodMs(run.times));
        sim.interference.tail = o.tail;
        sim.interference.tailParameter = o.tailParameter;
        sim.interference.failureFraction = o.failureFraction;
        sim.interference.failurePeriodMs = o.failurePeriodMs;
        adoptRunCode(run, sim);
        const RunAccuracy accuracy = accuracyOf(o.runDir, c.k, sim.k);
        // Every strategy's options are checked before any line is printed;
        // live, also what serving the run for real refuses (its own k and r).
        for (const Strategy s : strategiesFor(run.berrut)) {
            try {
                checkOptions(s, run.times, sim);
                if (o.live)
                    checkLive(s, c.k, c.r, sim);
            } catch (const Error& e) {
                const std::string what = e.what();
                throw Error(!o.serviceFile.empty() && what.rfind("service times", 0) == 0
                                ? "--service-file " + o.serviceFile + ": " + what
                                : what);
            }
        }

        std::fprintf(stderr, "run: %s (k=%d, r=%d, %s)\n", c.header().c_str(), c.k, c.r,
                     run.berrut ? "Berrut" : "parity code");
        std::fprintf(stderr, "measured: base %s\n          %s %s\n          encoder %s\n          decoder %s\n",
                     summary(run.times.base).c_str(), run.berrut ? "coded query" : "parity",
                     summary(run.times.parity).c_str(), summary(run.times.encoder).c_str(),
                     summary(run.times.decoder).c_str());
        std::fprintf(stderr,
                     "%s: %d base instances, k=%d, %s, %s arrivals%s, %lld queries x %d trial%s, slowed %.3g of "
                     "the instances %.3gx for %.4g ms periods\n",
                     o.live ? "served" : "simulated", sim.baseInstances, sim.k,
                     o.balancing == Balancing::RoundRobin ? "round-robin" : "shared queue",
                     sim.arrivalsMs.empty() ? "Poisson" : "traced",
                     sim.arrivalsMs.empty() ? (" at " + ms(sim.rate) + " queries/s").c_str() : "",
                     (long long)queriesOf(sim), o.live ? 1 : o.trials, o.live || o.trials == 1 ? "" : "s",
                     sim.interference.slowFraction, sim.interference.slowdown, sim.interference.slowPeriodMs);

        if (o.live)
            return serveLiveMode(o, run, sim);
        nlohmann::json results = nlohmann::json::array();
        std::string csv = summaryCsvHeader();
        for (const Strategy s : strategiesFor(run.berrut)) {
            const TrialSummary summary = runTrials(s, run.times, sim, o.trials, accuracy);
            const StrategyResult& last = summary.last;
            const auto est = [&](const char* key) { return summary.estimate(key); };
            std::printf("%s %lld %s %s %s %s %s\n", last.strategy.c_str(), (long long)last.queries,
                        ms(est("median").mean).c_str(), ms(est("mean").mean).c_str(), ms(est("p99").mean).c_str(),
                        ms(est("p99.5").mean).c_str(), ms(est("p99.9").mean).c_str());
            std::fprintf(stderr,
                         "  %-14s %2d instances  p99.9 %s ± %s ms  median %s ± %s  reconstructed %.4f  load %s%s\n",
                         last.strategy.c_str(), last.instances, ms(est("p99.9").mean).c_str(),
                         ms(est("p99.9").halfWidth).c_str(), ms(est("median").mean).c_str(),
                         ms(est("median").halfWidth).c_str(), est("reconstructed").mean, loadText(last.load).c_str(),
                         summary.hasAccuracy() ? ("  served accuracy " + std::to_string(est("accuracy").mean)).c_str()
                                               : "");
            if (last.load >= 1.0)
                std::fprintf(stderr,
                             "  warning: %s: the offered load is %s of its capacity: queues grow without bound "
                             "(the last tenth of the queries waited %s ms longer than the first tenth); its "
                             "latencies grow with %s\n",
                             last.strategy.c_str(), loadText(last.load).c_str(), ms(last.queueGrowthMs).c_str(),
                             sim.arrivalsMs.empty() ? "--queries" : "the queries of the trace");
            results.push_back(summaryJson(summary));
            csv += summaryCsvRow(summary);
        }
        if (!o.out.empty()) {
            std::error_code ec;
            fs::create_directories(o.out, ec);
            nlohmann::json record = {{"run_dir", fs::absolute(o.runDir).string()},
                                     {"checkpoint", run.checkpoint},
                                     {"config", c.toJson()},
                                     {"simulated", settingsJson(o, sim, o.trials)},
                                     {"measured",
                                      o.serviceFile.empty()
                                          ? nlohmann::json({{"threads", o.threads}, {"repetitions", o.repetitions}})
                                          : nlohmann::json({{"service_file", o.serviceFile}})},
                                     {"service_times", serviceTimesJson(run.times)},
                                     {"results", results}};
            writeFileAtomically((fs::path(o.out) / "serving.json").string(), record.dump(2) + "\n");
            writeFileAtomically((fs::path(o.out) / "serving.csv").string(), csv);
            std::fprintf(stderr, "wrote %s/serving.json and serving.csv\n", o.out.c_str());
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
