// Localization metrics (issue 4, item 7): a perfect decoder scores 1
// everywhere; hand-computed cases for the thresholds and means.
#include "training/LocalizationMetrics.h"

#include <gtest/gtest.h>

#include <vector>

using namespace parity;

TEST(LocalizationMetrics, PerfectDecoderScoresOne)
{
    // Base model = truth, decoded = base: every metric is 1.
    const std::vector<float> boxes = {-0.5f, -0.5f, 1.0f, 1.0f, -1.0f, -0.2f, 1.5f, 0.9f, 0.1f, 0.2f, 0.3f, 0.4f};
    LocalizationMetrics m;
    m.add(boxes.data(), 3, boxes.data(), boxes.data());
    m.addLoss(0.0);
    const SplitMetrics v = m.value();
    EXPECT_DOUBLE_EQ(v.value("localization_acc"), 1.0);
    EXPECT_DOUBLE_EQ(v.value("reconstruction_acc"), 1.0);
    EXPECT_DOUBLE_EQ(v.value("mean_iou"), 1.0);
    EXPECT_DOUBLE_EQ(v.value("mean_reconstruction_iou"), 1.0);
    EXPECT_DOUBLE_EQ(v.loss, 0.0);
    EXPECT_EQ(LocalizationMetrics::metricNames().size(), v.accuracy.size());
}

TEST(LocalizationMetrics, ThresholdAndMeansByHand)
{
    // Row 0: decoded = truth (IoU 1), base shifted: IoU(decoded, base) = 1/7.
    // Row 1: decoded contains truth 4x (IoU 0.25), decoded = base (IoU 1).
    // Row 2: IoU exactly 0.75 with both (counts: >= 0.75):
    //        (0, 0, 4, 1) vs (0, 0, 3, 1) -> 3 / 4.
    const std::vector<float> decoded = {0, 0, 2, 2, 0, 0, 4, 4, 0, 0, 4, 1};
    const std::vector<float> truth = {0, 0, 2, 2, 1, 1, 2, 2, 0, 0, 3, 1};
    const std::vector<float> base = {1, 1, 2, 2, 0, 0, 4, 4, 0, 0, 3, 1};
    LocalizationMetrics m;
    m.add(decoded.data(), 3, truth.data(), base.data());
    m.addLoss(2.0);
    m.addLoss(4.0);
    EXPECT_EQ(m.attempts(), 3);
    EXPECT_DOUBLE_EQ(m.localizationAccuracy(), 2.0 / 3.0);   // rows 0 and 2
    EXPECT_DOUBLE_EQ(m.reconstructionAccuracy(), 2.0 / 3.0); // rows 1 and 2
    EXPECT_DOUBLE_EQ(m.meanIou(), (1.0 + 0.25 + 0.75) / 3.0);
    EXPECT_DOUBLE_EQ(m.meanReconstructionIou(), (1.0 / 7.0 + 1.0 + 0.75) / 3.0);
    EXPECT_DOUBLE_EQ(m.runningLoss(), 3.0);
    m.reset();
    EXPECT_EQ(m.attempts(), 0);
    EXPECT_DOUBLE_EQ(m.meanIou(), 0.0);
}
