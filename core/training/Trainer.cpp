#include "training/Trainer.h"

#include "config/SweepConfig.h"
#include "io/Checkpoint.h"
#include "io/ResultWriter.h"
#include "training/BaseModelProvider.h"
#include "data/Boxes.h"
#include "training/CancelToken.h"
#include "training/LocalizationMetrics.h"
#include "training/ReconstructionMetrics.h"
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
#include <cstdlib>
#include <ctime>
#include <filesystem>

namespace fs = std::filesystem;

namespace parity {

namespace {

using Clock = std::chrono::steady_clock;

// Above this a split's code inputs are gathered batch by batch, not per epoch.
constexpr int64_t kEpochGatherBytes = int64_t(256) << 20;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<at::Tensor> parametersOf(torch::nn::Module& m)
{
    std::vector<at::Tensor> out;
    for (auto& p : m.parameters())
        out.push_back(p);
    return out;
}

void freeze(torch::nn::Module& m)
{
    for (auto& p : m.parameters())
        p.set_requires_grad(false);
}

// SPEC §4, object localization: the parity model starts out predicting k
// times the mean box (the sum of k average boxes), via its last Linear bias.
void initBoxBias(Network& model, const at::Tensor& trainBoxes, int k)
{
    torch::nn::Linear last{nullptr};
    for (const auto& m : model.modules(/*include_self=*/false))
        if (auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(m))
            last = torch::nn::Linear(linear);
    if (!last || !last->bias.defined() || last->bias.numel() != 4 || !trainBoxes.defined())
        return;   // e.g. a TorchScript model: its fresh bias stays 0
    torch::NoGradGuard noGrad;
    last->bias.copy_(trainBoxes.to(at::kFloat).mean(0) * double(k));
}

std::string nowText()
{
    char buf[32];
    const std::time_t t = std::time(nullptr);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", std::localtime(&t));
    return buf;
}

nlohmann::json metricsJson(const SplitMetrics& m)
{
    nlohmann::json j = {{"loss", m.loss}};
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

RawDataset Trainer::loadData()
{
    m_dataset = Catalog::instance().dataset(m_config.dataset);
    const std::string dir = m_config.dataDir.empty() ? m_dataset->defaultDataDir : m_config.dataDir;
    if (dir.empty())
        throw Error(m_config.dataset + " has no standard location on this system: give its data directory "
                    "(config key data_dir or --data-dir)");
    if (!fs::is_directory(dir))
        throw Error(dir + ": data directory for " + m_config.dataset + " not found"
                    + (m_config.dataset == "fashion-mnist" ? " (install Debian's dataset-fashion-mnist package)" : ""));
    if (m_observer)
        m_observer->progress("Reading " + m_config.dataset, 0, 1);
    RawDataset raw = m_config.baseBoxes.empty() ? m_dataset->load(dir)
                                                : m_dataset->loadWithBaseOutputs(dir, m_config.baseBoxes);
    if (m_observer)
        m_observer->progress("Reading " + m_config.dataset, 1, 1);
    return raw;
}

void Trainer::setUpModels(const RawDataset& raw, const Checkpoint* checkpoint)
{
    const Catalog& catalog = Catalog::instance();
    const ModelEntry* modelEntry = catalog.model(m_config.model);

    // Base model F: from the checkpoint when resuming, so the run goes on
    // against the very outputs it started with.
    if (checkpoint && checkpoint->tensors.count("base_model")) {
        m_baseModel = modelEntry->make(*m_dataset, m_config.modelScript);
        loadStateDict(*m_baseModel, checkpoint->tensors.at("base_model"), m_options.continueFrom + " (base_model)");
        m_baseModel->eval();
        freeze(*m_baseModel);
        m_baseSource = m_options.continueFrom;
    } else if (!m_config.baseBoxes.empty()) {
        // The base model's outputs come from a file (the original ships its
        // boxes): the network only keeps the run's shape (checkpoints, resume).
        torch::manual_seed(deriveSeed(m_config.seed, kSeedBaseTraining));
        m_baseModel = modelEntry->make(*m_dataset, m_config.modelScript);
        m_baseModel->eval();
        freeze(*m_baseModel);
        m_baseSource = "boxes from " + m_config.baseBoxes;
    } else {
        auto base = BaseModelProvider::obtain(m_config, *m_dataset, *modelEntry, raw, m_observer, m_cancel);
        m_baseModel = base.model;
        m_baseSource = base.source;
    }

    // Fresh components from a seeded generator: the same seed, the same start.
    torch::manual_seed(deriveSeed(m_config.seed, kSeedParityInit));
    m_encoder = catalog.encoder(m_config.encoderClass)->create(m_config.k, m_config.r, m_dataset->shape);
    m_decoder = catalog.decoder(m_config.decoderClass)->create(m_config.k, m_config.r, m_dataset->numClasses);
    m_loss = catalog.loss(m_config.lossClass)->create();
    m_parityModel = modelEntry->make(*m_dataset, m_config.modelScript);   // a TorchScript model: a second copy
    if (m_config.trainParityModel) {
        initFreshWeights(*m_parityModel);
        if (m_dataset->task == Task::Localization)
            initBoxBias(*m_parityModel, raw.train.boxes, m_config.k);
    } else {
        // SPEC §5: the parity model is a copy of the trained base model
        // (the original left it random by loading into the wrong object).
        copyWeights(*m_baseModel, *m_parityModel);
        freeze(*m_parityModel);
        m_parityModel->eval();
    }

    AdamOptimizer::Options opt;
    opt.lr = m_config.lr;
    opt.weightDecay = m_config.weightDecay;
    if (m_config.trainParityModel)
        m_parityOpt = std::make_unique<AdamOptimizer>(parametersOf(*m_parityModel), opt);
    if (m_config.trainEncoder)
        m_encoderOpt = std::make_unique<AdamOptimizer>(parametersOf(*m_encoder), opt);
    else
        freeze(*m_encoder);
    if (m_config.trainDecoder)
        m_decoderOpt = std::make_unique<AdamOptimizer>(parametersOf(*m_decoder), opt);
    else
        freeze(*m_decoder);

    // The paper's main case trains without autograd (same arithmetic, far
    // fewer tensor operations). PARITY_NO_FUSED=1 forces the generic path.
    const char* noFused = std::getenv("PARITY_NO_FUSED");
    auto chain = m_parityModel->linearChain();
    if (m_config.trainParityModel && !m_config.trainEncoder && !m_config.trainDecoder && m_config.r == 1
        && m_config.lossClass == "torch.nn.MSELoss" && !chain.empty() && !(noFused && *noFused == '1'))
        m_fusedStep = std::make_unique<FusedMlpStep>(std::move(chain));
}

void Trainer::restore(const Checkpoint& c)
{
    const std::string& path = m_options.continueFrom;
    auto need = [&](const char* key) -> const StateDict& {
        auto it = c.tensors.find(key);
        if (it == c.tensors.end())
            throw Error(path + ": damaged checkpoint: no '" + std::string(key) + "' entry");
        return it->second;
    };
    if (m_config.trainParityModel) {
        loadStateDict(*m_parityModel, need("parity_model"), path + " (parity_model)");
        m_parityOpt->loadState(need("opt"), path + " (opt)");
    }
    if (m_config.trainEncoder) {
        loadStateDict(*m_encoder, need("encoder"), path + " (encoder)");
        m_encoderOpt->loadState(need("encoder_opt"), path + " (encoder_opt)");
    }
    if (m_config.trainDecoder) {
        loadStateDict(*m_decoder, need("decoder"), path + " (decoder)");
        m_decoderOpt->loadState(need("decoder_opt"), path + " (decoder_opt)");
    }
    m_startEpoch = c.epoch + 1;   // SPEC §5: continue with the next epoch
    m_bestVal = c.bestValAcc;
}

RunSummary Trainer::run()
{
    m_startedAt = nowText();
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
        const RawDataset raw = loadData();
        setUpModels(raw, checkpoint ? &*checkpoint : nullptr);
        if (checkpoint)
            restore(*checkpoint);

        DatasetPreparer preparer(*m_dataset, m_encoder->codeInputShape(), m_config.k, m_config.valSize,
                                 m_config.seed);
        // Convolutional base models prepare fastest 32-64 samples at a time
        // (resnet18 on CIFAR-shaped input: 208 samples/s against 142 with
        // chunks of 8192, bench/README.md).
        if (workload == Workload::Convolutions)
            preparer.setForwardChunk(64);
        m_data = preparer.prepare(raw, *m_baseModel, m_observer, m_cancel);
        for (const auto& acc : m_data.baseAccuracies) {
            emit("Base model " + acc.split + " accuracy is " + std::to_string(acc.correct) + " / "
                 + std::to_string(acc.total) + " = " + pythonFloatRepr(acc.accuracy()));
        }
        for (const auto& notice : m_data.notices)
            emit(notice);
        m_summary.baseAccuracies = m_data.baseAccuracies;
        if (m_observer)
            m_observer->baseModelEvaluated(m_data.baseAccuracies);

        m_results = m_dataset->task == Task::Localization
            ? std::make_unique<ResultWriter>(m_config.runDir(), LocalizationMetrics::metricNames())
            : std::make_unique<ResultWriter>(m_config.runDir(), m_dataset->numClasses);
        if (m_options.onlyTest) {
            runOnlyTest(*checkpoint);
            return m_summary;
        }
        if (checkpoint) {
            m_results->keepEpochsUpTo(checkpoint->epoch);
            emit("Resuming from " + m_options.continueFrom + " after epoch " + std::to_string(checkpoint->epoch)
                 + " (best val reconstruction top-1 " + pythonFloatRepr(m_bestVal) + ")");
        } else {
            const std::string moved = m_results->startFresh();
            if (!moved.empty())
                emit("Results of an earlier run in " + m_config.runDir() + " moved to " + moved + "/");
        }
        m_summary.epochsCompleted = m_startEpoch;
        m_results->writeRunJson(runInfo("running"));

        for (int epoch = m_startEpoch; epoch < m_config.numEpochs; ++epoch) {
            const auto t0 = Clock::now();
            std::vector<SplitResult> splits;
            splits.push_back(runSplit(m_data.train, epoch, true));
            splits.push_back(runSplit(m_data.val, epoch, false));
            splits.push_back(runSplit(m_data.test, epoch, false));
            const double seconds = secondsSince(t0);

            const double valTop1 = splits[1].metrics.value(
                m_dataset->task == Task::Localization ? "reconstruction_acc" : "reconstruction_top1");
            const bool improved = valTop1 > m_bestVal;
            if (improved)
                m_bestVal = valTop1;
            m_results->appendEpoch(epoch, splits, seconds);
            saveCheckpoints(epoch, improved);

            EpochSummary summary;
            summary.runIndex = m_options.runIndex;
            summary.epoch = epoch;
            for (const auto& s : splits)
                summary.splits[s.split] = s.metrics;
            summary.seconds = seconds;
            summary.improvedBest = improved;
            summary.bestValReconstructionTop1 = m_bestVal;
            m_summary.epochsCompleted = epoch + 1;
            m_summary.bestValReconstructionTop1 = m_bestVal;
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
    std::string line = "Test after epoch " + std::to_string(checkpoint.epoch) + ":";
    for (const auto& [key, value] : test.metrics.accuracy)
        line += " " + key + "=" + pythonFloatRepr(value);
    line += " loss=" + pythonFloatRepr(test.metrics.loss);
    emit(line);
    nlohmann::json j = {{"checkpoint", m_options.continueFrom},
                        {"epoch", checkpoint.epoch},
                        {"test", metricsJson(test.metrics)}};
    std::error_code ec;
    fs::create_directories(m_config.runDir(), ec);
    writeFileAtomically((fs::path(m_config.runDir()) / "only_test.json").string(), j.dump(2) + "\n");
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
    const int64_t numClasses = m_dataset->numClasses;
    const int64_t* allLabels = set.labels.data_ptr<int64_t>();
    const int64_t* allArgmax = set.baseArgmax.data_ptr<int64_t>();

    if (m_config.trainParityModel)
        m_parityModel->train(train);
    if (m_config.trainEncoder)
        m_encoder->train(train);
    if (m_config.trainDecoder)
        m_decoder->train(train);

    ReconstructionMetrics metrics(numClasses);
    const bool boxes = m_dataset->task == Task::Localization;
    LocalizationMetrics boxMetrics;
    std::vector<float> rowTrueBoxes;
    std::vector<int64_t> rowArgmax, rowLabels;
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
    const std::optional<std::uint64_t> augmentSeed =
        split.augment ? std::optional<std::uint64_t>(deriveSeed(m_config.seed, kSeedAugment, uint64_t(epoch)))
                      : std::nullopt;

    // The split's samples in this epoch's order, gathered once: each batch is
    // then a contiguous slice instead of a scattered per-batch gather. Large
    // sets (CIFAR's 45,000 x 3,072 floats would be 550 MB) and sets decoded
    // from files are gathered batch by batch into a small buffer instead.
    auto gatherStart = Clock::now();
    std::vector<int64_t> order;
    order.reserve(split.indices.size());
    for (const auto& b : batches)
        order.insert(order.end(), b.begin(), b.end());
    const int64_t rows = int64_t(order.size());
    const bool perBatch = set.isLazy() || rows * set.codeDim() * int64_t(sizeof(float)) > kEpochGatherBytes;
    // One reused buffer per split: a fresh 170 MB tensor per epoch costs more
    // in page faults than the copy itself.
    at::Tensor& epochInputs = m_epochBuffers[split.name].first;
    at::Tensor& epochOutputs = m_epochBuffers[split.name].second;
    const int64_t bufferRows = perBatch ? k * m_config.batchSize : rows;
    if (!epochInputs.defined() || epochInputs.size(0) != bufferRows || epochInputs.size(1) != set.codeDim())
        epochInputs = at::empty({bufferRows, set.codeDim()}, at::kFloat);
    if (!epochOutputs.defined() || epochOutputs.size(0) != rows)
        epochOutputs = at::empty({rows, numClasses}, at::kFloat);
    if (!perBatch)
        set.gatherCodeInputs(order.data(), rows, epochInputs.data_ptr<float>(), augmentSeed);
    at::index_select_out(epochOutputs, set.baseOutputs, 0,
                         at::from_blob(order.data(), {rows}, at::kLong));
    tGather += lap(gatherStart);
    int64_t offset = 0;

    for (size_t bi = 0; bi < batches.size(); ++bi) {
        if (m_cancel && m_cancel->isCancelled())
            throw Cancelled();
        const auto& batch = batches[bi];
        const int64_t n = int64_t(batch.size());
        const int64_t groups = n / k;
        const at::Tensor idx = at::from_blob(const_cast<int64_t*>(batch.data()), {n}, at::kLong);  // labels only

        auto t = Clock::now();
        std::optional<c10::InferenceMode> inference;
        if (!train)
            inference.emplace();
        if (perBatch)
            set.gatherCodeInputs(batch.data(), n, epochInputs.data_ptr<float>(), augmentSeed);
        const at::Tensor data = epochInputs.narrow(0, perBatch ? 0 : offset, n).view({groups, k, -1});
        const at::Tensor base = epochOutputs.narrow(0, offset, n).view({groups, k, numClasses});
        offset += n;
        tGather += lap(t);
        double lossValue = 0;
        at::Tensor reconstructed;
        if (train && m_fusedStep) {
            at::Tensor parity, target;
            {
                torch::NoGradGuard noGrad;
                parity = m_encoder->forward(data).select(1, 0);
                target = m_decoder->combine(base);
            }
            const at::Tensor out = m_fusedStep->run(parity, target, &lossValue);
            tForward += lap(t);
            tBackward += lap(t);
            m_parityOpt->step();
            tOptimizer += lap(t);
            torch::NoGradGuard noGrad;
            reconstructed = m_decoder->reconstructAll(base, out.view({groups, m_config.r, numClasses}));
        } else {
            const at::Tensor parity = m_encoder->forward(data);
            const at::Tensor out = m_parityModel->forward(parity).view({groups, m_config.r, numClasses});
            at::Tensor loss;
            if (!m_config.trainDecoder) {
                loss = m_loss->parityLoss(out.select(1, 0), m_decoder->combine(base));
                torch::NoGradGuard noGrad;
                reconstructed = m_decoder->reconstructAll(base, out.detach());
            } else {
                reconstructed = m_decoder->reconstructAll(base, out);
                const at::Tensor labels = set.labels.index_select(0, idx).view({groups, k});
                loss = m_loss->maskedLoss(reconstructed, base, labels);
            }
            tForward += lap(t);

            if (train) {
                AdamOptimizer* const all[] = {m_parityOpt.get(), m_encoderOpt.get(), m_decoderOpt.get()};
                for (auto* opt : all)
                    if (opt)
                        opt->zeroGrad();
                loss.backward();
                tBackward += lap(t);
                for (auto* opt : all)
                    if (opt)
                        opt->step();
                tOptimizer += lap(t);
            }
            lossValue = loss.item<double>();
        }

        if (!std::isfinite(lossValue))
            throw Error("the " + split.name + " loss became " + pythonFloatRepr(lossValue) + " in epoch "
                        + std::to_string(epoch) + ", batch " + std::to_string(bi + 1)
                        + "; stopped (the best checkpoint is kept). Try a lower learning rate.");
        rowArgmax.resize(size_t(n));
        rowLabels.resize(size_t(n));
        for (int64_t i = 0; i < n; ++i) {
            rowArgmax[size_t(i)] = allArgmax[batch[size_t(i)]];
            rowLabels[size_t(i)] = allLabels[batch[size_t(i)]];
        }
        const at::Tensor rec = reconstructed.detach().contiguous();
        if (boxes) {
            rowTrueBoxes.resize(size_t(4 * n));
            const float* all = set.boxes.data_ptr<float>();
            for (int64_t i = 0; i < n; ++i)
                std::copy_n(all + 4 * batch[size_t(i)], 4, rowTrueBoxes.data() + 4 * i);
            const at::Tensor baseRows = base.contiguous();
            boxMetrics.add(rec.data_ptr<float>(), n, rowTrueBoxes.data(), baseRows.data_ptr<float>());
            boxMetrics.addLoss(lossValue);
        } else {
            metrics.add(rec.data_ptr<float>(), n, rowArgmax.data(), rowLabels.data());
        }
        metrics.addLoss(lossValue);
        groupsDone += groups;
        tMetrics += lap(t);

        if (m_observer) {
            stats.batch = int64_t(bi) + 1;
            stats.batchLoss = lossValue;
            stats.runningLoss = metrics.runningLoss();
            // Localization: localization and reconstruction accuracy in these places.
            stats.runningTop1 = boxes ? boxMetrics.localizationAccuracy() : metrics.overall(1);
            stats.runningTop5 = boxes ? boxMetrics.reconstructionAccuracy() : metrics.overall(5);
            stats.elapsedSeconds = secondsSince(t0);
            stats.groupsPerSecond = stats.elapsedSeconds > 0 ? double(groupsDone) / stats.elapsedSeconds : 0;
            stats.etaSeconds = stats.batch ? stats.elapsedSeconds / double(stats.batch)
                                                 * double(stats.batches - stats.batch)
                                           : 0;
            m_observer->batchFinished(stats);
        }
    }

    SplitResult result;
    result.runIndex = m_options.runIndex;
    result.epoch = epoch;
    result.split = split.name;
    result.metrics = boxes ? boxMetrics.value() : metrics.value();
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

void Trainer::saveCheckpoints(int epoch, bool improved)
{
    const bool cycle = epoch % m_options.checkpointCycle == 0 || epoch + 1 == m_config.numEpochs;
    if (!cycle && !improved)
        return;
    Checkpoint c;
    c.config = m_config;
    c.epoch = epoch;
    c.bestValAcc = m_bestVal;
    c.tensors["base_model"] = stateDictOf(*m_baseModel);
    if (m_config.trainParityModel) {
        c.tensors["parity_model"] = stateDictOf(*m_parityModel);
        c.tensors["opt"] = m_parityOpt->state();
    }
    if (m_config.trainEncoder) {
        c.tensors["encoder"] = stateDictOf(*m_encoder);
        c.tensors["encoder_opt"] = m_encoderOpt->state();
    }
    if (m_config.trainDecoder) {
        c.tensors["decoder"] = stateDictOf(*m_decoder);
        c.tensors["decoder_opt"] = m_decoderOpt->state();
    }
    const fs::path dir = m_config.runDir();
    if (cycle)
        c.save((dir / "current.pth").string());
    if (improved)
        c.save((dir / "best.pth").string());
}

nlohmann::json Trainer::runInfo(const std::string& status) const
{
    nlohmann::json base = {{"source", m_baseSource}};
    for (const auto& acc : m_data.baseAccuracies)
        base[acc.split + "_accuracy"] = {{"correct", acc.correct}, {"total", acc.total}, {"accuracy", acc.accuracy()}};
    nlohmann::json j = {
        {"format", "parity-workbench-run"},
        {"version", 1},
        {"status", status},
        {"header", m_config.header()},
        {"config", m_config.toJson()},
        {"seed", m_config.seed},
        {"threads", {{"torch", m_threads.torchThreads}, {"blas", m_threads.blasThreads}, {"blas_library", m_threads.blas}}},
        {"machine", m_machine},
        {"libtorch_version", TORCH_VERSION},
        {"parity_workbench_version", PARITY_VERSION},
        {"base_model", base},
        {"started", m_startedAt},
        {"updated", nowText()},
        {"epochs_completed", m_summary.epochsCompleted},
        {"best_val_reconstruction_top1", m_bestVal},
        {"dataset_preparation_seconds", m_data.seconds},
        {"classes", m_dataset ? m_dataset->classNames : std::vector<std::string>{}},
    };
    return j;
}

} // namespace parity
