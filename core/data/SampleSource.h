#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <random>
#include <string>

namespace parity {

/// Samples decoded on demand from files, for the folder sets (cat_v_dog,
/// gcommands) whose decoded samples would not fit in memory: preparation
/// streams over them once for the base outputs, and training decodes the
/// code inputs batch by batch. Implementations must be safe to call from
/// several threads at once (they read files and hold no mutable state).
class SampleSource {
public:
    virtual ~SampleSource() = default;

    virtual int64_t size() const = 0;

    /// Sample i as the base transform decodes it, before DatasetEntry::toInput:
    /// (C, H, W), uint8 for images, float for samples that are model inputs
    /// already (spectrograms). Throws parity::Error naming the file.
    virtual at::Tensor load(int64_t i) const = 0;

    /// Sample i under the code transform. `rng` is given for the training
    /// split only, whose code transform may be random (e.g. random resized
    /// crop + flip); without it the deterministic code transform applies.
    virtual at::Tensor loadForCode(int64_t i, std::mt19937_64* rng) const { return load(i); }

    /// The file sample i comes from, for messages.
    virtual std::string path(int64_t i) const = 0;
};

} // namespace parity
