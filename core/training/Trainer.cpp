#include "training/Trainer.h"
#include "util/Text.h"

#include "config/SweepConfig.h"
#include "io/Checkpoint.h"
#include "io/ResultWriter.h"
#include "io/RunDirectory.h"
#include "training/BaseModelProvider.h"
#include "data/Boxes.h"
#include "events/CancelToken.h"
#include "training/LocalizationMetrics.h"
#include "training/ReconstructionMetrics.h"
#include "io/ServedAccuracy.h"
#include "training/SplitScorer.h"
#include "events/MetricNames.h"
#include "util/AtomicFile.h"
#include "util/Error.h"
#include "util/MachineReport.h"
#include "util/Random.h"

#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace parity {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<at::Tensor> parametersOf(torch::nn::Module& m)
{
    std::vector<at::Tensor> out;
    for (auto& p : m.parameters())
        out.push_back(p);
    return out;
}

/// The metrics of one erasure count under their plain names.
nlohmann::json erasedMetricsJson(const SplitMetrics& m, int erased)
{
    nlohmann::json j = nlohmann::json::object();
    for (const std::string& name : classificationMetricNames(1000)) {
        const auto it = m.accuracy.find(erasedMetricName(name, erased));
        if (it != m.accuracy.end())
            j[name] = it->second;
    }
    return j;
}

nlohmann::json metricsJson(const SplitMetrics& m)
{
    nlohmann::json j = nlohmann::json::object();
    if (m.hasLoss())
        j["loss"] = m.loss;
    for (const auto& [key, value] : m.accuracy)
        j[key] = value;
    return j;
}

} // namespace

Trainer::Trainer(RunConfig config, TrainerOptions options, TrainingObserver* observer, const CancelToken* cancel)
    : m_config(std::move(config))
    , m_options(std::move(options))
    , m_observer(observer)
    , m_cancel(cancel)
{
}

Trainer::~Trainer() = default;

void Trainer::emit(const std::string& line)
{
    if (m_observer)
        m_observer->message(line);
}

void Trainer::setUpOptimizers()
{
    AdamOptimizer::Options opt;
    opt.lr = m_config.lr;
    opt.weightDecay = m_config.weightDecay;
    m_parityOpts.clear();
    if (m_config.trainParityModel)
        for (const auto& parity : m_parts->parities) // each its own Adam state
            m_parityOpts.push_back(std::make_unique<AdamOptimizer>(parametersOf(*parity), opt));
    if (m_config.trainEncoder)
        m_encoderOpt = std::make_unique<AdamOptimizer>(parametersOf(*m_parts->encoder), opt);
    if (m_config.trainDecoder)
        m_decoderOpt = std::make_unique<AdamOptimizer>(parametersOf(*m_parts->decoder), opt);

    // The paper's main case trains without autograd (same arithmetic, far
    // fewer tensor operations). PARITY_NO_FUSED=1 forces the generic path.
    const char* noFused = std::getenv("PARITY_NO_FUSED");
    auto chain = m_parts->parities.front()->linearChain();
    if (m_config.trainParityModel && !m_config.trainEncoder && !m_config.trainDecoder && m_config.r == 1
        && m_config.lossClass == "torch.nn.MSELoss" && !chain.empty() && !(noFused && *noFused == '1'))
        m_fusedStep = std::make_unique<FusedMlpStep>(std::move(chain));
}

// The optimisers' state and the epoch to go on with (the weights came with
// the components).
void Trainer::restore(const Checkpoint& c)
{
    const std::string& path = m_options.continueFrom;
    for (size_t j = 0; j < m_parityOpts.size(); ++j) {
        const std::string key = RunComponents::parityKey(j, "opt");
        m_parityOpts[j]->loadState(checkpointEntry(c, path, key), path + " (" + key + ")");
    }
    if (m_config.trainEncoder)
        m_encoderOpt->loadState(checkpointEntry(c, path, "encoder_opt"), path + " (encoder_opt)");
    if (m_config.trainDecoder)
        m_decoderOpt->loadState(checkpointEntry(c, path, "decoder_opt"), path + " (decoder_opt)");
    m_startEpoch = c.epoch + 1; // docs/BEHAVIOUR.md §5: continue with the next epoch
    m_bestVal = c.bestValAcc;
}

