#include "training/PreparedData.h"

#include "catalog/CatalogInfo.h"
#include "data/Boxes.h"
#include "data/PilResize.h"
#include "events/CancelToken.h"
#include "training/LocalizationMetrics.h"
#include "util/Error.h"
#include "util/Random.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <numeric>

namespace parity {

namespace {
constexpr int64_t kChunk = 8192;   // samples per base-model forward during preparation
constexpr int64_t kLazyChunk = 64; // the same for sets decoded from files, at most
// ... and at most this many input bytes per chunk: the base model's
// activations scale with the chunk, and for 224 x 224 images a chunk of 64
// peaked at 575 MB (the stem's im2col buffer alone is 470 MB) while 12 images
// keep the forward pass about as fast (bench/README.md, parity_bench_models).
constexpr int64_t kLazyChunkBytes = int64_t(8) << 20;
}

DatasetPreparer::DatasetPreparer(const DatasetEntry& dataset, ImageShape codeShape, int k, int valSize,
                                 std::uint64_t seed)
    : m_dataset(dataset)
    , m_codeShape(codeShape)
    , m_k(k)
    , m_valSize(valSize)
    , m_seed(seed)
{
}

at::Tensor DatasetPreparer::baseOutputs(Network& baseModel, const DatasetEntry& dataset, const at::Tensor& images)
{
    torch::NoGradGuard noGrad;
    return baseModel.forward(dataset.toInput(images)).reshape({images.size(0), -1});
}

at::Tensor loadBaseInputs(const ImageSet& set, const DatasetEntry& dataset, const int64_t* indices, int64_t n)
{
    std::vector<at::Tensor> samples(static_cast<size_t>(n));
    at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            at::Tensor s = set.lazy->load(indices[r]);
            if (s.dim() != 3 || s.size(0) != dataset.shape.channels || s.size(1) != dataset.shape.height
                || s.size(2) != dataset.shape.width)
                throw Error(set.lazy->path(indices[r]) + ": decoded to " + std::to_string(s.numel()) + " values, not a "
                            + dataset.shape.toString() + " " + dataset.name + " sample");
            samples[size_t(r)] = std::move(s);
        }
    });
    return dataset.toInput(at::stack(samples));
}

at::Tensor DatasetPreparer::baseOutputs(Network& baseModel, const DatasetEntry& dataset, const ImageSet& set,
                                        TrainingObserver* observer, const CancelToken* cancel, const std::string& label)
{
    torch::NoGradGuard noGrad;
    const int64_t n = set.size();
    // Decoding from files is the slow part for lazy sets: small chunks keep
    // memory low (a 3x224x224 chunk of 64 is 38 MB) and progress frequent.
    const int64_t sampleBytes = dataset.shape.numel() * int64_t(sizeof(float));
    const int64_t chunk = set.isLazy()
                              ? std::clamp<int64_t>(kLazyChunkBytes / std::max<int64_t>(1, sampleBytes), 1, kLazyChunk)
                              : kChunk;
    at::Tensor out = at::empty({n, dataset.numClasses}, at::kFloat);
    std::vector<int64_t> indices;
    for (int64_t start = 0; start < n; start += chunk) {
        if (cancel && cancel->isCancelled())
            throw Cancelled();
        const int64_t len = std::min(chunk, n - start);
        at::Tensor input;
        if (set.isLazy()) {
            indices.resize(size_t(len));
            std::iota(indices.begin(), indices.end(), start);
            input = loadBaseInputs(set, dataset, indices.data(), len);
        } else {
            input = dataset.toInput(set.images.narrow(0, start, len));
        }
        auto logits = baseModel.forward(input).reshape({len, -1});
        if (logits.size(1) != dataset.numClasses)
            throw Error("the base model gives " + std::to_string(logits.size(1)) + " outputs but " + dataset.name
                        + " has " + std::to_string(dataset.numClasses) + " classes");
        out.narrow(0, start, len).copy_(logits);
        if (observer && !label.empty())
            observer->progress(label, start + len, n);
    }
    return out;
}

