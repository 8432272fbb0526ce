#include "training/ReconstructionInspector.h"

#include "catalog/Catalog.h"
#include "config/SweepConfig.h"
#include "data/Boxes.h"
#include "data/PreparedData.h"
#include "io/Checkpoint.h"
#include "io/StateDict.h"
#include "training/CancelToken.h"
#include "training/LocalizationMetrics.h"
#include "util/Error.h"
#include "util/Threads.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>

namespace fs = std::filesystem;

namespace parity {

namespace {

Box boxOf(const float* p) { return {p[0], p[1], p[2], p[3]}; }

void freeze(torch::nn::Module& m)
{
    for (auto& p : m.parameters())
        p.set_requires_grad(false);
}

const StateDict& entryOf(const Checkpoint& c, const std::string& path, const std::string& key)
{
    auto it = c.tensors.find(key);
    if (it == c.tensors.end())
        throw Error(path + ": damaged checkpoint: no '" + key + "' entry");
    return it->second;
}

// Argmax with ties resolved towards the lower index: the class that
// ReconstructionMetrics ranks first.
int64_t firstMax(const float* v, int64_t c)
{
    int64_t best = 0;
    for (int64_t j = 1; j < c; ++j)
        if (v[j] > v[best])
            best = j;
    return best;
}

bool sameStateDict(const StateDict& a, const StateDict& b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].first != b[i].first || !a[i].second.sizes().equals(b[i].second.sizes()))
            return false;
        if (!at::equal(a[i].second.to(at::kFloat), b[i].second.to(at::kFloat)))
            return false;
    }
    return true;
}

// The encoder's output of one group, r planes of `d` values, as an image:
// in the code shape when the sizes agree, else a near-square grey layout;
// the r parity queries one below the other; min-max scaled to [0, 1].
InspectedImage parityImage(const float* values, int r, int64_t d, const ImageShape& shape)
{
    InspectedImage img;
    int64_t planeH, planeW;
    if (d == shape.numel()) {
        img.channels = shape.channels;
        planeH = shape.height;
        planeW = shape.width;
    } else {
        img.channels = 1;
        planeW = int64_t(std::ceil(std::sqrt(double(d))));
        planeH = (d + planeW - 1) / planeW;
    }
    img.height = int(planeH * r);
    img.width = int(planeW);
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (int64_t i = 0; i < d * r; ++i) {
        lo = std::min(lo, values[i]);
        hi = std::max(hi, values[i]);
    }
    const float scale = hi > lo ? 1.0f / (hi - lo) : 0.0f;
    img.pixels.assign(size_t(img.channels) * img.height * img.width, 0.0f);
    const int64_t plane = planeH * planeW;   // per channel, per parity query
    for (int p = 0; p < r; ++p) {
        const float* src = values + p * d;
        for (int64_t i = 0; i < d; ++i) {
            const int64_t c = i / plane, rest = i % plane;
            const size_t at = size_t(c * img.height * planeW + p * plane + rest);
            img.pixels[at] = (src[i] - lo) * scale;
        }
    }
    return img;
}

InspectedImage sampleImage(const ImageSet& set, int64_t sample)
{
    // Sets decoded from files on demand (image folders, speech, CUB) hold no
    // images in memory: decode the one asked for.
    const at::Tensor one = (set.isLazy() ? set.lazy->load(sample) : set.images[sample]).contiguous();
    InspectedImage img;
    img.channels = int(one.size(0));
    img.height = int(one.size(1));
    img.width = int(one.size(2));
    img.pixels.resize(size_t(one.numel()));
    if (one.scalar_type() == at::kByte) {
        const uint8_t* src = one.data_ptr<uint8_t>();
        for (size_t i = 0; i < img.pixels.size(); ++i)
            img.pixels[i] = float(src[i]) / 255.0f;
        return img;
    }
    // Float samples (spectrograms) are shown min-max scaled.
    const at::Tensor f = one.to(at::kFloat).contiguous();
    const float lo = f.min().item<float>();
    const float span = std::max(f.max().item<float>() - lo, 1e-12f);
    const float* src = f.data_ptr<float>();
    for (size_t i = 0; i < img.pixels.size(); ++i)
        img.pixels[i] = (src[i] - lo) / span;
    return img;
}