RunSummary Trainer::run()
{
    m_startedAt = localTimeText();
    const auto problems = validateRun(m_config);
    if (!problems.empty()) {
        std::string text = "invalid run " + m_config.header() + ":";
        for (const auto& p : problems)
            text += "\n  - " + p;
        throw Error(text);
    }
    if (m_options.onlyTest && m_options.continueFrom.empty())
        throw Error("--only-test needs a checkpoint to test (--continue-from FILE)");
    if (m_options.checkpointCycle < 1)
        throw Error("the checkpoint cycle must be at least 1 epoch");

    const Workload workload = workloadOfModel(m_config.model);
    m_threads = applyThreadSettings(m_config.threads, workload);
    if (m_options.niceness > 0)
        lowerOtherThreadsPriority(::getpid(), m_options.niceness);
    m_machine = machineJson(m_threads);
    m_summary = RunSummary{};
    m_summary.runIndex = m_options.runIndex;
    m_summary.header = m_config.header();
    m_summary.runDir = m_config.runDir();
    emit(m_config.header());

    std::optional<Checkpoint> checkpoint;
    if (!m_options.continueFrom.empty()) {
        checkpoint = Checkpoint::load(m_options.continueFrom);
        const std::string mismatch = RunConfig::describeMismatch(checkpoint->config, m_config);
        if (!mismatch.empty())
            throw Error(m_options.continueFrom + ": made with a different configuration: " + mismatch);
    }

    try {
        // A stop that came before the run got going (reading the data and
        // the base model check no token) ends it here.
        auto stopIfCancelled = [this] {
            if (m_cancel && m_cancel->isCancelled())
                throw Cancelled();
        };
        stopIfCancelled();
        m_parts = std::make_unique<RunComponents>(m_config, Purpose::Training);
        // A resumed run takes its base model from the checkpoint, not from these files.
        if (!checkpoint || !checkpoint->tensors.count("base_model"))
            m_parts->checkInputFiles();
        const RawDataset raw = m_parts->loadData(m_observer);
        stopIfCancelled();
        m_parts->build(raw, checkpoint ? &*checkpoint : nullptr, m_options.continueFrom, m_observer, m_cancel);
        setUpOptimizers();
        if (checkpoint)
            restore(*checkpoint);

        const DatasetEntry& dataset = m_parts->dataset();
        DatasetPreparer preparer(dataset, m_parts->encoder->codeInputShape(), m_config.k, m_config.valSize,
                                 m_config.seed);
        // Convolutional base models prepare fastest 32-64 samples at a time
        // (resnet18 on CIFAR-shaped input: 208 samples/s against 142 with
        // chunks of 8192, bench/README.md).
        if (workload == Workload::Convolutions)
            preparer.setForwardChunk(64);
        m_data = preparer.prepare(raw, *m_parts->base, m_observer, m_cancel);
        for (const auto& acc : m_data.baseAccuracies) {
            emit("Base model " + acc.split + " accuracy is " + std::to_string(acc.correct) + " / "
                 + std::to_string(acc.total) + " = " + pythonFloatRepr(acc.accuracy()));
        }
        for (const auto& notice : m_data.notices)
            emit(notice);
        m_summary.baseAccuracies = m_data.baseAccuracies;
        if (m_observer)
            m_observer->baseModelEvaluated(m_data.baseAccuracies);

        m_results = dataset.task == Task::Localization
                        ? std::make_unique<ResultWriter>(m_config.runDir(), LocalizationMetrics::metricNames())
                        : std::make_unique<ResultWriter>(m_config.runDir(), dataset.numClasses);
        std::vector<int> erased;
        for (const ErasureSet& set : m_parts->erasures())
            erased.push_back(set.erased);
        m_results->setErasures(erased);
        if (dataset.task == Task::Classification)
            m_defaultPrediction = defaultPrediction(m_data);
        if (m_options.onlyTest) {
            runOnlyTest(*checkpoint);
            return m_summary;
        }
        if (checkpoint) {
            keepRecordedOrigin();
            m_results->keepEpochsUpTo(checkpoint->epoch);
            // Epochs count from 1 in our own lines (line i of a result file is
            // epoch i); only the original's progress lines count from 0.
            emit("Resuming from " + m_options.continueFrom + " after epoch " + std::to_string(checkpoint->epoch + 1)
                 + (m_data.hasVal ? " (best val reconstruction top-1 " + pythonFloatRepr(m_bestVal) + ")"
                                  : std::string(" (no validation split)")));
        } else {
            const std::string moved = m_results->startFresh();
            if (!moved.empty())
                emit("Results of an earlier run in " + m_config.runDir() + " moved to " + moved + "/");
        }
        m_summary.epochsCompleted = m_startEpoch;
        m_results->writeRunJson(runInfo("running"));

        const int epochs = m_config.epochsToRun();
        for (int epoch = m_startEpoch; epoch < epochs; ++epoch) {
            const auto t0 = Clock::now();
            std::vector<SplitResult> splits;
            splits.push_back(runSplit(m_data.train, epoch, !m_config.trainsNothing()));
            // val_size 0 (localization): no validation split, so no best.pth.
            if (m_data.hasVal)
                splits.push_back(runSplit(m_data.val, epoch, false));
            splits.push_back(runSplit(m_data.test, epoch, false));
            const double seconds = secondsSince(t0);

            bool improved = false;
            if (m_data.hasVal) {
                const double valTop1 = splits[1].metrics.value(
                    dataset.task == Task::Localization ? "reconstruction_acc" : "reconstruction_top1");
                improved = valTop1 > m_bestVal;
                if (improved)
                    m_bestVal = valTop1;
            }
            m_results->appendEpoch(epoch, splits, seconds);
            writeServedAccuracy(splits.back().metrics);
            saveCheckpoints(epoch, improved);

            EpochSummary summary;
            summary.runIndex = m_options.runIndex;
            summary.epoch = epoch;
            for (const auto& s : splits)
                summary.splits[s.split] = s.metrics;
            summary.seconds = seconds;
            summary.improvedBest = improved;
            summary.bestValReconstructionTop1 = bestValOrNone();
            m_summary.epochsCompleted = epoch + 1;
            m_summary.bestValReconstructionTop1 = bestValOrNone();
            m_summary.lastEpoch = summary.splits;
            if (m_observer)
                m_observer->epochFinished(summary);
            m_results->writeRunJson(runInfo("running"));
        }
        m_results->writeRunJson(runInfo("finished"));
    } catch (const Cancelled&) {
        m_summary.stopped = true;
        if (m_results)
            m_results->writeRunJson(runInfo("stopped"));
        emit("Stopped; the last checkpoint is kept.");
    } catch (const std::exception& e) {
        // The record says why the run ended; checkpoints already saved stay.
        if (m_results) {
            nlohmann::json info = runInfo("failed");
            info["error"] = e.what();
            try {
                m_results->writeRunJson(info);
            } catch (const std::exception&) {
                // e.g. a full disk: the original error is the one to report
            }
        }
        throw;
    }
    if (m_observer)
        m_observer->runFinished(m_summary);
    return m_summary;
}

