#include "training/LocalizationMetrics.h"

#include "data/Boxes.h"
#include "events/MetricNames.h"

namespace parity {

namespace {
Box boxAt(const float* p, int64_t row) { return {p[4 * row], p[4 * row + 1], p[4 * row + 2], p[4 * row + 3]}; }
double ratio(double a, int64_t n) { return n ? a / double(n) : 0.0; }
} // namespace

void LocalizationMetrics::add(const float* decoded, int64_t rows, const float* trueBoxes, const float* baseBoxes,
                              const float* imageSizes, uint8_t* reconstructionHits)
{
    for (int64_t i = 0; i < rows; ++i) {
        const Box d = boxAt(decoded, i);
        const float W = imageSizes[2 * i], H = imageSizes[2 * i + 1];
        const double truth = scoredIou(d, boxAt(trueBoxes, i), W, H);
        const double base = scoredIou(d, boxAt(baseBoxes, i), W, H);
        m_iouSum += truth;
        m_reconstructionIouSum += base;
        m_localizationHits += truth >= kIouThreshold;
        m_reconstructionHits += base >= kIouThreshold;
        if (reconstructionHits)
            reconstructionHits[i] = base >= kIouThreshold;
    }
    m_attempts += rows;
}

void LocalizationMetrics::addLoss(double minibatchLoss, int64_t images)
{
    m_lossSum += minibatchLoss * double(images);
    m_lossImages += images;
}

void LocalizationMetrics::reset() { *this = LocalizationMetrics(); }

double LocalizationMetrics::runningLoss() const { return ratio(m_lossSum, m_lossImages); }
double LocalizationMetrics::localizationAccuracy() const { return ratio(double(m_localizationHits), m_attempts); }
double LocalizationMetrics::reconstructionAccuracy() const { return ratio(double(m_reconstructionHits), m_attempts); }
double LocalizationMetrics::meanIou() const { return ratio(m_iouSum, m_attempts); }
double LocalizationMetrics::meanReconstructionIou() const { return ratio(m_reconstructionIouSum, m_attempts); }

SplitMetrics LocalizationMetrics::value() const
{
    SplitMetrics m;
    m.loss = runningLoss();
    m.accuracy = {{"localization_acc", localizationAccuracy()},
                  {"reconstruction_acc", reconstructionAccuracy()},
                  {"mean_iou", meanIou()},
                  {"mean_reconstruction_iou", meanReconstructionIou()}};
    return m;
}

std::vector<std::string> LocalizationMetrics::metricNames() { return localizationMetricNames(); }

} // namespace parity
