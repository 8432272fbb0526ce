#pragma once
#include "catalog/Catalog.h"
#include "data/ImageShape.h"
#include "data/RawDataset.h"
#include "training/TrainingEvents.h"

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

namespace parity {

class CancelToken;

/// One underlying split after preparation (SPEC §3.2): for each sample the
/// encoder input (code transform, flattened), the base model's output
/// (logits) and argmax, and the true label.
struct PreparedSet {
    at::Tensor codeInputs;   ///< float (N, D); undefined when codeBytes holds them
    at::Tensor codeBytes;    ///< uint8 (N, D) when the code transform is a byte table
    at::Tensor codeTable;    ///< float (channels, 256) for codeBytes
    at::Tensor baseOutputs;  ///< float (N, C)
    at::Tensor baseArgmax;   ///< int64 (N)
    at::Tensor labels;       ///< int64 (N)
    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
    int64_t codeDim() const { return codeBytes.defined() ? codeBytes.size(1) : codeInputs.size(1); }

    /// The encoder inputs of samples `indices[0..n)`, in that order, as float
    /// rows written to `out` (n x codeDim(), contiguous).
    void gatherCodeInputs(const int64_t* indices, int64_t n, float* out) const;
};

/// The samples of one of train / val / test: indices into a PreparedSet.
struct SplitPlan {
    std::string name;
    std::shared_ptr<const PreparedSet> set;
    std::vector<int64_t> indices;
    bool shuffleEachEpoch = false;
};

struct PreparedData {
    SplitPlan train;
    SplitPlan val;
    SplitPlan test;
    std::vector<BaseAccuracy> baseAccuracies;   ///< train and test (SPEC §3.2)
    std::vector<std::string> notices;           ///< e.g. a reduced val size
    double seconds = 0;
};

/// Runs the base model once over every sample and applies the code
/// transform (the encoder's resize, if any), then draws the splits (SPEC §3.3):
/// val = valSize samples of train (rounded up to a multiple of k; a tenth of
/// train when train has fewer than 2 x valSize samples), train = the rest.
class DatasetPreparer {
public:
    DatasetPreparer(const DatasetEntry& dataset, ImageShape codeShape, int k, int valSize, std::uint64_t seed);

    PreparedData prepare(const RawDataset& raw, Network& baseModel, TrainingObserver* observer,
                         const CancelToken* cancel) const;

    /// Base model outputs for a batch of decoded images (uint8, N x C x H x W).
    static at::Tensor baseOutputs(Network& baseModel, const DatasetEntry& dataset, const at::Tensor& images);

private:
    std::shared_ptr<PreparedSet> prepareSet(const ImageSet& set, Network& baseModel, const std::string& name,
                                            TrainingObserver* observer, const CancelToken* cancel) const;

    const DatasetEntry& m_dataset;
    ImageShape m_codeShape;
    int m_k;
    int m_valSize;
    std::uint64_t m_seed;
};

/// The index batches of one pass over a split: consecutive runs of k x B
/// samples (B groups of k), shuffled per epoch when the split asks for it;
/// samples that don't fill a whole group are dropped (SPEC §3.4).
std::vector<std::vector<int64_t>> epochBatches(const SplitPlan& split, int k, int groupsPerBatch,
                                               std::uint64_t seed, int epoch);

} // namespace parity
