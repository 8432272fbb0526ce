#include "training/ReconstructionInspector.h"

#include "config/SweepConfig.h"
#include "data/Boxes.h"
#include "training/PreparedData.h"
#include "io/Checkpoint.h"
#include "io/StateDict.h"
#include "events/CancelToken.h"
#include "training/LocalizationMetrics.h"
#include "training/RunComponents.h"
#include "training/SplitScorer.h"
#include "util/Error.h"
#include "util/Threads.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>
#include <numeric>

namespace fs = std::filesystem;

namespace parity {

namespace {

Box boxOf(const float* p) { return {p[0], p[1], p[2], p[3]}; }

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
    const int64_t plane = planeH * planeW; // per channel, per parity query
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

std::string joinInts(const std::vector<int>& values)
{
    std::string out;
    for (size_t i = 0; i < values.size(); ++i)
        out += (i ? ", " : "") + std::to_string(values[i]);
    return out;
}

struct BatchOutput {
    std::string split;
    int64_t batch = -1;
    int64_t firstGroup = 0;
    int64_t groups = 0;
    at::Tensor reconstructed;  // (groups, k, C)
    at::Tensor parity;         // (groups, r, D)
    at::Tensor parityOutput;   // (groups, r, C): the parity models' outputs (Berrut: the N workers')
    at::Tensor baseRows;       // (groups * k, C): the base outputs of the batch's samples
    double loss = 0;           // the minibatch loss, as the trainer computes it
    std::vector<uint8_t> hits; // per (group, position): matches the base output (SplitScorer)
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
    std::unique_ptr<RunComponents> parts;                // Purpose::Evaluation
    std::map<std::string, std::vector<int64_t>> samples; // per split: group g = [g*k, g*k+k)
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
        // Thread counts are per thread for LibTorch: the run's, on whichever
        // thread asks. The BLAS's process-wide count stays the owner's (a
        // run may be training beside us).
        applyThreadLocalSettings(plannedThreadSettings(config.threads, workloadOfModel(config.model)));
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
        const at::Tensor rows = at::from_blob(const_cast<int64_t*>(idx), {n}, at::kLong);
        const at::Tensor baseOut = set.baseOutputs.index_select(0, rows);
        const at::Tensor labels = config.trainDecoder ? set.labels.index_select(0, rows).view({groups, k})
                                                      : at::Tensor();
        const DecodedBatch decoded = parts->decode(inputs.view({groups, k, -1}), baseOut.view({groups, k, numClasses}),
                                                   labels);

        cache.split = split;
        cache.batch = b;
        cache.firstGroup = first;
        cache.groups = groups;
        cache.reconstructed = decoded.reconstructed.contiguous();
        cache.parity = decoded.parityQuery.reshape({groups, decoded.parityQuery.size(1), -1}).contiguous();
        cache.parityOutput = decoded.parityOutput.contiguous();
        cache.baseRows = baseOut;
        cache.loss = decoded.loss.item<double>(); // NaN for a run that trains nothing
        cache.hits.assign(size_t(n), 0);
        SplitScorer(*dataset, set).add(cache.reconstructed, idx, n, baseOut, cache.loss, cache.hits.data());
        return cache;
    }

    // Per group of the batch: does any position's reconstruction miss the
    // base model's output (SplitScorer's reconstruction top-1 / IoU)?
    // A group as the trainer decoded it: each position with itself missing.
    InspectedGroup inspect(const std::string& split, int64_t group) const;