void Trainer::runOnlyTest(const Checkpoint& checkpoint)
{
    const SplitResult test = runSplit(m_data.test, checkpoint.epoch, false);
    std::string line = "Test after epoch " + std::to_string(checkpoint.epoch + 1) + ":";
    for (const auto& [key, value] : test.metrics.accuracy)
        line += " " + key + "=" + pythonFloatRepr(value);
    if (test.metrics.hasLoss())
        line += " loss=" + pythonFloatRepr(test.metrics.loss);
    emit(line);
    nlohmann::json j = {{"checkpoint", m_options.continueFrom},
                        {"epoch", checkpoint.epoch},
                        {"test", metricsJson(test.metrics)}};
    std::error_code ec;
    fs::create_directories(m_config.runDir(), ec);
    writeFileAtomically(RunDirectory::of(m_config).file(runfiles::kOnlyTest), j.dump(2) + "\n");
    // The original's --only_test appends its test figures to test_*.txt.
    m_results->appendTextFiles(test);
    m_summary.lastEpoch["test"] = test.metrics;
    if (m_observer)
        m_observer->runFinished(m_summary);
}

SplitResult Trainer::runSplit(const SplitPlan& split, int epoch, bool train)
{
    const auto t0 = Clock::now();
    const auto batches = epochBatches(split, m_config.k, m_config.batchSize, m_config.seed, epoch);
    const PreparedSet& set = *split.set;
    const int64_t k = m_config.k;
    const int64_t numClasses = m_parts->dataset().numClasses;

    m_parts->setTraining(train);
    ErasureScorers scorers(m_parts->dataset(), set, m_parts->erasures(), m_config.k);
    const SplitScorer& scorer = scorers.primary();
    const bool boxes = m_parts->dataset().task == Task::Localization;
    BatchStats stats;
    stats.runIndex = m_options.runIndex;
    stats.epoch = epoch;
    stats.split = split.name;
    stats.batches = int64_t(batches.size());
    stats.localization = boxes;
    int64_t groupsDone = 0;
    double tGather = 0, tForward = 0, tBackward = 0, tOptimizer = 0, tMetrics = 0;
    auto lap = [](Clock::time_point& t) {
        const auto now = Clock::now();
        const double s = std::chrono::duration<double>(now - t).count();
        t = now;
        return s;
    };

    // The training split's random code transform (CIFAR crop + flip, random
    // resized crop): drawn per epoch and sample, so a resumed run sees the same.
    const std::optional<std::uint64_t> augmentSeed = split.augment ? std::optional<std::uint64_t>(
                                                         deriveSeed(m_config.seed, kSeedAugment, uint64_t(epoch)))
                                                                   : std::nullopt;

    // The base model's outputs for the split's samples in this epoch's order
    // are gathered once (small: rows x classes). The code inputs are gathered
    // batch by batch into one small reused buffer that stays in cache: a whole
    // split of floats (170 MB for Fashion-MNIST, 550 MB for CIFAR) costs more
    // in first-touch page faults, and in memory traffic, than the batches'
    // scattered rows.
    auto gatherStart = Clock::now();
    std::vector<int64_t> order;
    order.reserve(split.indices.size());
    for (const auto& b : batches)
        order.insert(order.end(), b.begin(), b.end());
    const int64_t rows = int64_t(order.size());
    at::Tensor& batchInputs = m_splitBuffers[split.name].batchInputs;
    at::Tensor& epochOutputs = m_splitBuffers[split.name].baseOutputs;
    const int64_t bufferRows = k * m_config.batchSize;
    if (!batchInputs.defined() || batchInputs.size(0) != bufferRows || batchInputs.size(1) != set.codeDim())
        batchInputs = at::empty({bufferRows, set.codeDim()}, at::kFloat);
    if (!epochOutputs.defined() || epochOutputs.size(0) != rows)
        epochOutputs = at::empty({rows, numClasses}, at::kFloat);
    at::index_select_out(epochOutputs, set.baseOutputs, 0, at::from_blob(order.data(), {rows}, at::kLong));
    tGather += lap(gatherStart);
    int64_t offset = 0;

    for (size_t bi = 0; bi < batches.size(); ++bi) {
        if (m_cancel && m_cancel->isCancelled())
            throw Cancelled();
        const auto& batch = batches[bi];
        const int64_t n = int64_t(batch.size());
        const int64_t groups = n / k;
        const at::Tensor idx = at::from_blob(const_cast<int64_t*>(batch.data()), {n}, at::kLong); // labels only

        auto t = Clock::now();
        std::optional<c10::InferenceMode> inference;
        if (!train)
            inference.emplace();
        set.gatherCodeInputs(batch.data(), n, batchInputs.data_ptr<float>(), augmentSeed);
        const at::Tensor data = batchInputs.narrow(0, 0, n).view({groups, k, -1});
        const at::Tensor base = epochOutputs.narrow(0, offset, n).view({groups, k, numClasses});
        offset += n;
        tGather += lap(t);
        double lossValue = 0;
        std::vector<at::Tensor> byErasure;
        if (train && m_fusedStep) {
            at::Tensor parity, target;
            {
                torch::NoGradGuard noGrad;
                parity = m_parts->encoder->forward(data).select(1, 0);
                target = m_parts->decoder->combine(base);
            }
            const at::Tensor out = m_fusedStep->run(parity, target, &lossValue);
            tForward += lap(t);
            tBackward += lap(t);
            m_parityOpts.front()->step();
            tOptimizer += lap(t);
            torch::NoGradGuard noGrad;
            // r = 1: the one erasure set, pattern {i} = position i.
            byErasure.push_back(
                m_parts->decoder->reconstructAll(base, out.view({groups, m_config.r, numClasses})).unsqueeze(2));
        } else {
            const at::Tensor labels = m_config.trainDecoder ? set.labels.index_select(0, idx).view({groups, k})
                                                            : at::Tensor();
            const DecodedBatch decoded = m_parts->decode(data, base, labels);
            byErasure = decoded.byErasure;
            tForward += lap(t);

            if (train) {
                std::vector<AdamOptimizer*> all;
                for (const auto& opt : m_parityOpts)
                    all.push_back(opt.get());
                all.push_back(m_encoderOpt.get());
                all.push_back(m_decoderOpt.get());
                for (auto* opt : all)
                    if (opt)
                        opt->zeroGrad();
                decoded.loss.backward();
                tBackward += lap(t);
                for (auto* opt : all)
                    if (opt)
                        opt->step();
                tOptimizer += lap(t);
            }
            lossValue = decoded.loss.item<double>(); // NaN for a run that trains nothing (no loss)
        }

        if (!std::isfinite(lossValue) && !m_config.trainsNothing()) // its NaN is no divergence
            throw Error("the " + split.name + " loss became " + pythonFloatRepr(lossValue) + " in epoch "
                        + std::to_string(epoch) + ", batch " + std::to_string(bi + 1)
                        + "; stopped (the best checkpoint is kept). Try a lower learning rate.");
        scorers.add(byErasure, batch.data(), groups, base, lossValue);
        groupsDone += groups;
        tMetrics += lap(t);
        // The pools may have started threads for this pass.
        if (bi == 0 && m_options.niceness > 0)
            lowerOtherThreadsPriority(::getpid(), m_options.niceness);

        if (m_observer) {
            stats.batch = int64_t(bi) + 1;
            stats.batchLoss = lossValue;
            stats.runningLoss = scorer.runningLoss();
            // Localization: localization and reconstruction accuracy in these places.
            stats.runningTop1 = scorer.runningTop1();
            stats.runningTop5 = scorer.runningTop5();
            stats.elapsedSeconds = secondsSince(t0);
            stats.groupsPerSecond = stats.elapsedSeconds > 0 ? double(groupsDone) / stats.elapsedSeconds : 0;
            stats.etaSeconds = stats.batch
                                   ? stats.elapsedSeconds / double(stats.batch) * double(stats.batches - stats.batch)
                                   : 0;
            m_observer->batchFinished(stats);
        }
    }

    SplitResult result;
    result.runIndex = m_options.runIndex;
    result.epoch = epoch;
    result.split = split.name;
    result.metrics = scorers.value();
    result.seconds = secondsSince(t0);
    result.groups = groupsDone;
    result.phaseSeconds = {{"gather", tGather},
                           {"forward", tForward},
                           {"backward", tBackward},
                           {"optimizer", tOptimizer},
                           {"metrics", tMetrics}};
    if (m_observer)
        m_observer->splitFinished(result);
    return result;
}

