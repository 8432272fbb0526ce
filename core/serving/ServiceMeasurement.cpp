#include "serving/ServiceMeasurement.h"

#include "coders/LinearCodes.h"
#include "io/RunDirectory.h"
#include "serving/ServedModels.h"
#include "training/RunComponents.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

#include <c10/core/InferenceMode.h>

#include <chrono>
#include <functional>

namespace parity::serving {

namespace {

/// One stage's call and where its times go.
struct TimedStage {
    std::vector<double>* ms;
    std::function<void(int)> call;
};

// The stages timed in rounds, one call of each per round, after 10 rounds
// of warm-up (first calls allocate). Timed one stage after another, a burst
// of other work on the machine fell on whichever stage was being timed: a
// workbench measurement beside a build put the parity model at 2.8x the base
// model (the same network) and ParM overloaded at 30% load. In rounds, such
// a burst slows every stage alike.
void timeRounds(int repetitions, const std::vector<TimedStage>& stages)
{
    for (int i = 0; i < std::min(10, repetitions); ++i)
        for (const TimedStage& s : stages)
            s.call(i);
    for (const TimedStage& s : stages)
        s.ms->reserve(size_t(repetitions));
    for (int i = 0; i < repetitions; ++i)
        for (const TimedStage& s : stages) {
            const auto t0 = std::chrono::steady_clock::now();
            s.call(i);
            s.ms->push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
}

ServiceDistribution distributionAt(const nlohmann::json& j, const std::string& key, const std::string& path)
{
    if (!j.contains(key))
        return {};
    if (!j[key].is_array())
        throw Error(path + ": '" + key + "' must be a list of milliseconds");
    std::vector<double> v;
    for (const auto& x : j[key]) {
        if (!x.is_number())
            throw Error(path + ": '" + key + "' holds " + x.dump() + ", not a number of milliseconds");
        v.push_back(x.get<double>());
    }
    return ServiceDistribution(std::move(v), path + ": '" + key + "'");
}

// ParM with r > 1 and the addition code: which missing sets decode.
std::vector<uint8_t> decodableFor(const RunConfig& c)
{
    if (!isBerrut(c) && c.r > 1 && c.encoderClass.find("AdditionEncoder") != std::string::npos && c.k + c.r <= 16)
        return decodabilityTable(c.k, c.r);
    return {};
}

} // namespace

bool isBerrut(const RunConfig& config) { return config.encoderClass.find("coders.berrut.") == 0; }

std::vector<uint8_t> decodabilityTable(int k, int r)
{
    // A[returned, missing] decodes the missing predictions when it has full
    // column rank: its smallest singular value is not negligible (A's
    // entries are powers of nodes in [-1, 1], so an absolute bound).
    const at::Tensor a = parityCodeMatrix(k, r);
    std::vector<uint8_t> table(size_t(1) << (k + r), 0);
    for (uint32_t missing = 0; missing < (1u << k); ++missing)
        for (uint32_t returned = 0; returned < (1u << r); ++returned) {
            std::vector<int64_t> rows, cols;
            for (int j = 0; j < r; ++j)
                if (returned & (1u << j))
                    rows.push_back(j);
            for (int i = 0; i < k; ++i)
                if (missing & (1u << i))
                    cols.push_back(i);
            bool decodes = cols.empty();
            if (!cols.empty() && rows.size() >= cols.size()) {
                const at::Tensor sv = at::linalg_svdvals(
                    a.index_select(0, at::tensor(rows, at::kLong)).index_select(1, at::tensor(cols, at::kLong)));
                decodes = sv.min().item<double>() > 1e-9;
            }
            table[(size_t(missing) << r) | returned] = decodes;
        }
    return table;
}

MeasuredRun measureRun(const std::string& runDir, int repetitions, int threads, TrainingObserver* observer)
{
    if (repetitions < 1)
        throw Error("repetitions: " + std::to_string(repetitions) + ": at least 1");
    ServedModels models = loadServedModels(runDir, 0, threads, observer);
    MeasuredRun run;
    run.config = models.config;
    run.checkpoint = models.checkpoint;
    run.threads = threads;
    run.berrut = models.berrut;
    const RunConfig& c = run.config;
    RunComponents& parts = *models.parts;
    const int k = c.k;

    c10::InferenceMode inference;
    const at::Tensor& inputs = models.inputs;
    Network& base = *parts.base;
    const at::Tensor baseOut = base.forward(inputs.narrow(0, 0, k)).reshape({1, k, -1});
    const at::Tensor queries = models.codeInputs.narrow(0, 0, k).reshape({1, k, -1});
    const at::Tensor coded = parts.encoder->forward(queries);
    const int64_t outputs = coded.size(1);
    Network& parity = *parts.parities.front();
    std::vector<at::Tensor> each;
    for (int64_t j = 0; j < outputs; ++j)
        each.push_back(models.codedModel(j).forward(coded.select(1, j)).reshape({1, 1, -1}));
    const at::Tensor parityOut = at::cat(each, 1);
    std::vector<int> missing{0};
    if (run.berrut) { // the last r workers missing: decoded from the first k
        missing.clear();
        for (int u = k; u < k + c.r; ++u)
            missing.push_back(u);
    }
    Decoder& decoder = *parts.decoder;
    std::vector<double> baseMs, encoderMs, parityMs, decoderMs;
    timeRounds(repetitions, {{&baseMs, [&](int i) { (void)base.forward(inputs.narrow(0, i % k, 1)); }},
                             {&encoderMs, [&](int) { (void)parts.encoder->forward(queries); }},
                             {&parityMs, [&](int) { (void)parity.forward(coded.select(1, 0)); }},
                             {&decoderMs, [&](int) { (void)decoder.reconstruct(baseOut, parityOut, missing); }}});

    run.times.base = ServiceDistribution(baseMs, "base model");
    run.times.parity = ServiceDistribution(parityMs, run.berrut ? "base model on a coded query" : "parity model");
    run.times.encoder = ServiceDistribution(encoderMs, "encoder");
    run.times.decoder = ServiceDistribution(decoderMs, "decoder");
    run.decodable = decodableFor(c);
    return run;
}

void adoptRunCode(const MeasuredRun& run, SimulationOptions& options)
{
    options.r = run.config.r;
    options.decodable = options.k == run.config.k ? run.decodable : std::vector<uint8_t>{};
}

MeasuredRun describeRun(const std::string& runDir, ServiceTimes times)
{
    MeasuredRun run;
    run.times = std::move(times);
    run.config = RunConfig::fromJson(RunDirectory(runDir).read().config);
    run.berrut = isBerrut(run.config);
    run.decodable = decodableFor(run.config);
    return run;
}

nlohmann::json serviceTimesJson(const ServiceTimes& t)
{
    return {{"base_ms", t.base.samples()},
            {"parity_ms", t.parity.samples()},
            {"encoder_ms", t.encoder.samples()},
            {"decoder_ms", t.decoder.samples()}};
}

ServiceTimes readServiceTimes(const std::string& path)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(readWholeFile(path));
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": not JSON (" + e.what() + ")");
    }
    if (j.is_object() && j.contains("service_times") && j["service_times"].is_object())
        j = nlohmann::json(j["service_times"]); // a serving.json written by parity-serve-sim --out
    if (!j.is_object() || !j.contains("base_ms"))
        throw Error(path + ": expected an object with at least 'base_ms' (and parity_ms, encoder_ms, decoder_ms)");
    ServiceTimes t;
    t.base = distributionAt(j, "base_ms", path);
    t.parity = distributionAt(j, "parity_ms", path);
    t.encoder = distributionAt(j, "encoder_ms", path);
    t.decoder = distributionAt(j, "decoder_ms", path);
    return t;
}

} // namespace parity::serving