std::shared_ptr<PreparedSet> DatasetPreparer::prepareSet(const ImageSet& set, Network& baseModel,
                                                         const std::string& name, TrainingObserver* observer,
                                                         const CancelToken* cancel) const
{
    torch::NoGradGuard noGrad;
    const int64_t n = set.size();
    if (n == 0)
        throw Error(set.source + ": the " + name + " split holds no samples");
    const bool resize = !(m_codeShape == m_dataset.shape);
    const bool byteTable = !m_dataset.byteTable.empty();
    auto out = std::make_shared<PreparedSet>();
    out->labels = set.labels.to(at::kLong).contiguous();
    if (set.boxes.defined())
        out->boxes = set.boxes.to(at::kFloat).contiguous();
    if (set.imageSizes.defined())
        out->imageSizes = set.imageSizes.to(at::kFloat).contiguous();
    const bool localization = m_dataset.task == Task::Localization;
    if (localization && (!out->boxes.defined() || !out->imageSizes.defined() || out->imageSizes.size(0) != n))
        throw Error(set.source + ": the " + name + " split of " + m_dataset.name
                    + " carries no box or image size for every sample (boxes are scored in pixels of their image)");
    // The base model's own boxes are clipped to their images as the
    // original's (get_base_labels.py writes them clipped); boxes from a file
    // were clipped when read.
    auto clipComputedBoxes = [&] {
        if (localization && !set.givenBaseOutputs.defined())
            out->baseOutputs = clipNormalisedRows(out->baseOutputs, out->imageSizes);
    };
    out->codeShape = m_codeShape;
    out->rowShape = m_codeShape;

    if (set.isLazy()) {
        // Decoded twice: once here for the base outputs, again per batch for
        // the code inputs; nothing but outputs and labels stays in memory.
        out->baseOutputs = set.givenBaseOutputs.defined() ? set.givenBaseOutputs.to(at::kFloat).contiguous()
                                                          : baseOutputs(baseModel, m_dataset, set, observer, cancel,
                                                                        "Preparing " + name + " split");
        clipComputedBoxes();
        out->codeSource = set.lazy;
        out->sourceToInput = m_dataset.toInput;
        out->baseArgmax = out->baseOutputs.argmax(1).contiguous();
        return out;
    }

    if (m_dataset.trainAugment && !byteTable)
        throw Error(m_dataset.name + ": a training augmentation needs the dataset's byte table");
    out->baseOutputs = at::empty({n, m_dataset.numClasses}, at::kFloat);
    // With a byte table the inputs are converted chunk by chunk into one
    // reused buffer; otherwise the base transform of every sample at once,
    // which without a resize is also the code transform.
    const at::Tensor input = byteTable ? at::Tensor() : m_dataset.toInput(set.images);

    for (int64_t start = 0; start < n; start += m_forwardChunk) {
        if (cancel && cancel->isCancelled())
            throw Cancelled();
        const int64_t len = std::min(m_forwardChunk, n - start);
        const at::Tensor chunk = byteTable ? m_dataset.toInput(set.images.narrow(0, start, len))
                                           : input.narrow(0, start, len);
        auto logits = baseModel.forward(chunk).reshape({len, -1});
        if (logits.size(1) != m_dataset.numClasses)
            throw Error("the base model gives " + std::to_string(logits.size(1)) + " outputs but " + m_dataset.name
                        + " has " + std::to_string(m_dataset.numClasses) + " classes");
        out->baseOutputs.narrow(0, start, len).copy_(logits);
        if (observer)
            observer->progress("Preparing " + name + " split", start + len, n);
    }
    if (byteTable) {
        // A random augmentation comes before the encoder's resize (as in the
        // original's transform list), so then the rows stay at full size and
        // are resized as they are gathered.
        const bool resizeOnGather = resize && m_dataset.trainAugment;
        const at::Tensor codeImages = resize && !resizeOnGather
                                          ? resizeBilinearLikePil(set.images, m_codeShape.height, m_codeShape.width)
                                          : set.images;
        if (resizeOnGather)
            out->rowShape = m_dataset.shape;
        out->codeBytes = codeImages.reshape({n, -1}).contiguous();
        out->byteAugment = m_dataset.trainAugment;
        out->codeTable = at::from_blob(const_cast<float*>(m_dataset.byteTable.data()),
                                       {int64_t(m_dataset.byteTable.size() / 256), 256}, at::kFloat)
                             .clone();
        if (out->codeTable.size(0) != m_codeShape.channels)
            throw Error(m_dataset.name + ": the byte table has " + std::to_string(out->codeTable.size(0))
                        + " channels, the images " + std::to_string(m_codeShape.channels));
    } else {
        const at::Tensor codeImages = resize ? resizeBilinearLikePil(set.images, m_codeShape.height, m_codeShape.width)
                                             : set.images;
        out->codeInputs = resize ? m_dataset.toInput(codeImages).reshape({n, -1}) : input.reshape({n, -1});
    }
    clipComputedBoxes();
    out->baseArgmax = out->baseOutputs.argmax(1).contiguous();
    return out;
}