double Trainer::bestValOrNone() const { return m_data.hasVal ? m_bestVal : std::numeric_limits<double>::quiet_NaN(); }

DefaultPrediction defaultPrediction(const PreparedData& data)
{
    // The most frequent class of the training split (the lower index on a tie),
    // and how often the test split's label is that class.
    DefaultPrediction d;
    const int64_t* trainLabels = data.train.set->labels.data_ptr<int64_t>();
    std::map<int64_t, int64_t> counts;
    for (int64_t i : data.train.indices)
        ++counts[trainLabels[i]];
    int64_t best = -1;
    for (const auto& [label, count] : counts)
        if (count > best) {
            best = count;
            d.label = label;
        }
    const int64_t* testLabels = data.test.set->labels.data_ptr<int64_t>();
    int64_t hits = 0;
    for (int64_t i : data.test.indices)
        hits += testLabels[i] == d.label;
    d.testAccuracy = data.test.indices.empty() ? 0.0 : double(hits) / double(data.test.indices.size());
    return d;
}

void Trainer::writeServedAccuracy(const SplitMetrics& test)
{
    if (!m_defaultPrediction)
        return; // localization: served accuracy is for classification runs
    ServedAccuracyInputs in;
    in.k = m_config.k;
    in.r = m_config.r;
    in.decodesEveryPosition = m_parts->decoder->decodesEveryPosition();
    for (const auto& acc : m_data.baseAccuracies)
        if (acc.split == "test")
            in.baseAccuracy = acc.accuracy();
    in.defaultAccuracy = m_defaultPrediction->testAccuracy;
    for (const ErasureSet& set : m_parts->erasures())
        in.decoded[set.erased] = test.value(erasedMetricName("overall_top1", set.erased));
    m_served = computeServedAccuracy(in);
    writeFileAtomically(RunDirectory::of(m_config).file(runfiles::kServedAccuracy), servedAccuracyCsv(*m_served));
}

