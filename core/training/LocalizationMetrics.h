#pragma once
#include "events/MetricNames.h"
#include "events/TrainingEvents.h"

#include <cstdint>
#include <string>
#include <vector>

namespace parity {

/// Degraded-mode metrics of one split for one epoch of an object
/// localization run (docs/BEHAVIOUR.md §4, "Object localization"). For every (group,
/// erased position) the decoded box is compared with
/// - the true box: localization accuracy = fraction with IoU >= 0.75,
///   mean IoU = mean of those IoUs;
/// - the base model's box: reconstruction accuracy and mean reconstruction
///   IoU, the same against the base model's own prediction.
/// Boxes are normalised (x, y, w, h) rows (see Box), scored in pixels as the
/// original scores them. Loss = mean of the minibatch losses weighted by
/// their image counts.
class LocalizationMetrics {
public:
    static constexpr double kIouThreshold = parity::kIouThreshold;

    /// `rows` decoded boxes (row-major, 4 floats each) with the true and the
    /// base model's box of each row and its image's (W, H) in pixels: IoU is
    /// the original's, in pixels (scoredIou). `reconstructionHits`, when
    /// given, receives per row whether its IoU with the base box reaches the
    /// threshold.
    void add(const float* decoded, int64_t rows, const float* trueBoxes, const float* baseBoxes,
             const float* imageSizes, uint8_t* reconstructionHits = nullptr);
    /// A minibatch's loss, weighted by its number of images as the original's
    /// AverageMeter.update(loss, nsample) (cub-localization/coded.py).
    void addLoss(double minibatchLoss, int64_t images);
    void reset();

    int64_t attempts() const { return m_attempts; }
    double runningLoss() const;
    double localizationAccuracy() const;
    double reconstructionAccuracy() const;
    double meanIou() const;
    double meanReconstructionIou() const;
    SplitMetrics value() const;

    /// {"localization_acc", "reconstruction_acc", "mean_iou", "mean_reconstruction_iou"}
    static std::vector<std::string> metricNames();

private:
    int64_t m_attempts = 0;
    int64_t m_localizationHits = 0;
    int64_t m_reconstructionHits = 0;
    double m_iouSum = 0;
    double m_reconstructionIouSum = 0;
    double m_lossSum = 0;
    int64_t m_lossImages = 0;
};

} // namespace parity