PreparedData DatasetPreparer::prepare(const RawDataset& raw, Network& baseModel, TrainingObserver* observer,
                                      const CancelToken* cancel) const
{
    const auto t0 = std::chrono::steady_clock::now();
    baseModel.eval();
    PreparedData data;
    auto train = prepareSet(raw.train, baseModel, "train", observer, cancel);
    auto test = prepareSet(raw.test, baseModel, "test", observer, cancel);

    const bool boxes = m_dataset.task == Task::Localization;
    auto accuracyOf = [boxes](const PreparedSet& s, const std::string& split) {
        BaseAccuracy acc;
        acc.split = split;
        // Localization: the base model's box is right at IoU >= 0.75 with the true one.
        acc.correct = boxes ? scoredIouRows(s.baseOutputs, s.boxes, s.imageSizes)
                                  .ge(LocalizationMetrics::kIouThreshold)
                                  .sum()
                                  .item<int64_t>()
                            : s.baseArgmax.eq(s.labels).sum().item<int64_t>();
        acc.total = s.size();
        return acc;
    };
    data.baseAccuracies.push_back(accuracyOf(*train, "train"));
    data.baseAccuracies.push_back(accuracyOf(*test, "test"));

    // The original's CodeDataset has (N // k) * k samples: the last N % k of
    // each split are never used, the same ones every epoch, and they are left
    // out before the validation split is drawn (docs/DIFFERENCES.md).
    // Localization follows coded.py instead, which drops the odd image of a
    // batch: every image stays in the split, and epochBatches drops what does
    // not fill a group at the end of each pass's (shuffled) order.
    const bool codeDataset = !boxes;
    auto usableIndices = [&](int64_t n) {
        if (codeDataset)
            n = n / m_k * m_k;
        std::vector<int64_t> v(static_cast<size_t>(n));
        std::iota(v.begin(), v.end(), 0);
        return v;
    };

    data.train = {"train", train, {}, true, true};
    data.test = {"test", test, usableIndices(test->size()), false};
    if (raw.val) {
        // Folder sets: the original's loaders shuffle train, val and test
        // alike (code_dataset.py, get_dataloaders), so each epoch groups
        // other test samples; the order follows from (seed, epoch).
        auto val = prepareSet(*raw.val, baseModel, "val", observer, cancel);
        data.train.indices = usableIndices(train->size());
        data.val = {"val", val, usableIndices(val->size()), true};
        data.test.shuffleEachEpoch = true;
        if (data.val.indices.empty())
            throw Error(raw.val->source + ": " + std::to_string(val->size())
                        + " validation samples do not fill one group of k = " + std::to_string(m_k));
    } else if (m_valSize == 0) {
        // Localization with val_size 0: no validation split, train on every
        // image that is not test, as the original's cub-localization.
        data.train.indices = usableIndices(train->size());
        data.val = {"val", train, {}, false};
        data.hasVal = false;
        data.notices.push_back("val_size 0: no validation split; training on all " + std::to_string(train->size())
                               + " non-test samples, no best.pth (nothing to choose it by).");
    } else {
        // docs/BEHAVIOUR.md §3.3: val drawn at random from train, rounded up to a multiple of k.
        std::vector<int64_t> indices = usableIndices(train->size());
        const int64_t total = int64_t(indices.size());
        const int64_t numVal = validationSamples(total, m_valSize, m_k);
        if (total < 2 * int64_t(m_valSize))
            data.notices.push_back("The train split has only " + std::to_string(total) + " samples (< 2 x val_size "
                                   + std::to_string(m_valSize) + "): using a tenth of it for validation.");
        if (numVal >= total)
            throw Error(raw.train.source + ": " + std::to_string(total)
                        + " training samples are too few to split off a validation set");
        deterministicShuffle(indices, deriveSeed(m_seed, kSeedValSplit));
        data.val = {"val", train, std::vector<int64_t>(indices.begin(), indices.begin() + numVal), true};
        data.train.indices.assign(indices.begin() + numVal, indices.end());
    }
    data.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return data;
}