void Trainer::saveCheckpoints(int epoch, bool improved)
{
    const int epochs = m_config.epochsToRun();
    const bool cycle = epoch % m_options.checkpointCycle == 0 || epoch + 1 == epochs;
    if (!cycle && !improved)
        return;
    Checkpoint c;
    c.config = m_config;
    c.epoch = epoch;
    c.bestValAcc = m_bestVal;
    c.tensors["base_model"] = stateDictOf(*m_parts->base);
    if (m_config.trainParityModel) {
        for (size_t j = 0; j < m_parityOpts.size(); ++j) {
            c.tensors[RunComponents::parityKey(j)] = stateDictOf(*m_parts->parities[j]);
            c.tensors[RunComponents::parityKey(j, "opt")] = m_parityOpts[j]->state();
        }
    } else if (m_parts->parityStatisticsMove()) {
        c.tensors["parity_model"] = stateDictOf(*m_parts->parities.front()); // its running statistics, no optimizer
    }
    if (m_config.trainEncoder) {
        c.tensors["encoder"] = stateDictOf(*m_parts->encoder);
        c.tensors["encoder_opt"] = m_encoderOpt->state();
    }
    if (m_config.trainDecoder) {
        c.tensors["decoder"] = stateDictOf(*m_parts->decoder);
        c.tensors["decoder_opt"] = m_decoderOpt->state();
    }
    const RunDirectory dir = RunDirectory::of(m_config);
    for (const auto kind : {CheckpointKind::Current, CheckpointKind::Best}) {
        if (kind == CheckpointKind::Current ? !cycle : !improved)
            continue;
        const std::string path = dir.checkpoint(kind);
        c.save(path);
        if (m_observer)
            m_observer->checkpointSaved(path, epoch, kind);
    }
}

