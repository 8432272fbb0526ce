#pragma once
#include "catalog/Catalog.h"
#include "data/ImageShape.h"
#include "data/RawDataset.h"
#include "data/SampleSource.h"
#include "events/TrainingEvents.h"

#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace parity {

class CancelToken;

/// One underlying split after preparation (docs/BEHAVIOUR.md §3.2): for each sample the
/// encoder input (code transform, flattened), the base model's output
/// (logits) and argmax, and the true label.
///
/// The code inputs are kept in one of three forms: floats (`codeInputs`);
/// bytes plus a per-channel table (`codeBytes`, 4x smaller); or, for sets
/// decoded on demand, nothing at all (`codeSource`: decoded again batch by
/// batch). gatherCodeInputs turns any of them into float rows.
///
/// Random code transforms of the training split (CIFAR's crop + flip, the
/// folder sets' random resized crop) are applied while gathering, when an
/// augmentation seed is given: sample i draws from its own generator seeded
/// with deriveSeed(augmentSeed, i), so what a sample looks like in an epoch
/// depends only on the run seed, the epoch and the sample, not on the batch
/// order or on whether the run was resumed.
struct PreparedSet {
    at::Tensor codeInputs;  ///< float (N, D); undefined when codeBytes or codeSource holds them
    at::Tensor codeBytes;   ///< uint8 (N, rowShape) when the code transform is a byte table
    at::Tensor codeTable;   ///< float (channels, 256) for codeBytes
    at::Tensor baseOutputs; ///< float (N, C)
    at::Tensor baseArgmax;  ///< int64 (N)
    at::Tensor labels;      ///< int64 (N)
    at::Tensor boxes;       ///< localization: float (N, 4) true boxes; undefined otherwise
    at::Tensor imageSizes;  ///< localization: float (N, 2) image (W, H) in pixels
    ImageShape codeShape;   ///< the encoder's input shape: codeDim() = codeShape.numel()
    /// Shape of the stored byte rows: codeShape, or the dataset's shape when a
    /// random augmentation must run before the encoder's resize (then each
    /// gathered row is augmented, resized to codeShape, then mapped).
    ImageShape rowShape;
    /// On one decoded sample (rowShape bytes): the training split's random
    /// code transform; empty when the dataset has none.
    std::function<void(const uint8_t* src, uint8_t* dst, std::mt19937_64& rng)> byteAugment;
    std::shared_ptr<const SampleSource> codeSource;             ///< lazy sets: samples decoded per batch
    std::function<at::Tensor(const at::Tensor&)> sourceToInput; ///< lazy sets: decoded batch -> model input

    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
    int64_t codeDim() const { return codeShape.numel(); }
    bool isLazy() const { return codeSource != nullptr; }

    /// The encoder inputs of samples `indices[0..n)`, in that order, as float
    /// rows written to `out` (n x codeDim(), contiguous). With `augmentSeed`
    /// (the training split), the random code transform is applied.
    void gatherCodeInputs(const int64_t* indices, int64_t n, float* out,
                          std::optional<std::uint64_t> augmentSeed = std::nullopt) const;

private:
    void gatherBytesPerRow(const int64_t* indices, int64_t n, float* out,
                           std::optional<std::uint64_t> augmentSeed) const;
    void gatherLazy(const int64_t* indices, int64_t n, float* out, std::optional<std::uint64_t> augmentSeed) const;
};

/// The samples of one of train / val / test: indices into a PreparedSet.
struct SplitPlan {
    std::string name;
    std::shared_ptr<const PreparedSet> set;
    std::vector<int64_t> indices;
    bool shuffleEachEpoch = false;
    /// The training split: its code inputs get the random code transform.
    bool augment = false;
};

struct PreparedData {
    SplitPlan train;
    SplitPlan val;
    SplitPlan test;
    /// false only for val_size 0 (localization): no validation split at all.
    bool hasVal = true;
    std::vector<BaseAccuracy> baseAccuracies; ///< train and test (docs/BEHAVIOUR.md §3.2)
    std::vector<std::string> notices;         ///< e.g. a reduced val size
    double seconds = 0;
};

/// Runs the base model once over every sample and applies the code
/// transform (the encoder's resize, if any), then draws the splits (docs/BEHAVIOUR.md §3.3):
/// val = valSize samples of train (rounded up to a multiple of k; a tenth of
/// train when train has fewer than 2 x valSize samples), train = the rest.
class DatasetPreparer {
public:
    DatasetPreparer(const DatasetEntry& dataset, ImageShape codeShape, int k, int valSize, std::uint64_t seed);

    /// Samples per base-model forward pass when preparing a set held in
    /// memory (default 8192: large products suit base-mlp's GEMMs;
    /// convolutional models are faster in small chunks, e.g. 64: their
    /// activations then stay in cache).
    void setForwardChunk(int64_t samples) { m_forwardChunk = samples > 0 ? samples : m_forwardChunk; }

    PreparedData prepare(const RawDataset& raw, Network& baseModel, TrainingObserver* observer,
                         const CancelToken* cancel) const;

    /// Base model outputs for a batch of decoded images (uint8, N x C x H x W).
    static at::Tensor baseOutputs(Network& baseModel, const DatasetEntry& dataset, const at::Tensor& images);

    /// Base model outputs for every sample of a split, streamed in chunks
    /// (lazy sets are decoded chunk by chunk); progress under `label`.
    static at::Tensor baseOutputs(Network& baseModel, const DatasetEntry& dataset, const ImageSet& set,
                                  TrainingObserver* observer = nullptr, const CancelToken* cancel = nullptr,
                                  const std::string& label = {});

private:
    std::shared_ptr<PreparedSet> prepareSet(const ImageSet& set, Network& baseModel, const std::string& name,
                                            TrainingObserver* observer, const CancelToken* cancel) const;

    const DatasetEntry& m_dataset;
    ImageShape m_codeShape;
    int m_k;
    int m_valSize;
    std::uint64_t m_seed;
    int64_t m_forwardChunk = 8192;
};

/// The index batches of one pass over a split: consecutive runs of k x B
/// samples (B groups of k), shuffled per epoch when the split asks for it;
/// samples that don't fill a whole group are dropped (docs/BEHAVIOUR.md §3.4).
/// Decodes samples `indices[0..n)` of a lazy set with its base transform and
/// stacks them: the model input (n, C, H, W) after DatasetEntry::toInput.
/// Decodes on the intra-op threads.
at::Tensor loadBaseInputs(const ImageSet& set, const DatasetEntry& dataset, const int64_t* indices, int64_t n);

std::vector<std::vector<int64_t>> epochBatches(const SplitPlan& split, int k, int groupsPerBatch, std::uint64_t seed,
                                               int epoch);

} // namespace parity