namespace {

// Rows of bytes -> floats through per-channel tables. When every table is
// ToTensor's b / 255 the division is done in SIMD registers instead of a
// table lookup: the same IEEE-rounded quotient, about four times faster.
__attribute__((target_clones("avx2", "default"))) void convertRows(const uint8_t* src, const int64_t* indices,
                                                                   int64_t begin, int64_t end, int64_t d,
                                                                   int64_t channels, const float* table, bool unitScale,
                                                                   float* out)
{
    const int64_t plane = d / channels;
    for (int64_t r = begin; r < end; ++r) {
        const uint8_t* __restrict row = src + indices[r] * d;
        float* __restrict dst = out + r * d;
        if (unitScale) {
            for (int64_t j = 0; j < d; ++j)
                dst[j] = float(row[j]) / 255.0f;
            continue;
        }
        for (int64_t c = 0; c < channels; ++c) {
            const float* t = table + c * 256;
            for (int64_t j = c * plane; j < (c + 1) * plane; ++j)
                dst[j] = t[row[j]];
        }
    }
}

} // namespace

void PreparedSet::gatherCodeInputs(const int64_t* indices, int64_t n, float* out,
                                   std::optional<std::uint64_t> augmentSeed) const
{
    const int64_t d = codeDim();
    if (isLazy()) {
        gatherLazy(indices, n, out, augmentSeed);
        return;
    }
    if (!codeBytes.defined()) {
        const float* src = codeInputs.data_ptr<float>();
        for (int64_t r = 0; r < n; ++r)
            std::memcpy(out + r * d, src + indices[r] * d, sizeof(float) * size_t(d));
        return;
    }
    const uint8_t* src = codeBytes.data_ptr<uint8_t>();
    const float* table = codeTable.data_ptr<float>();
    const int64_t channels = codeTable.size(0);
    if ((augmentSeed && byteAugment) || !(rowShape == codeShape)) {
        gatherBytesPerRow(indices, n, out, augmentSeed);
        return;
    }
    bool unitScale = true;
    for (int64_t c = 0; c < channels && unitScale; ++c)
        for (int b = 0; b < 256 && unitScale; ++b)
            unitScale = table[c * 256 + b] == float(b) / 255.0f;
    // A large gather (4M values or more, e.g. the inspector's whole split; the
    // trainer's batches are far smaller): the BLAS is not running then, so
    // half the rows go to a helper thread on the second core.
    if (n * d >= (int64_t(1) << 22)) {
        const int64_t half = n / 2;
        std::thread helper(convertRows, src, indices, half, n, d, channels, table, unitScale, out);
        convertRows(src, indices, 0, half, d, channels, table, unitScale, out);
        helper.join();
    } else {
        convertRows(src, indices, 0, n, d, channels, table, unitScale, out);
    }
}