struct BatchOutput {
    std::string split;
    int64_t batch = -1;
    int64_t firstGroup = 0;
    int64_t groups = 0;
    at::Tensor reconstructed;   // (groups, k, C)
    at::Tensor parity;          // (groups, r, D)
};

} // namespace

struct ReconstructionInspector::Impl {
    mutable std::mutex mutex;
    std::string path;
    RunConfig config;
    int epoch = -1;
    GroupOrder order = GroupOrder::SplitOrder;
    const DatasetEntry* dataset = nullptr;
    RawDataset raw;
    PreparedData data;
    std::shared_ptr<Network> base;
    std::shared_ptr<Network> parity;
    std::shared_ptr<Encoder> encoder;
    std::shared_ptr<Decoder> decoder;
    std::map<std::string, std::vector<int64_t>> samples;   // per split: group g = [g*k, g*k+k)
    mutable BatchOutput cache;

    const SplitPlan& plan(const std::string& split) const
    {
        if (split == "train")
            return data.train;
        if (split == "val")
            return data.val;
        if (split == "test")
            return data.test;
        throw Error("unknown split '" + split + "' (train, val or test)");
    }

    const ImageSet& rawSet(const SplitPlan& p) const
    {
        if (p.set == data.train.set)
            return raw.train;
        if (p.set == data.test.set)
            return raw.test;
        return *raw.val;
    }

    int64_t groupCount(const std::string& split) const
    {
        plan(split);
        return int64_t(samples.at(split).size()) / config.k;
    }

    void rebuildOrders()
    {
        for (const SplitPlan* p : {&data.train, &data.val, &data.test}) {
            std::vector<int64_t> v;
            if (order == GroupOrder::EpochOrder) {
                for (const auto& b : epochBatches(*p, config.k, config.batchSize, config.seed, std::max(epoch, 0)))
                    v.insert(v.end(), b.begin(), b.end());
            } else {
                v = p->indices;
                v.resize(v.size() / size_t(config.k) * size_t(config.k));
            }
            samples[p->name] = std::move(v);
        }
        cache = BatchOutput{};
    }

    // Minibatch `b` of the split (config.batchSize groups, the last one
    // shorter), run as the trainer's val/test pass runs it.
    const BatchOutput& evaluate(const std::string& split, int64_t b) const
    {
        if (cache.batch == b && cache.split == split)
            return cache;
        thread_local bool threadsApplied = false;
        if (!threadsApplied) {
            applyThreadSettings(config.threads, workloadOfModel(config.model));
            threadsApplied = true;
        }
        const SplitPlan& p = plan(split);
        const PreparedSet& set = *p.set;
        const int64_t k = config.k;
        const int64_t numClasses = dataset->numClasses;
        const int64_t first = b * config.batchSize;
        const int64_t groups = std::min<int64_t>(config.batchSize, groupCount(split) - first);
        const int64_t n = groups * k;
        const int64_t* idx = samples.at(split).data() + first * k;

        c10::InferenceMode inference;
        at::Tensor inputs = at::empty({n, set.codeDim()}, at::kFloat);
        set.gatherCodeInputs(idx, n, inputs.data_ptr<float>());
        const at::Tensor baseOut =
            set.baseOutputs.index_select(0, at::from_blob(const_cast<int64_t*>(idx), {n}, at::kLong));
        const at::Tensor queries = inputs.view({groups, k, -1});
        const at::Tensor baseView = baseOut.view({groups, k, numClasses});
        const at::Tensor parityQuery = encoder->forward(queries);
        const at::Tensor out = parity->forward(parityQuery).view({groups, config.r, numClasses});
        const at::Tensor rec = decoder->reconstructAll(baseView, out);

        cache.split = split;
        cache.batch = b;
        cache.firstGroup = first;
        cache.groups = groups;
        cache.reconstructed = rec.contiguous();
        cache.parity = parityQuery.reshape({groups, config.r, -1}).contiguous();
        return cache;
    }

