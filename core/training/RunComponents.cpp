#include "training/RunComponents.h"

#include "io/Checkpoint.h"
#include "io/StateDict.h"
#include "training/BaseModelProvider.h"
#include "events/TrainingEvents.h"
#include "util/Error.h"
#include "util/Random.h"

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/utils.h>

#include <filesystem>

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

void RunComponents::checkInputFiles() const
{
    // Seconds of data preparation must not come before a message that a
    // file is missing or unreadable (issue 13, item 7).
    if (!m_config.baseWeights.empty() && m_config.baseWeights != "train") {
        if (!fs::exists(m_config.baseWeights))
            throw Error(m_config.baseWeights + ": base-model weights file not found");
        (void)readStateDict(m_config.baseWeights); // throws naming the file when it is not a weights file
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
        auto obtained = BaseModelProvider::obtain(m_config, *m_dataset, *m_model, raw, observer, cancel);
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
    next.parity = ownParity ? m_model->make(*m_dataset, c.modelScript) : parity;
    for (torch::nn::Module* module :
         {static_cast<torch::nn::Module*>(next.parity.get()), static_cast<torch::nn::Module*>(next.encoder.get()),
          static_cast<torch::nn::Module*>(next.decoder.get())})
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
    parity = m_model->make(*m_dataset, c.modelScript); // a TorchScript model: a second copy
    if (training && c.trainParityModel) {
        initFreshWeights(*parity);
        if (m_dataset->task == Task::Localization)
            initBoxBias(*parity, trainBoxes, c.k);
    } else if (!c.trainParityModel) {
        // docs/BEHAVIOUR.md §5: the parity model is a copy of the trained base model
        // (the original left it random by loading into the wrong object).
        copyWeights(*base, *parity);
    }
    const std::pair<torch::nn::Module*, bool> parts[] = {{parity.get(), c.trainParityModel},
                                                         {encoder.get(), c.trainEncoder},
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
        loadStateDict(*parity, checkpointEntry(c, path, "parity_model"), path + " (parity_model)");
    if (m_config.trainEncoder)
        loadStateDict(*encoder, checkpointEntry(c, path, "encoder"), path + " (encoder)");
    if (m_config.trainDecoder)
        loadStateDict(*decoder, checkpointEntry(c, path, "decoder"), path + " (decoder)");
}

void RunComponents::setTraining(bool train)
{
    if (m_purpose != Purpose::Training)
        return;
    if (m_config.trainParityModel || !m_config.freezeParityBn)
        parity->train(train);
    if (m_config.trainEncoder)
        encoder->train(train);
    if (m_config.trainDecoder)
        decoder->train(train);
}

bool RunComponents::parityStatisticsMove() const
{
    return !m_config.trainParityModel && !m_config.freezeParityBn && !parity->buffers().empty();
}

DecodedBatch RunComponents::decode(const at::Tensor& queries, const at::Tensor& baseOutputs,
                                   const at::Tensor& labels) const
{
    const int64_t groups = queries.size(0);
    const int64_t numClasses = m_dataset->numClasses;
    DecodedBatch out;
    out.parityQuery = encoder->forward(queries);
    out.parityOutput = parity->forward(out.parityQuery).view({groups, m_config.r, numClasses});
    if (!m_config.trainDecoder) {
        out.loss = loss->parityLoss(out.parityOutput.select(1, 0), decoder->combine(baseOutputs));
        torch::NoGradGuard noGrad;
        out.reconstructed = decoder->reconstructAll(baseOutputs, out.parityOutput.detach());
    } else {
        out.reconstructed = decoder->reconstructAll(baseOutputs, out.parityOutput);
        out.loss = loss->maskedLoss(out.reconstructed, baseOutputs, labels);
    }
    return out;
}

} // namespace parity