    std::vector<bool> mismatches(const BatchOutput& out) const
    {
        const int64_t k = config.k;
        std::vector<bool> flags(size_t(out.groups), false);
        for (int64_t g = 0; g < out.groups; ++g)
            for (int64_t e = 0; e < k; ++e)
                if (!out.hits[size_t(g * k + e)])
                    flags[size_t(g)] = true;
        return flags;
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

    // The run's components, built as the trainer builds them (the base model
    // the run used comes from the checkpoint), and its data, prepared as the
    // trainer prepares it: the same seed gives the trainer's splits.
    s.parts = std::make_unique<RunComponents>(config, Purpose::Evaluation);
    s.dataset = &s.parts->dataset();
    applyThreadLocalSettings(plannedThreadSettings(config.threads, workloadOfModel(config.model)));
    s.raw = s.parts->loadData(observer, file);
    s.parts->build(s.raw, &checkpoint, file);
    DatasetPreparer preparer(*s.dataset, s.parts->encoder->codeInputShape(), config.k, config.valSize, config.seed);
    s.data = preparer.prepare(s.raw, *s.parts->base, observer, cancel);
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
    if (!sameStateDict(checkpointEntry(checkpoint, file, "base_model"), stateDictOf(*m->parts->base)))
        throw Error(file + ": its base model differs from the one being inspected; open it instead");
    auto next = std::make_unique<RunComponents>(m->parts->withWeightsOf(checkpoint, file));
    m->parts = std::move(next);
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

InspectedGroup ReconstructionInspector::Impl::inspect(const std::string& split, int64_t group) const
{
    const int64_t count = groupCount(split);
    if (group < 0 || group >= count)
        throw Error("group " + std::to_string(group) + " of the " + split + " split does not exist (it has "
                    + std::to_string(count) + " groups)");
    const BatchOutput& out = evaluate(split, group / config.batchSize);
    const int64_t local = group - out.firstGroup;
    const SplitPlan& splitPlan = plan(split);
    const PreparedSet& set = *splitPlan.set;
    const ImageSet& images = rawSet(splitPlan);
    const int64_t k = config.k;
    const int64_t c = dataset->numClasses;

    InspectedGroup g;
    g.split = split;
    g.group = group;
    g.groupCount = count;
    g.classNames = dataset->classNames;
    g.localization = dataset->task == Task::Localization;
    const int64_t d = out.parity.size(2);
    const int queries = int(out.parity.size(1));
    g.parityQuery = parityImage(out.parity.data_ptr<float>() + local * queries * d, queries, d,
                                parts->encoder->image());
    const int64_t* idx = samples.at(split).data() + group * k;
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
        p.matchesBase = out.hits[size_t(local * k + e)] != 0;
        p.correct = p.reconstructedPrediction == p.label;
        if (g.localization) {
            const float* truth = set.boxes.data_ptr<float>() + sample * 4;
            p.trueBox.assign(truth, truth + 4);
            const float* size = set.imageSizes.data_ptr<float>() + sample * 2;
            p.iouWithBase = scoredIou(boxOf(rec + e * c), boxOf(baseOut + sample * c), size[0], size[1]);
            p.iouWithTruth = scoredIou(boxOf(rec + e * c), boxOf(truth), size[0], size[1]);
            p.correct = p.iouWithTruth >= LocalizationMetrics::kIouThreshold;
        }
        g.positions.push_back(std::move(p));
    }
    return g;
}

InspectedGroup ReconstructionInspector::inspect(const std::string& split, int64_t group) const
{
    std::lock_guard lock(m->mutex);
    return m->inspect(split, group);
}

InspectedGroup ReconstructionInspector::inspectMissing(const std::string& split, int64_t group,
                                                       std::vector<int> missing) const
{
    std::lock_guard lock(m->mutex);
    Decoder& decoder = *m->parts->decoder;
    std::sort(missing.begin(), missing.end());
    const std::string set = "missing set {" + joinInts(missing) + "}";
    if (m->dataset->task == Task::Localization)
        throw Error(set + ": a missing set is inspected for classification runs only");
    if (std::adjacent_find(missing.begin(), missing.end()) != missing.end())
        throw Error(set + ": a unit is named twice");
    for (int u : missing)
        if (u < 0 || u >= decoder.units())
            throw Error(set + ": units run 0.." + std::to_string(decoder.units() - 1)
                        + (decoder.decodesEveryPosition() ? " (workers)" : " (data positions)"));
    if (int(missing.size()) < decoder.minErased() || int(missing.size()) > decoder.maxErased())
        throw Error(set + ": this code decodes " + std::to_string(decoder.minErased()) + " to "
                    + std::to_string(decoder.maxErased()) + " missing units");

    InspectedGroup g = m->inspect(split, group);
    const BatchOutput& out = m->evaluate(split, group / m->config.batchSize);
    const int64_t local = group - out.firstGroup;
    const int64_t k = m->config.k;
    const int64_t c = m->dataset->numClasses;
    at::Tensor decoded;
    {
        c10::InferenceMode inference;
        const at::Tensor base = out.baseRows.view({out.groups, k, c}).narrow(0, local, 1);
        decoded = decoder.reconstruct(base, out.parityOutput.narrow(0, local, 1), missing).contiguous();
    }
    std::vector<int> positions = missing;
    if (decoder.decodesEveryPosition()) {
        positions.resize(size_t(k));
        std::iota(positions.begin(), positions.end(), 0);
    }
    for (InspectedPosition& p : g.positions) {
        p.reconstructed = p.baseOutput; // available: served as it is
        p.reconstructedPrediction = p.basePrediction;
        p.decoded = false;
    }
    const float* rec = decoded.data_ptr<float>();
    for (size_t j = 0; j < positions.size(); ++j) {
        InspectedPosition& p = g.positions[size_t(positions[j])];
        p.reconstructed.assign(rec + int64_t(j) * c, rec + int64_t(j + 1) * c);
        p.reconstructedPrediction = firstMax(rec + int64_t(j) * c, c);
        p.decoded = true;
    }
    for (InspectedPosition& p : g.positions) {
        p.matchesBase = p.reconstructedPrediction == p.basePrediction;
        p.correct = p.reconstructedPrediction == p.label;
    }
    g.oneAtATime = false;
    g.missing = missing;
    return g;
}

std::vector<std::vector<int>> ReconstructionInspector::erasurePatterns() const
{
    std::lock_guard lock(m->mutex);
    std::vector<std::vector<int>> patterns;
    for (const ErasureSet& set : m->parts->erasures())
        patterns.insert(patterns.end(), set.patterns.begin(), set.patterns.end());
    return patterns;
}

bool ReconstructionInspector::decodesEveryPosition() const
{
    std::lock_guard lock(m->mutex);
    return m->parts->decoder->decodesEveryPosition();
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
        const auto flags = m->mismatches(out);
        for (int64_t g = 0; g < out.groups; ++g) {
            const int64_t group = out.firstGroup + g;
            const bool inRange = step == 0 ? group >= start : step == batches ? group < start : true;
            if (inRange && flags[size_t(g)])
                return group;
        }
    }
    return std::nullopt;
}

SplitMetrics ReconstructionInspector::splitMetrics(const std::string& split) const
{
    std::lock_guard lock(m->mutex);
    const int64_t count = m->groupCount(split);
    const int64_t bs = m->config.batchSize;
    SplitScorer scorer(*m->dataset, *m->plan(split).set);
    for (int64_t b = 0; b * bs < count; ++b) {
        const BatchOutput& out = m->evaluate(split, b);
        const int64_t* idx = m->samples.at(split).data() + out.firstGroup * m->config.k;
        scorer.add(out.reconstructed, idx, out.groups * m->config.k, out.baseRows, out.loss);
    }
    return scorer.value();
}

double ReconstructionInspector::reconstructionTop1(const std::string& split) const
{
    const SplitMetrics metrics = splitMetrics(split);
    return metrics.value(m->dataset->task == Task::Localization ? "reconstruction_acc" : "reconstruction_top1");
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