    // Per group of the batch: does any position's reconstruction argmax
    // differ from the base argmax?
    std::vector<bool> mismatches(const std::string& split, const BatchOutput& out, int64_t* hits) const
    {
        const PreparedSet& set = *plan(split).set;
        const int64_t k = config.k;
        const int64_t c = dataset->numClasses;
        const int64_t* argmax = set.baseArgmax.data_ptr<int64_t>();
        const float* base = set.baseOutputs.data_ptr<float>();
        const int64_t* idx = samples.at(split).data() + out.firstGroup * k;
        const float* rec = out.reconstructed.data_ptr<float>();
        const bool boxes = dataset->task == Task::Localization;
        std::vector<bool> flags(size_t(out.groups), false);
        for (int64_t g = 0; g < out.groups; ++g) {
            for (int64_t e = 0; e < k; ++e) {
                const float* r = rec + (g * k + e) * c;
                const int64_t sample = idx[g * k + e];
                const bool match = boxes ? iou(boxOf(r), boxOf(base + sample * 4)) >= LocalizationMetrics::kIouThreshold
                                         : firstMax(r, c) == argmax[sample];
                if (hits)
                    *hits += match;
                if (!match)
                    flags[size_t(g)] = true;
            }
        }
        return flags;
    }

    // Trained components from a checkpoint; the others stay as they are.
    void loadTrained(const Checkpoint& c, const std::string& file, std::shared_ptr<Network>& newParity,
                     std::shared_ptr<Encoder>& newEncoder, std::shared_ptr<Decoder>& newDecoder) const
    {
        const Catalog& catalog = Catalog::instance();
        newParity = parity;
        newEncoder = encoder;
        newDecoder = decoder;
        if (config.trainParityModel) {
            newParity = catalog.model(config.model)->make(*dataset, config.modelScript);
            loadStateDict(*newParity, entryOf(c, file, "parity_model"), file + " (parity_model)");
            newParity->eval();
            freeze(*newParity);
        }
        if (config.trainEncoder) {
            newEncoder = catalog.encoder(config.encoderClass)->create(config.k, config.r, dataset->shape);
            loadStateDict(*newEncoder, entryOf(c, file, "encoder"), file + " (encoder)");
            newEncoder->eval();
            freeze(*newEncoder);
        }
        if (config.trainDecoder) {
            newDecoder = catalog.decoder(config.decoderClass)->create(config.k, config.r, dataset->numClasses);
            loadStateDict(*newDecoder, entryOf(c, file, "decoder"), file + " (decoder)");
            newDecoder->eval();
            freeze(*newDecoder);
        }
    }
};

ReconstructionInspector::ReconstructionInspector(std::unique_ptr<Impl> impl)
    : m(std::move(impl))
{
}

ReconstructionInspector::~ReconstructionInspector() = default;