void Trainer::keepRecordedOrigin()
{
    // A resumed run is the same run: its record keeps when it started and
    // where its base model came from (the checkpoint only carries those
    // weights on), and says what it was resumed from.
    m_resumedFrom = m_options.continueFrom;
    const RunDirectory dir = RunDirectory::of(m_config);
    if (!fs::exists(dir.runJson()))
        return;
    try {
        const nlohmann::json earlier = dir.readRunJson();
        if (earlier.contains("started") && earlier["started"].is_string())
            m_startedAt = earlier["started"].get<std::string>();
        const auto base = earlier.find("base_model");
        if (base != earlier.end() && base->is_object() && base->contains("source") && (*base)["source"].is_string()
            && !(*base)["source"].get<std::string>().empty())
            m_parts->baseSource = (*base)["source"].get<std::string>();
    } catch (const std::exception&) {
        // An unreadable earlier record: this one starts from what is known now.
    }
}

nlohmann::json Trainer::runInfo(const std::string& status) const
{
    nlohmann::json base = {{"source", m_parts ? m_parts->baseSource : std::string()}};
    for (const auto& acc : m_data.baseAccuracies)
        base[acc.split + "_accuracy"] = {{"correct", acc.correct}, {"total", acc.total}, {"accuracy", acc.accuracy()}};
    nlohmann::json j = {
        {"format", "parity-workbench-run"},
        {"version", 1},
        {"status", status},
        {"header", m_config.header()},
        {"config", m_config.toJson()},
        {"seed", m_config.seed},
        {"threads",
         {{"torch", m_threads.torchThreads}, {"blas", m_threads.blasThreads}, {"blas_library", m_threads.blas}}},
        {"machine", m_machine},
        {"libtorch_version", TORCH_VERSION},
        {"parity_workbench_version", PARITY_VERSION},
        {"base_model", base},
        {"started", m_startedAt},
        {"resumed_from", m_resumedFrom},
        {"updated", localTimeText()},
        {"epochs_completed", m_summary.epochsCompleted},
        // null for a run without a validation split (val_size 0): there is no best.
        {"best_val_reconstruction_top1", m_data.hasVal ? nlohmann::json(m_bestVal) : nlohmann::json()},
        {"dataset_preparation_seconds", m_data.seconds},
        {"classes", m_parts ? m_parts->dataset().classNames : std::vector<std::string>{}},
    };
    if (m_parts && !(m_parts->erasures().size() == 1 && m_parts->erasures().front().erased == 1)) {
        // Scored with several numbers of missing units (docs/CODES.md).
        nlohmann::json sets = nlohmann::json::array();
        for (const ErasureSet& set : m_parts->erasures())
            sets.push_back({{"erased", set.erased},
                            {"patterns", set.patterns},
                            {"possible_patterns", set.possible},
                            {"last_test", m_summary.lastEpoch.count("test")
                                              ? erasedMetricsJson(m_summary.lastEpoch.at("test"), set.erased)
                                              : nlohmann::json()}});
        j["erasures"] = {{"units", m_parts->decoder->units()},
                         {"every_position_decoded", m_parts->decoder->decodesEveryPosition()},
                         {"sets", sets}};
    }
    if (!m_options.slurmTask.empty())
        j["slurm_task"] = m_options.slurmTask;
    if (m_defaultPrediction)
        j["default_prediction"] = {{"class", m_defaultPrediction->label},
                                   {"test_accuracy", m_defaultPrediction->testAccuracy}};
    if (m_served)
        j["served_accuracy"] = {{"from", "test split of the last epoch"},
                                {"by_erased", m_served->byErased},
                                {"no_redundancy_by_erased", m_served->noRedundancyByErased},
                                {"fractions", m_served->fractions},
                                {"by_fraction", m_served->byFraction},
                                {"no_redundancy_by_fraction", m_served->noRedundancyByFraction}};
    return j;
}

} // namespace parity
