#include "data/PreparedData.h"

#include "data/PilResize.h"
#include "training/CancelToken.h"
#include "util/Error.h"
#include "util/Random.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <chrono>
#include <numeric>

namespace parity {

namespace {
constexpr int64_t kChunk = 8192;   // samples per base-model forward during preparation
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

std::shared_ptr<PreparedSet> DatasetPreparer::prepareSet(const ImageSet& set, Network& baseModel,
                                                         const std::string& name, TrainingObserver* observer,
                                                         const CancelToken* cancel) const
{
    torch::NoGradGuard noGrad;
    const int64_t n = set.size();
    if (n == 0)
        throw Error(set.source + ": the " + name + " split holds no samples");
    const bool resize = !(m_codeShape == m_dataset.shape);
    auto out = std::make_shared<PreparedSet>();
    // The base transform of every sample at once; without a resize it is
    // also the code transform, so the encoder inputs are this very tensor.
    const at::Tensor input = m_dataset.toInput(set.images);
    out->baseOutputs = at::empty({n, m_dataset.numClasses}, at::kFloat);
    out->labels = set.labels.to(at::kLong).contiguous();

    for (int64_t start = 0; start < n; start += kChunk) {
        if (cancel && cancel->isCancelled())
            throw Cancelled();
        const int64_t len = std::min(kChunk, n - start);
        auto logits = baseModel.forward(input.narrow(0, start, len)).reshape({len, -1});
        if (logits.size(1) != m_dataset.numClasses)
            throw Error("the base model gives " + std::to_string(logits.size(1)) + " outputs but "
                        + m_dataset.name + " has " + std::to_string(m_dataset.numClasses) + " classes");
        out->baseOutputs.narrow(0, start, len).copy_(logits);
        if (observer)
            observer->progress("Preparing " + name + " split", start + len, n);
    }
    if (resize) {
        const at::Tensor small = resizeBilinearLikePil(set.images, m_codeShape.height, m_codeShape.width);
        out->codeInputs = m_dataset.toInput(small).reshape({n, -1});
    } else {
        out->codeInputs = input.reshape({n, -1});
    }
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

    auto accuracyOf = [](const PreparedSet& s, const std::string& split) {
        BaseAccuracy acc;
        acc.split = split;
        acc.correct = s.baseArgmax.eq(s.labels).sum().item<int64_t>();
        acc.total = s.size();
        return acc;
    };
    data.baseAccuracies.push_back(accuracyOf(*train, "train"));
    data.baseAccuracies.push_back(accuracyOf(*test, "test"));

    auto allIndices = [](int64_t n) {
        std::vector<int64_t> v(static_cast<size_t>(n));
        std::iota(v.begin(), v.end(), 0);
        return v;
    };

    data.train = {"train", train, {}, true};
    data.test = {"test", test, allIndices(test->size()), false};
    if (raw.val) {
        auto val = prepareSet(*raw.val, baseModel, "val", observer, cancel);
        data.train.indices = allIndices(train->size());
        data.val = {"val", val, allIndices(val->size()), true};
    } else {
        // SPEC §3.3: val drawn at random from train, rounded up to a multiple of k.
        const int64_t total = train->size();
        int64_t numVal = m_valSize;
        if (total < 2 * int64_t(m_valSize)) {
            numVal = std::max<int64_t>(m_k, total / 10);
            data.notices.push_back("The train split has only " + std::to_string(total) + " samples (< 2 x val_size "
                                   + std::to_string(m_valSize) + "): using a tenth of it for validation.");
        }
        if (numVal % m_k)
            numVal += m_k - numVal % m_k;
        if (numVal >= total)
            throw Error(raw.train.source + ": " + std::to_string(total)
                        + " training samples are too few to split off a validation set");
        std::vector<int64_t> indices = allIndices(total);
        deterministicShuffle(indices, deriveSeed(m_seed, kSeedValSplit));
        data.val = {"val", train, std::vector<int64_t>(indices.begin(), indices.begin() + numVal), true};
        data.train.indices.assign(indices.begin() + numVal, indices.end());
    }
    data.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return data;
}

std::vector<std::vector<int64_t>> epochBatches(const SplitPlan& split, int k, int groupsPerBatch,
                                               std::uint64_t seed, int epoch)
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