std::unique_ptr<ReconstructionInspector> ReconstructionInspector::open(const std::string& file,
                                                                       TrainingObserver* observer,
                                                                       const CancelToken* cancel, GroupOrder order)
{
    const Checkpoint checkpoint = Checkpoint::load(file);
    auto impl = std::make_unique<Impl>();
    Impl& s = *impl;
    s.path = file;
    s.config = checkpoint.config;
    s.epoch = checkpoint.epoch;
    s.order = order;
    const RunConfig& config = s.config;
    const auto problems = validateRun(config);
    if (!problems.empty())
        throw Error(file + ": the checkpoint's configuration is not valid: " + problems.front());

    const Catalog& catalog = Catalog::instance();
    s.dataset = catalog.dataset(config.dataset);
    const ModelEntry* modelEntry = catalog.model(config.model);
    applyThreadSettings(config.threads, workloadOfModel(config.model));

    // The base model the run used (the prepared base outputs come from it).
    s.base = modelEntry->make(*s.dataset, config.modelScript);
    loadStateDict(*s.base, entryOf(checkpoint, file, "base_model"), file + " (base_model)");
    s.base->eval();
    freeze(*s.base);

    // Components the run does not train hold no random weights: validateRun
    // refuses untrained learned coders, and an untrained parity model is a
    // copy of the base model. So the global generator is neither reseeded nor
    // needed here (reseeding it could disturb a trainer running beside us).
    s.encoder = catalog.encoder(config.encoderClass)->create(config.k, config.r, s.dataset->shape);
    s.decoder = catalog.decoder(config.decoderClass)->create(config.k, config.r, s.dataset->numClasses);
    s.parity = modelEntry->make(*s.dataset, config.modelScript);
    if (!config.trainParityModel)
        copyWeights(*s.base, *s.parity);
    for (torch::nn::Module* module : {static_cast<torch::nn::Module*>(s.encoder.get()),
                                      static_cast<torch::nn::Module*>(s.decoder.get()),
                                      static_cast<torch::nn::Module*>(s.parity.get())}) {
        module->eval();
        freeze(*module);
    }
    std::shared_ptr<Network> parity;
    std::shared_ptr<Encoder> encoder;
    std::shared_ptr<Decoder> decoder;
    s.loadTrained(checkpoint, file, parity, encoder, decoder);
    s.parity = parity;
    s.encoder = encoder;
    s.decoder = decoder;

    // The run's data, prepared as the trainer prepares it.
    const std::string dir = config.dataDir.empty() ? s.dataset->defaultDataDir : config.dataDir;
    if (dir.empty() || !fs::is_directory(dir))
        throw Error(file + ": the run's data directory " + (dir.empty() ? "(none given)" : dir) + " for "
                    + config.dataset + " was not found");
    if (observer)
        observer->progress("Reading " + config.dataset, 0, 1);
    s.raw = config.baseBoxes.empty() ? s.dataset->load(dir) : s.dataset->loadWithBaseOutputs(dir, config.baseBoxes);
    if (observer)
        observer->progress("Reading " + config.dataset, 1, 1);
    DatasetPreparer preparer(*s.dataset, s.encoder->codeInputShape(), config.k, config.valSize, config.seed);
    s.data = preparer.prepare(s.raw, *s.base, observer, cancel);
    s.rebuildOrders();
    return std::unique_ptr<ReconstructionInspector>(new ReconstructionInspector(std::move(impl)));
}

void ReconstructionInspector::reloadWeights(const std::string& file)
{
    const Checkpoint checkpoint = Checkpoint::load(file);
    std::lock_guard lock(m->mutex);
    const std::string mismatch = RunConfig::describeMismatch(m->config, checkpoint.config);
    if (!mismatch.empty())
        throw Error(file + ": not a checkpoint of the run being inspected (" + mismatch + "); open it instead");
    if (!sameStateDict(entryOf(checkpoint, file, "base_model"), stateDictOf(*m->base)))
        throw Error(file + ": its base model differs from the one being inspected; open it instead");
    std::shared_ptr<Network> parity;
    std::shared_ptr<Encoder> encoder;
    std::shared_ptr<Decoder> decoder;
    m->loadTrained(checkpoint, file, parity, encoder, decoder);
    m->parity = parity;
    m->encoder = encoder;
    m->decoder = decoder;
    m->path = file;
    m->epoch = checkpoint.epoch;
    m->rebuildOrders();
}

void ReconstructionInspector::setGroupOrder(GroupOrder order)
{
    std::lock_guard lock(m->mutex);
    if (order == m->order)
        return;
    m->order = order;
    m->rebuildOrders();
}

GroupOrder ReconstructionInspector::groupOrder() const
{
    std::lock_guard lock(m->mutex);
    return m->order;
}

std::vector<std::string> ReconstructionInspector::splits() { return {"train", "val", "test"}; }

int64_t ReconstructionInspector::groupCount(const std::string& split) const
{
    std::lock_guard lock(m->mutex);
    return m->groupCount(split);
}

