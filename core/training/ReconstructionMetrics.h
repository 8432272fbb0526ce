#pragma once
#include "events/TrainingEvents.h"

#include <cstdint>
#include <string>
#include <vector>

namespace parity {

/// Degraded-mode accuracy and loss of one split for one epoch (docs/BEHAVIOUR.md §3.6).
/// For every (group, erased position): reconstruction top-n = the base
/// model's argmax is among the n largest reconstructed outputs; overall top-n
/// = the true label is. n in 1, 2, 5, 10, 20 with n <= C. Ties rank the lower
/// class index first, as argmax does. Loss = mean of the minibatch losses.
class ReconstructionMetrics {
public:
    explicit ReconstructionMetrics(int64_t numClasses);

    /// `rows` reconstructed outputs of C floats each (row-major), with the
    /// base model's argmax and the true label of each row. `top1Hits`, when
    /// given, receives per row whether it is a reconstruction top-1 hit.
    void add(const float* reconstructed, int64_t rows, const int64_t* baseArgmax, const int64_t* labels,
             uint8_t* top1Hits = nullptr);
    void addLoss(double minibatchLoss);
    void reset();

    int64_t attempts() const { return m_attempts; }
    double runningLoss() const;
    double overall(int n) const;        ///< running overall top-n
    double reconstruction(int n) const; ///< running reconstruction top-n
    SplitMetrics value() const;

    const std::vector<int>& topN() const { return m_topN; }
    /// {"reconstruction_top1", "overall_top1", ...} in the original's order.
    static std::vector<std::string> metricNames(int64_t numClasses);
    static std::vector<int> topNFor(int64_t numClasses);

private:
    int64_t m_numClasses;
    std::vector<int> m_topN;
    std::vector<int64_t> m_reconstructionHits; // per n
    std::vector<int64_t> m_overallHits;
    int64_t m_attempts = 0;
    double m_lossSum = 0;
    int64_t m_lossCount = 0;
};

} // namespace parity
