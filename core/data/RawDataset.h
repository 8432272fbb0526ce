#pragma once
#include <ATen/ATen.h>

#include <optional>
#include <string>

namespace parity {

/// Decoded samples of one split, before any transform.
struct ImageSet {
    at::Tensor images;   ///< uint8 (N, C, H, W)
    at::Tensor labels;   ///< int64 (N)
    std::string source;  ///< file or folder it came from, for messages
    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

/// What a dataset reader returns: train and test, and val for folder sets
/// that ship their own.
struct RawDataset {
    ImageSet train;
    ImageSet test;
    std::optional<ImageSet> val;
};

} // namespace parity
