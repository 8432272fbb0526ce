#include "training/RunComponents.h"

#include "io/Checkpoint.h"
#include "io/StateDict.h"
#include "training/BaseModelProvider.h"
#include "events/TrainingEvents.h"
#include "util/Error.h"
#include "util/Random.h"

#include "coders/LinearCodes.h"

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/utils.h>

#include <algorithm>
#include <limits>
#include <filesystem>
#include <optional>
#include <utility>
#include <random>

namespace fs = std::filesystem;

namespace parity {

namespace {

void freeze(torch::nn::Module& m)
{
    for (auto& p : m.parameters())
        p.set_requires_grad(false);
}

/// What nothing trains: no gradients, inference mode (BatchNorm's running statistics).
void freezeForEvaluation(torch::nn::Module& m)
{
    freeze(m);
    m.eval();
}

// docs/BEHAVIOUR.md §4, object localization: the parity model starts out predicting k
// times the mean box (the sum of k average boxes), via its last Linear bias.
void initBoxBias(Network& model, const at::Tensor& trainBoxes, int k)
{
    torch::nn::Linear last{nullptr};
    for (const auto& m : model.modules(/*include_self=*/false))
        if (auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(m))
            last = torch::nn::Linear(linear);
    if (!last || !last->bias.defined() || last->bias.numel() != 4 || !trainBoxes.defined())
        return; // e.g. a TorchScript model: its fresh bias stays 0
    torch::NoGradGuard noGrad;
    last->bias.copy_(trainBoxes.to(at::kFloat).mean(0) * double(k));
}

std::string prefixed(const std::string& context, const std::string& message)
{
    return context.empty() ? message : context + ": " + message;
}

} // namespace

std::vector<ErasureSet> erasureSets(const Decoder& decoder, std::uint64_t seed)
{
    const int units = decoder.units();
    int64_t total = 0;
    for (int e = decoder.minErased(); e <= decoder.maxErased(); ++e)
        total += binomial(units, e);
    std::vector<ErasureSet> sets;
    std::mt19937_64 rng(deriveSeed(seed, kSeedErasurePatterns));
    for (int e = decoder.minErased(); e <= decoder.maxErased(); ++e) {
        ErasureSet set;
        set.erased = e;
        set.possible = binomial(units, e);
        if (total <= kMaxErasurePatterns || e <= 1 || set.possible <= kSampledPatternsPerErasure) {
            set.patterns = subsetsOfSize(units, e);
        } else {
            // A sample drawn once for the run: the same patterns every batch
            // and epoch, so epochs compare. Drawn as distinct random subsets.
            std::vector<int> all(static_cast<size_t>(units));
            for (int i = 0; i < units; ++i)
                all[size_t(i)] = i;
            while (int64_t(set.patterns.size()) < kSampledPatternsPerErasure) {
                std::shuffle(all.begin(), all.end(), rng);
                std::vector<int> pick(all.begin(), all.begin() + e);
                std::sort(pick.begin(), pick.end());
                if (std::find(set.patterns.begin(), set.patterns.end(), pick) == set.patterns.end())
                    set.patterns.push_back(pick);
            }
            std::sort(set.patterns.begin(), set.patterns.end());
        }
        for (const auto& pattern : set.patterns) {
            std::vector<int> positions = pattern;
            if (decoder.decodesEveryPosition()) {
                positions.resize(size_t(decoder.k()));
                for (int i = 0; i < decoder.k(); ++i)
                    positions[size_t(i)] = i;
            }
            set.positions.push_back(positions);
        }
        sets.push_back(std::move(set));
    }
    return sets;
}

std::string RunComponents::parityKey(size_t j, const std::string& stem)
{
    return j == 0 ? stem : stem + "_" + std::to_string(j + 1);
}

const StateDict& checkpointEntry(const Checkpoint& c, const std::string& path, const std::string& key)
{
    auto it = c.tensors.find(key);
    if (it == c.tensors.end())
        throw Error(path + ": damaged checkpoint: no '" + key + "' entry");
    return it->second;
}

RunComponents::RunComponents(RunConfig config, Purpose purpose)
    : m_config(std::move(config))
    , m_purpose(purpose)
{
    const Catalog& catalog = Catalog::instance();
    m_dataset = catalog.dataset(m_config.dataset);
    m_model = catalog.model(m_config.model);
    if (!m_dataset)
        throw Error("unknown dataset '" + m_config.dataset + "'");
    if (!m_model)
        throw Error("unknown model '" + m_config.model + "'");
}

RunComponents::~RunComponents() = default;
RunComponents::RunComponents(RunComponents&&) noexcept = default;
RunComponents& RunComponents::operator=(RunComponents&&) noexcept = default;

std::string RunComponents::dataDir() const
{
    return m_config.dataDir.empty() ? m_dataset->defaultDataDir : m_config.dataDir;
}

void RunComponents::checkInputFiles()
{
    // Seconds of data preparation must not come before a message that a
    // file is missing or unreadable (issue 13, item 7).
    if (!m_config.baseWeights.empty() && m_config.baseWeights != "train") {
        if (!fs::exists(m_config.baseWeights))
            throw Error(m_config.baseWeights + ": base-model weights file not found");
        m_baseWeights = readStateDict(m_config.baseWeights); // throws naming the file when it is not a weights file
    }
    if (!m_config.modelScript.empty() && !fs::exists(m_config.modelScript))
        throw Error(m_config.modelScript + ": TorchScript base-model file not found");
    if (!m_config.baseBoxes.empty() && !fs::exists(m_config.baseBoxes))
        throw Error(m_config.baseBoxes + ": base-model boxes file not found");
}

RawDataset RunComponents::loadData(TrainingObserver* observer, const std::string& context) const
{
    const std::string dir = dataDir();
    if (dir.empty())
        throw Error(prefixed(context, m_config.dataset
                                          + " has no standard location on this system: give its data "
                                            "directory (config key data_dir or --data-dir)"));
    if (!fs::is_directory(dir))
        throw Error(prefixed(context, dir + ": data directory for " + m_config.dataset + " not found"
                                          + (m_config.dataset == "fashion-mnist" && m_config.dataDir.empty()
                                                 ? " (install Debian's dataset-fashion-mnist package)"
                                                 : "")));
    if (observer)
        observer->progress("Reading " + m_config.dataset, 0, 1);
    RawDataset raw = m_config.baseBoxes.empty() ? m_dataset->load(dir)
                                                : m_dataset->loadWithBaseOutputs(dir, m_config.baseBoxes);
    if (observer)
        observer->progress("Reading " + m_config.dataset, 1, 1);
    return raw;
}

void RunComponents::build(const RawDataset& raw, const Checkpoint* checkpoint, const std::string& checkpointPath,
                          TrainingObserver* observer, const CancelToken* cancel)
{
    // Seeding and building (base model training included) as one sequence of
    // draws from the global generator: no other thread builds meanwhile.
    const std::lock_guard<std::mutex> generator(globalGeneratorMutex());
    // The weights checkInputFiles read are used once, here, and then freed
    // (also when building fails).
    const std::optional<StateDict> baseWeights = std::exchange(m_baseWeights, std::nullopt);
    // Base model F: from the checkpoint when there is one, so a resumed run
    // goes on against the very outputs it started with.
    const bool evaluating = m_purpose == Purpose::Evaluation;
    if (checkpoint && (evaluating || checkpoint->tensors.count("base_model"))) {
        base = m_model->make(*m_dataset, m_config.modelScript);
        loadStateDict(*base, checkpointEntry(*checkpoint, checkpointPath, "base_model"),
                      checkpointPath + " (base_model)");
        base->eval();
        freeze(*base);
        baseSource = checkpointPath;
    } else if (evaluating) {
        throw Error("looking at a run needs one of its checkpoints (best.pth, current.pth)");
    } else if (!m_config.baseBoxes.empty()) {
        // The base model's outputs come from a file (the original ships its
        // boxes): the network only keeps the run's shape (checkpoints, resume).
        torch::manual_seed(deriveSeed(m_config.seed, kSeedBaseTraining));
        base = m_model->make(*m_dataset, m_config.modelScript);
        base->eval();
        freeze(*base);
        baseSource = "boxes from " + m_config.baseBoxes;
    } else {
        auto obtained = BaseModelProvider::obtain(m_config, *m_dataset, *m_model, raw, observer, cancel,
                                                  baseWeights ? &*baseWeights : nullptr);
        base = obtained.model;
        baseSource = obtained.source;
    }
    assemble(raw.train.boxes);
    if (checkpoint)
        loadTrained(*checkpoint, checkpointPath);
}

void RunComponents::buildUnloaded()
{
    const std::lock_guard<std::mutex> generator(globalGeneratorMutex());
    base = m_model->make(*m_dataset, m_config.modelScript);
    baseSource.clear();
    assemble(at::Tensor());
}

RunComponents RunComponents::withWeightsOf(const Checkpoint& checkpoint, const std::string& checkpointPath) const
{
    // Fresh modules only for what the run trains (the weights come from the
    // checkpoint); the rest is shared. No random weights are drawn for
    // anything else: a trainer may be seeding the global generator beside us.
    const Catalog& catalog = Catalog::instance();
    const RunConfig& c = m_config;
    const std::lock_guard<std::mutex> generator(globalGeneratorMutex());
    RunComponents next(m_config, m_purpose);
    next.base = base;
    next.baseSource = baseSource;
    next.loss = catalog.loss(c.lossClass)->create();
    next.encoder = c.trainEncoder ? catalog.encoder(c.encoderClass)->create(c.k, c.r, m_dataset->shape) : encoder;
    next.decoder = c.trainDecoder ? catalog.decoder(c.decoderClass)->create(c.k, c.r, m_dataset->numClasses) : decoder;
    // A frozen parity model whose statistics moved gets its own copy: its
    // state comes from the checkpoint too.
    const bool ownParity = c.trainParityModel || checkpoint.tensors.count("parity_model");
    next.parities = parities;
    if (ownParity)
        for (auto& p : next.parities)
            p = m_model->make(*m_dataset, c.modelScript);
    next.m_erasures = m_erasures;
    for (auto& p : next.parities)
        freezeForEvaluation(*p);
    for (torch::nn::Module* module :
         {static_cast<torch::nn::Module*>(next.encoder.get()), static_cast<torch::nn::Module*>(next.decoder.get())})
        freezeForEvaluation(*module);
    next.loadTrained(checkpoint, checkpointPath);
    return next;
}

void RunComponents::assemble(const at::Tensor& trainBoxes)
{
    const Catalog& catalog = Catalog::instance();
    const RunConfig& c = m_config;
    const bool training = m_purpose == Purpose::Training;
    // Training: fresh components from a seeded generator, the same seed the
    // same start. Evaluation needs no random weights: validateRun refuses
    // untrained learned coders, an untrained parity model is the base
    // model's copy, and trained weights come from the checkpoint.
    if (training)
        torch::manual_seed(deriveSeed(c.seed, kSeedParityInit));
    encoder = catalog.encoder(c.encoderClass)->create(c.k, c.r, m_dataset->shape);
    decoder = catalog.decoder(c.decoderClass)->create(c.k, c.r, m_dataset->numClasses);
    loss = catalog.loss(c.lossClass)->create();
    m_erasures = erasureSets(*decoder, c.seed);
    // r trained parity models, each its own weights drawn in turn (the first
    // as with r = 1); an untrained one answers every coded query.
    parities.clear();
    for (int j = 0; j < (c.trainParityModel ? c.r : 1); ++j) {
        auto parity = m_model->make(*m_dataset, c.modelScript); // a TorchScript model: a second copy
        if (training && c.trainParityModel) {
            initFreshWeights(*parity);
            if (m_dataset->task == Task::Localization)
                initBoxBias(*parity, trainBoxes, c.k);
        } else if (!c.trainParityModel) {
            // docs/BEHAVIOUR.md §5: the parity model is a copy of the trained base model
            // (the original left it random by loading into the wrong object).
            copyWeights(*base, *parity);
        }
        if (!training || !c.trainParityModel)
            freezeForEvaluation(*parity);
        parities.push_back(parity);
    }
    const std::pair<torch::nn::Module*, bool> parts[] = {{encoder.get(), c.trainEncoder},
                                                         {decoder.get(), c.trainDecoder}};
    for (const auto& [module, trained] : parts) {
        if (!training || !trained)
            freezeForEvaluation(*module);
    }
}

void RunComponents::loadTrained(const Checkpoint& c, const std::string& path)
{
    // A frozen parity model's moved statistics (parityStatisticsMove): the
    // checkpoint holds its whole state. Checkpoints from before keep the copy.
    if (m_config.trainParityModel || c.tensors.count("parity_model"))
        for (size_t j = 0; j < parities.size(); ++j)
            loadStateDict(*parities[j], checkpointEntry(c, path, parityKey(j)), path + " (" + parityKey(j) + ")");
    if (m_config.trainEncoder)
        loadStateDict(*encoder, checkpointEntry(c, path, "encoder"), path + " (encoder)");
    if (m_config.trainDecoder)
        loadStateDict(*decoder, checkpointEntry(c, path, "decoder"), path + " (decoder)");
}

void RunComponents::setTraining(bool train)
{
    if (m_purpose != Purpose::Training || m_config.trainsNothing())
        return; // a training-free code (Berrut) runs the base model as it is
    if (m_config.trainParityModel || !m_config.freezeParityBn)
        for (auto& parity : parities)
            parity->train(train);
    if (m_config.trainEncoder)
        encoder->train(train);
    if (m_config.trainDecoder)
        decoder->train(train);
}

bool RunComponents::parityStatisticsMove() const
{
    return !m_config.trainParityModel && !m_config.freezeParityBn && !m_config.trainsNothing()
           && !parities.front()->buffers().empty();
}

DecodedBatch RunComponents::decode(const at::Tensor& queries, const at::Tensor& baseOutputs,
                                   const at::Tensor& labels) const
{
    const int64_t groups = queries.size(0);
    const int64_t numClasses = m_dataset->numClasses;
    const int64_t outputs = encoder->outputs();
    DecodedBatch out;
    out.parityQuery = encoder->forward(queries);
    if (parities.size() == 1) {
        out.parityOutput = parities.front()->forward(out.parityQuery).view({groups, outputs, numClasses});
    } else {
        std::vector<at::Tensor> each;
        for (size_t j = 0; j < parities.size(); ++j)
            each.push_back(parities[j]->forward(out.parityQuery.select(1, int64_t(j))).view({groups, 1, numClasses}));
        out.parityOutput = at::cat(each, 1);
    }
    if (m_config.trainsNothing()) {
        // Nothing is optimised (Berrut), so there is no loss: NaN says so to
        // every reader (SplitMetrics::hasLoss), where a 0 claimed a measurement.
        out.loss = at::full({}, std::numeric_limits<float>::quiet_NaN(), at::kFloat);
    } else if (!m_config.trainDecoder) {
        // MSE summed over the r parities, each against its combination of the base outputs.
        if (m_config.r == 1) {
            out.loss = loss->parityLoss(out.parityOutput.select(1, 0), decoder->combine(baseOutputs));
        } else {
            const at::Tensor targets = decoder->combineAll(baseOutputs);
            for (int64_t j = 0; j < m_config.r; ++j) {
                const at::Tensor term = loss->parityLoss(out.parityOutput.select(1, j), targets.select(1, j));
                out.loss = j == 0 ? term : out.loss + term;
            }
        }
    }
    // The reconstructions: with a fixed decoder they carry no gradient.
    std::optional<torch::NoGradGuard> noGrad;
    if (!m_config.trainDecoder)
        noGrad.emplace();
    const at::Tensor parityOutput = m_config.trainDecoder ? out.parityOutput : out.parityOutput.detach();
    out.reconstructed = decoder->reconstructAll(baseOutputs, parityOutput);
    for (const ErasureSet& set : m_erasures) {
        if (set.erased == 1 && !decoder->decodesEveryPosition()) {
            out.byErasure.push_back(out.reconstructed.unsqueeze(2)); // (groups, k, 1, C): pattern {i} is position i
            continue;
        }
        std::vector<at::Tensor> each;
        for (const auto& pattern : set.patterns)
            each.push_back(decoder->reconstruct(baseOutputs, parityOutput, pattern).unsqueeze(1));
        out.byErasure.push_back(at::cat(each, 1)); // (groups, patterns, m, C)
    }
    if (m_config.trainDecoder) {
        // The masked loss of every erasure size: single erasures as the
        // original, then each larger e over its patterns' missing positions.
        out.loss = loss->maskedLoss(out.reconstructed, baseOutputs, labels);
        for (size_t s = 0; s < m_erasures.size(); ++s) {
            const ErasureSet& set = m_erasures[s];
            if (set.erased <= 1)
                continue;
            std::vector<int64_t> positions;
            for (const auto& p : set.positions)
                positions.insert(positions.end(), p.begin(), p.end());
            const at::Tensor idx = at::tensor(positions, at::kLong);
            const at::Tensor rec = out.byErasure[s].reshape({groups, int64_t(positions.size()), numClasses});
            const at::Tensor lab = labels.defined() ? labels.index_select(1, idx) : labels;
            out.loss = out.loss + loss->maskedLoss(rec, baseOutputs.index_select(1, idx), lab);
        }
    }
    return out;
}

} // namespace parity
