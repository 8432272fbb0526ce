#pragma once
#include "training/LocalizationMetrics.h"
#include "training/ReconstructionMetrics.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace parity {

struct DatasetEntry;
struct PreparedSet;
struct ErasureSet;

/// Scores the reconstructions of one split's minibatches: the metrics of the
/// run's task (top-n for classification, IoU for localization) and the mean
/// minibatch loss. The trainer and the reconstruction inspector score with
/// this one class, so what the inspector shows is what the result files say.
class SplitScorer {
public:
    SplitScorer(const DatasetEntry& dataset, const PreparedSet& set);

    /// One minibatch: `reconstructed` (n rows of C, any shape with n * C
    /// values) for the samples `samples[0..n)` of the set, `baseRows` their
    /// base-model outputs in the same order, and the minibatch's loss.
    /// `hits`, when given, receives per row whether the reconstruction
    /// matches the base model's output (reconstruction top-1; localization:
    /// IoU with the base box at least LocalizationMetrics::kIouThreshold).
    void add(const at::Tensor& reconstructed, const int64_t* samples, int64_t n, const at::Tensor& baseRows,
             double loss, uint8_t* hits = nullptr);

    double runningLoss() const;
    /// Overall top-1 so far (localization: localization accuracy).
    double runningTop1() const;
    /// Overall top-5 so far (localization: reconstruction accuracy).
    double runningTop5() const;
    SplitMetrics value() const;

private:
    const PreparedSet& m_set;
    const bool m_boxes;
    ReconstructionMetrics m_metrics;
    LocalizationMetrics m_boxMetrics;
    std::vector<int64_t> m_rowArgmax, m_rowLabels;
    std::vector<float> m_rowTrueBoxes;
    std::vector<float> m_rowImageSizes;
};

/// A SplitScorer per erasure set of the run (RunComponents::erasures()): the
/// split's metrics for each number e of missing predictions, merged under
/// erasedMetricName keys (e = 1 plain, so an r = 1 run scores as before).
class ErasureScorers {
public:
    ErasureScorers(const DatasetEntry& dataset, const PreparedSet& set, const std::vector<ErasureSet>& erasures, int k);

    /// One minibatch of `groups` groups: `samples` the batch's samples in
    /// group order (groups * k), `base` their base outputs (groups, k, C),
    /// `byErasure` DecodedBatch::byErasure.
    void add(const std::vector<at::Tensor>& byErasure, const int64_t* samples, int64_t groups, const at::Tensor& base,
             double loss);

    /// The scorer of e = 1 (running figures, hits).
    const SplitScorer& primary() const { return m_scorers[m_primary]; }
    SplitMetrics value() const;

private:
    const std::vector<ErasureSet>& m_erasures;
    int m_k;
    std::vector<SplitScorer> m_scorers;
    size_t m_primary = 0;
    std::vector<int64_t> m_rowSamples, m_rowOffsets;
};

} // namespace parity
