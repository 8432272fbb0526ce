#include "training/ReconstructionMetrics.h"

#include "events/MetricNames.h"

namespace parity {

namespace {
// Rank of class t in row v (0 = largest), ties broken towards the lower index.
inline int64_t rankOf(const float* v, int64_t c, int64_t t)
{
    const float x = v[t];
    int64_t rank = 0;
    for (int64_t j = 0; j < t; ++j)
        rank += v[j] >= x;
    for (int64_t j = t + 1; j < c; ++j)
        rank += v[j] > x;
    return rank;
}
} // namespace

std::vector<int> ReconstructionMetrics::topNFor(int64_t numClasses) { return parity::topNFor(numClasses); }

std::vector<std::string> ReconstructionMetrics::metricNames(int64_t numClasses)
{
    return classificationMetricNames(numClasses);
}

ReconstructionMetrics::ReconstructionMetrics(int64_t numClasses)
    : m_numClasses(numClasses)
    , m_topN(topNFor(numClasses))
{
    reset();
}

void ReconstructionMetrics::reset()
{
    m_reconstructionHits.assign(m_topN.size(), 0);
    m_overallHits.assign(m_topN.size(), 0);
    m_attempts = 0;
    m_lossSum = 0;
    m_lossCount = 0;
}

void ReconstructionMetrics::add(const float* reconstructed, int64_t rows, const int64_t* baseArgmax,
                                const int64_t* labels, uint8_t* top1Hits)
{
    const size_t nTop = m_topN.size();
    for (int64_t i = 0; i < rows; ++i) {
        const float* row = reconstructed + i * m_numClasses;
        const int64_t rRank = rankOf(row, m_numClasses, baseArgmax[i]);
        const int64_t oRank = rankOf(row, m_numClasses, labels[i]);
        for (size_t n = 0; n < nTop; ++n) {
            m_reconstructionHits[n] += rRank < m_topN[n];
            m_overallHits[n] += oRank < m_topN[n];
        }
        if (top1Hits)
            top1Hits[i] = rRank == 0;
    }
    m_attempts += rows;
}

void ReconstructionMetrics::addLoss(double minibatchLoss)
{
    m_lossSum += minibatchLoss;
    ++m_lossCount;
}

double ReconstructionMetrics::runningLoss() const { return m_lossCount ? m_lossSum / double(m_lossCount) : 0.0; }

double ReconstructionMetrics::overall(int n) const
{
    for (size_t i = 0; i < m_topN.size(); ++i)
        if (m_topN[i] == n)
            return m_attempts ? double(m_overallHits[i]) / double(m_attempts) : 0.0;
    return 0.0;
}

double ReconstructionMetrics::reconstruction(int n) const
{
    for (size_t i = 0; i < m_topN.size(); ++i)
        if (m_topN[i] == n)
            return m_attempts ? double(m_reconstructionHits[i]) / double(m_attempts) : 0.0;
    return 0.0;
}

SplitMetrics ReconstructionMetrics::value() const
{
    SplitMetrics m;
    m.loss = runningLoss();
    for (int n : m_topN) {
        m.accuracy["reconstruction_top" + std::to_string(n)] = reconstruction(n);
        m.accuracy["overall_top" + std::to_string(n)] = overall(n);
    }
    return m;
}

} // namespace parity
