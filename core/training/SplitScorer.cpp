#include "training/SplitScorer.h"

#include "catalog/Catalog.h"
#include "training/PreparedData.h"

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

} // namespace parity