void PreparedSet::gatherBytesPerRow(const int64_t* indices, int64_t n, float* out,
                                    std::optional<std::uint64_t> augmentSeed) const
{
    const int64_t d = codeDim();
    const int64_t rowDim = rowShape.numel();
    const uint8_t* src = codeBytes.data_ptr<uint8_t>();
    const float* table = codeTable.data_ptr<float>();
    const bool resize = !(rowShape == codeShape);
    const int64_t plane = int64_t(codeShape.height) * codeShape.width;
    at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
        std::vector<uint8_t> augmented(static_cast<size_t>(rowDim));
        for (int64_t r = begin; r < end; ++r) {
            const uint8_t* row = src + indices[r] * rowDim;
            if (augmentSeed && byteAugment) {
                std::mt19937_64 rng(deriveSeed(*augmentSeed, uint64_t(indices[r])));
                byteAugment(row, augmented.data(), rng);
                row = augmented.data();
            }
            at::Tensor resized;
            if (resize) {
                const at::Tensor image = at::from_blob(const_cast<uint8_t*>(row),
                                                       {1, rowShape.channels, rowShape.height, rowShape.width},
                                                       at::kByte);
                resized = resizeBilinearLikePil(image, codeShape.height, codeShape.width).contiguous();
                row = resized.data_ptr<uint8_t>();
            }
            float* dst = out + r * d;
            for (int64_t j = 0; j < d; ++j)
                dst[j] = table[(j / plane) * 256 + row[j]];
        }
    });
}

void PreparedSet::gatherLazy(const int64_t* indices, int64_t n, float* out,
                             std::optional<std::uint64_t> augmentSeed) const
{
    const int64_t d = codeDim();
    at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            std::optional<std::mt19937_64> rng;
            if (augmentSeed)
                rng.emplace(deriveSeed(*augmentSeed, uint64_t(indices[r])));
            at::Tensor sample = codeSource->loadForCode(indices[r], rng ? &*rng : nullptr);
            if (sample.scalar_type() == at::kByte && sample.dim() == 3
                && (sample.size(1) != codeShape.height || sample.size(2) != codeShape.width))
                sample = resizeBilinearLikePil(sample.unsqueeze(0), codeShape.height, codeShape.width).squeeze(0);
            const at::Tensor input = sourceToInput(sample.unsqueeze(0)).contiguous();
            if (input.numel() != d)
                throw Error(codeSource->path(indices[r]) + ": the code transform gives " + std::to_string(input.numel())
                            + " values, the encoder takes " + codeShape.toString());
            std::memcpy(out + r * d, input.data_ptr<float>(), sizeof(float) * size_t(d));
        }
    });
}

std::vector<std::vector<int64_t>> epochBatches(const SplitPlan& split, int k, int groupsPerBatch, std::uint64_t seed,
                                               int epoch)
{
    std::vector<int64_t> order = split.indices;
    if (split.shuffleEachEpoch) {
        const std::uint64_t splitId = split.name == "train" ? 1 : split.name == "val" ? 2 : 3;
        deterministicShuffle(order, deriveSeed(seed, kSeedShuffle, (uint64_t(epoch) << 2) | splitId));
    }
    const size_t usable = order.size() / size_t(k) * size_t(k);
    const size_t perBatch = size_t(k) * size_t(groupsPerBatch);
    std::vector<std::vector<int64_t>> batches;
    batches.reserve(usable / perBatch + 1);
    for (size_t start = 0; start < usable; start += perBatch) {
        const size_t end = std::min(usable, start + perBatch);
        batches.emplace_back(order.begin() + long(start), order.begin() + long(end));
    }
    return batches;
}

} // namespace parity
