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
    const std::vector<float> sizes = {200, 100, 96, 64, 500, 375};
    LocalizationMetrics m;
    m.add(boxes.data(), 3, boxes.data(), boxes.data(), sizes.data());
    m.addLoss(0.0, 3);
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
    // Boxes normalised in a 200 x 200 image: (x, y, w, h) pixels p map to
    // p / 100 - 1 for x, y and p / 100 for w, h. Scored in pixels with the
    // original's inclusive corners (area (w - 1)(h - 1)).
    // Row 0: decoded = truth (IoU 1), base shifted by 1 px: 3 x 3 boxes
    //        (areas 4) overlapping in 1 -> 1/7.
    // Row 1: decoded 5 x 5 contains truth 3 x 3: 4 / 16 = 0.25; decoded = base.
    // Row 2: decoded 8 x 4 against 6 x 4 at the same corner: 15 / 21 (a
    //        miss, though plain areas give 24 / 32 = 0.75), base = decoded.
    auto n = [](float x, float y, float w, float h) {
        return std::vector<float>{x / 100 - 1, y / 100 - 1, w / 100, h / 100};
    };
    auto rows = [](std::initializer_list<std::vector<float>> r) {
        std::vector<float> out;
        for (const auto& v : r)
            out.insert(out.end(), v.begin(), v.end());
        return out;
    };
    const std::vector<float> decoded = rows({n(10, 10, 3, 3), n(10, 10, 5, 5), n(10, 10, 8, 4)});
    const std::vector<float> truth = rows({n(10, 10, 3, 3), n(11, 11, 3, 3), n(10, 10, 6, 4)});
    const std::vector<float> base = rows({n(11, 11, 3, 3), n(10, 10, 5, 5), n(10, 10, 8, 4)});
    const std::vector<float> sizes = {200, 200, 200, 200, 200, 200};
    LocalizationMetrics m;
    m.add(decoded.data(), 3, truth.data(), base.data(), sizes.data());
    // Issue 11, item 7: batch losses weighted by their image counts
    // (2 x 6 + 4 x 2) / 8, not (2 + 4) / 2.
    m.addLoss(2.0, 6);
    m.addLoss(4.0, 2);
    EXPECT_EQ(m.attempts(), 3);
    EXPECT_NEAR(m.localizationAccuracy(), 1.0 / 3.0, 1e-12);   // row 0
    EXPECT_NEAR(m.reconstructionAccuracy(), 2.0 / 3.0, 1e-12); // rows 1 and 2
    EXPECT_NEAR(m.meanIou(), (1.0 + 0.25 + 15.0 / 21.0) / 3.0, 1e-5);
    EXPECT_NEAR(m.meanReconstructionIou(), (1.0 / 7.0 + 1.0 + 1.0) / 3.0, 1e-5);
    EXPECT_DOUBLE_EQ(m.runningLoss(), 2.5);
    m.reset();
    EXPECT_EQ(m.attempts(), 0);
    EXPECT_DOUBLE_EQ(m.meanIou(), 0.0);
}