InspectedGroup ReconstructionInspector::inspect(const std::string& split, int64_t group) const
{
    std::lock_guard lock(m->mutex);
    const int64_t count = m->groupCount(split);
    if (group < 0 || group >= count)
        throw Error("group " + std::to_string(group) + " of the " + split + " split does not exist (it has "
                    + std::to_string(count) + " groups)");
    const BatchOutput& out = m->evaluate(split, group / m->config.batchSize);
    const int64_t local = group - out.firstGroup;
    const SplitPlan& plan = m->plan(split);
    const PreparedSet& set = *plan.set;
    const ImageSet& images = m->rawSet(plan);
    const int64_t k = m->config.k;
    const int64_t c = m->dataset->numClasses;

    InspectedGroup g;
    g.split = split;
    g.group = group;
    g.groupCount = count;
    g.classNames = m->dataset->classNames;
    g.localization = m->dataset->task == Task::Localization;
    const int64_t d = out.parity.size(2);
    g.parityQuery = parityImage(out.parity.data_ptr<float>() + local * m->config.r * d, m->config.r, d,
                                m->encoder->image());
    const int64_t* idx = m->samples.at(split).data() + group * k;
    const float* rec = out.reconstructed.data_ptr<float>() + local * k * c;
    const float* baseOut = set.baseOutputs.data_ptr<float>();
    for (int64_t e = 0; e < k; ++e) {
        const int64_t sample = idx[e];
        g.inputs.push_back(sampleImage(images, sample));
        InspectedPosition p;
        p.sample = sample;
        p.label = set.labels.data_ptr<int64_t>()[sample];
        p.baseOutput.assign(baseOut + sample * c, baseOut + (sample + 1) * c);
        p.reconstructed.assign(rec + e * c, rec + (e + 1) * c);
        p.basePrediction = set.baseArgmax.data_ptr<int64_t>()[sample];
        p.reconstructedPrediction = firstMax(rec + e * c, c);
        p.matchesBase = p.reconstructedPrediction == p.basePrediction;
        p.correct = p.reconstructedPrediction == p.label;
        if (g.localization) {
            const float* truth = set.boxes.data_ptr<float>() + sample * 4;
            p.trueBox.assign(truth, truth + 4);
            p.iouWithBase = iou(boxOf(rec + e * c), boxOf(baseOut + sample * c));
            p.iouWithTruth = iou(boxOf(rec + e * c), boxOf(truth));
            p.matchesBase = p.iouWithBase >= LocalizationMetrics::kIouThreshold;
            p.correct = p.iouWithTruth >= LocalizationMetrics::kIouThreshold;
        }
        g.positions.push_back(std::move(p));
    }
    return g;
}

std::optional<int64_t> ReconstructionInspector::nextMismatch(const std::string& split, int64_t after,
                                                              const CancelToken* cancel) const
{
    std::lock_guard lock(m->mutex);
    const int64_t count = m->groupCount(split);
    if (count == 0)
        return std::nullopt;
    const int64_t bs = m->config.batchSize;
    const int64_t start = ((after + 1) % count + count) % count;
    const int64_t batches = (count + bs - 1) / bs;
    // Batch of `start` first (from `start` on), the others in order, then the
    // start batch again for the groups before `start`.
    for (int64_t step = 0; step <= batches; ++step) {
        if (cancel && cancel->isCancelled())
            throw Cancelled();
        const int64_t b = (start / bs + step) % batches;
        const BatchOutput& out = m->evaluate(split, b);
        const auto flags = m->mismatches(split, out, nullptr);
        for (int64_t g = 0; g < out.groups; ++g) {
            const int64_t group = out.firstGroup + g;
            const bool inRange = step == 0 ? group >= start : step == batches ? group < start : true;
            if (inRange && flags[size_t(g)])
                return group;
        }
    }
    return std::nullopt;
}

double ReconstructionInspector::reconstructionTop1(const std::string& split) const
{
    std::lock_guard lock(m->mutex);
    const int64_t count = m->groupCount(split);
    const int64_t bs = m->config.batchSize;
    int64_t hits = 0;
    for (int64_t b = 0; b * bs < count; ++b)
        m->mismatches(split, m->evaluate(split, b), &hits);
    return count ? double(hits) / double(count * m->config.k) : 0.0;
}

int ReconstructionInspector::epoch() const
{
    std::lock_guard lock(m->mutex);
    return m->epoch;
}

RunConfig ReconstructionInspector::config() const
{
    std::lock_guard lock(m->mutex);
    return m->config;
}

std::string ReconstructionInspector::checkpointPath() const
{
    std::lock_guard lock(m->mutex);
    return m->path;
}

std::vector<std::string> ReconstructionInspector::classNames() const
{
    std::lock_guard lock(m->mutex);
    return m->dataset->classNames;
}

} // namespace parity
