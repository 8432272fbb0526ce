#include "training/SplitScorer.h"

#include "catalog/Catalog.h"
#include "events/MetricNames.h"
#include "training/PreparedData.h"
#include "training/RunComponents.h"

#include <algorithm>

namespace parity {

SplitScorer::SplitScorer(const DatasetEntry& dataset, const PreparedSet& set)
    : m_set(set)
    , m_boxes(dataset.task == Task::Localization)
    , m_metrics(dataset.numClasses)
{
}

void SplitScorer::add(const at::Tensor& reconstructed, const int64_t* samples, int64_t n, const at::Tensor& baseRows,
                      double loss, uint8_t* hits)
{
    const at::Tensor rec = reconstructed.detach().contiguous();
    if (m_boxes) {
        m_rowTrueBoxes.resize(size_t(4 * n));
        m_rowImageSizes.resize(size_t(2 * n));
        const float* all = m_set.boxes.data_ptr<float>();
        const float* sizes = m_set.imageSizes.data_ptr<float>();
        for (int64_t i = 0; i < n; ++i) {
            std::copy_n(all + 4 * samples[i], 4, m_rowTrueBoxes.data() + 4 * i);
            std::copy_n(sizes + 2 * samples[i], 2, m_rowImageSizes.data() + 2 * i);
        }
        const at::Tensor base = baseRows.contiguous();
        m_boxMetrics.add(rec.data_ptr<float>(), n, m_rowTrueBoxes.data(), base.data_ptr<float>(),
                         m_rowImageSizes.data(), hits);
        m_boxMetrics.addLoss(loss, n);
    } else {
        const int64_t* allArgmax = m_set.baseArgmax.data_ptr<int64_t>();
        const int64_t* allLabels = m_set.labels.data_ptr<int64_t>();
        m_rowArgmax.resize(size_t(n));
        m_rowLabels.resize(size_t(n));
        for (int64_t i = 0; i < n; ++i) {
            m_rowArgmax[size_t(i)] = allArgmax[samples[i]];
            m_rowLabels[size_t(i)] = allLabels[samples[i]];
        }
        m_metrics.add(rec.data_ptr<float>(), n, m_rowArgmax.data(), m_rowLabels.data(), hits);
    }
    m_metrics.addLoss(loss);
}

double SplitScorer::runningLoss() const { return m_boxes ? m_boxMetrics.runningLoss() : m_metrics.runningLoss(); }
double SplitScorer::runningTop1() const { return m_boxes ? m_boxMetrics.localizationAccuracy() : m_metrics.overall(1); }
double SplitScorer::runningTop5() const
{
    return m_boxes ? m_boxMetrics.reconstructionAccuracy() : m_metrics.overall(5);
}
SplitMetrics SplitScorer::value() const { return m_boxes ? m_boxMetrics.value() : m_metrics.value(); }

ErasureScorers::ErasureScorers(const DatasetEntry& dataset, const PreparedSet& set,
                               const std::vector<ErasureSet>& erasures, int k)
    : m_erasures(erasures)
    , m_k(k)
{
    m_scorers.reserve(erasures.size());
    for (size_t i = 0; i < erasures.size(); ++i) {
        m_scorers.emplace_back(dataset, set);
        if (erasures[i].erased == 1)
            m_primary = i;
    }
}

void ErasureScorers::add(const std::vector<at::Tensor>& byErasure, const int64_t* samples, int64_t groups,
                         const at::Tensor& base, double loss)
{
    const int64_t numClasses = base.size(2);
    const at::Tensor baseRows = base.reshape({groups * m_k, numClasses});
    for (size_t s = 0; s < m_erasures.size(); ++s) {
        const ErasureSet& set = m_erasures[s];
        const bool plain = set.patterns.size() == size_t(m_k) && set.erased == 1 && set.positions[0].size() == 1;
        if (plain) {
            // Pattern {i} decodes position i: the rows are the batch in order.
            m_scorers[s].add(byErasure[s], samples, groups * m_k, baseRows, loss);
            continue;
        }
        m_rowSamples.clear();
        m_rowOffsets.clear();
        for (int64_t g = 0; g < groups; ++g)
            for (const auto& positions : set.positions)
                for (int p : positions) {
                    m_rowSamples.push_back(samples[g * m_k + p]);
                    m_rowOffsets.push_back(g * m_k + p);
                }
        const int64_t rows = int64_t(m_rowSamples.size());
        const at::Tensor rowBase = baseRows.index_select(0, at::from_blob(m_rowOffsets.data(), {rows}, at::kLong));
        m_scorers[s].add(byErasure[s].reshape({rows, numClasses}), m_rowSamples.data(), rows, rowBase, loss);
    }
}

SplitMetrics ErasureScorers::value() const
{
    SplitMetrics merged = m_scorers[m_primary].value();
    for (size_t s = 0; s < m_scorers.size(); ++s) {
        if (s == m_primary)
            continue;
        for (const auto& [key, value] : m_scorers[s].value().accuracy)
            merged.accuracy[erasedMetricName(key, m_erasures[s].erased)] = value;
    }
    return merged;
}

} // namespace parity
