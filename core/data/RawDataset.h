#pragma once
#include "data/SampleSource.h"

#include <ATen/ATen.h>

#include <memory>
#include <optional>
#include <string>

namespace parity {

/// Decoded samples of one split, before any transform. Either in memory
/// (`images`) or, for sets too large for that, decoded on demand (`lazy`).
struct ImageSet {
    at::Tensor images;                        ///< uint8 (N, C, H, W); undefined when `lazy` is set
    at::Tensor labels;                        ///< int64 (N)
    std::string source;                       ///< file or folder it came from, for messages
    std::shared_ptr<const SampleSource> lazy; ///< samples decoded from files on demand
    /// Object localization sets: the true boxes, float (N, 4) normalised (Box).
    at::Tensor boxes;
    /// Object localization sets: each image's size in pixels, float (N, 2)
    /// (W, H); boxes are scored in pixels of their image (scoredIou).
    at::Tensor imageSizes;
    /// Optional: the sets' own sample ids (CUB's image ids), int64 (N).
    at::Tensor ids;
    /// Optional: base-model outputs supplied with the data (a localization
    /// base model's boxes imported from a file), float (N, outputs); when
    /// set, preparation uses them instead of running the base model.
    at::Tensor givenBaseOutputs;
    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
    bool isLazy() const { return lazy != nullptr; }
};

/// What a dataset reader returns: train and test, and val for folder sets
/// that ship their own.
struct RawDataset {
    ImageSet train;
    ImageSet test;
    std::optional<ImageSet> val;
};

} // namespace parity
