// ReconstructionMetrics (docs/BEHAVIOUR.md §3.6): reconstruction top-n against the base
// model's argmax, overall top-n against the true label, ties to the lower
// class index as argmax does, loss = mean of the minibatch losses.
#include "events/MetricNames.h"
#include "training/ReconstructionMetrics.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

using namespace parity;

namespace {

constexpr int64_t kC = 10;

struct Row {
    std::vector<float> values;
    int64_t baseArgmax;
    int64_t label;
};

/// Four hand-made rows with known ranks (0 = largest, ties to the lower index):
///   reconstruction ranks 0, 0, 2, 9; overall ranks 4, 1, 0, 7.
std::vector<Row> handRows()
{
    return {
        {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 9, 5}, // class 9 largest; label 5 has rank 4
        {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 1}, // all tied: rank = index
        {{5, 5, 5, 0, 0, 0, 0, 0, 0, 0}, 2, 0}, // class 2 behind tied 0 and 1: rank 2
        {{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, 9, 7}, // ranks 9 and 7
    };
}

void addRows(ReconstructionMetrics& m, const std::vector<Row>& rows)
{
    std::vector<float> flat;
    std::vector<int64_t> base, labels;
    for (const auto& r : rows) {
        flat.insert(flat.end(), r.values.begin(), r.values.end());
        base.push_back(r.baseArgmax);
        labels.push_back(r.label);
    }
    m.add(flat.data(), int64_t(rows.size()), base.data(), labels.data());
}

struct TopNCase {
    int n;
    double reconstruction;
    double overall;
};

class MetricsHandRows : public testing::TestWithParam<TopNCase> {};

// Hand-computed top-n for C = 10, both against base argmax and label.
TEST_P(MetricsHandRows, TopN)
{
    ReconstructionMetrics m(kC);
    addRows(m, handRows());
    EXPECT_EQ(m.attempts(), 4);
    const auto& c = GetParam();
    EXPECT_DOUBLE_EQ(m.reconstruction(c.n), c.reconstruction) << "top" << c.n;
    EXPECT_DOUBLE_EQ(m.overall(c.n), c.overall) << "top" << c.n;
    const auto v = m.value();
    EXPECT_DOUBLE_EQ(v.accuracy.at("reconstruction_top" + std::to_string(c.n)), c.reconstruction);
    EXPECT_DOUBLE_EQ(v.accuracy.at("overall_top" + std::to_string(c.n)), c.overall);
}

INSTANTIATE_TEST_SUITE_P(C10, MetricsHandRows,
                         testing::Values(TopNCase{1, 0.5, 0.25}, TopNCase{2, 0.5, 0.5}, TopNCase{5, 0.75, 0.75},
                                         TopNCase{10, 1.0, 1.0}));

// No top-20 for 10 classes (the original wrote zeros there, docs/BEHAVIOUR.md §5).
TEST(ReconstructionMetrics, NoTop20ForTenClasses)
{
    ReconstructionMetrics m(kC);
    addRows(m, handRows());
    const auto v = m.value();
    EXPECT_EQ(v.accuracy.count("reconstruction_top20"), 0u);
    EXPECT_EQ(v.accuracy.count("overall_top20"), 0u);
    EXPECT_EQ(v.accuracy.size(), 8u);
}

// Accumulates across add() calls: averages over all rows seen so far.
TEST(ReconstructionMetrics, AccumulatesAcrossCalls)
{
    ReconstructionMetrics m(kC);
    const auto rows = handRows();
    addRows(m, {rows[0], rows[1]}); // recon top1 2/2, overall top1 0/2
    EXPECT_DOUBLE_EQ(m.reconstruction(1), 1.0);
    EXPECT_DOUBLE_EQ(m.overall(1), 0.0);
    addRows(m, {rows[2], rows[3]});
    EXPECT_EQ(m.attempts(), 4);
    EXPECT_DOUBLE_EQ(m.reconstruction(1), 0.5);
    EXPECT_DOUBLE_EQ(m.overall(1), 0.25);
    EXPECT_DOUBLE_EQ(m.overall(5), 0.75);
}

// Ties: top-1 hit exactly when the class is what at::argmax picks (first
// maximum), on rows with many ties.
TEST(ReconstructionMetrics, TiesResolveLikeArgmax)
{
    torch::manual_seed(7);
    const int64_t rows = 500;
    const auto values = torch::randint(0, 3, {rows, kC}).to(torch::kFloat).contiguous();
    const auto argmax = values.argmax(1).contiguous();
    // Label: a random class; the expected top-1 hit is (label == argmax).
    const auto labels = torch::randint(0, kC, {rows}, torch::kLong).contiguous();
    ReconstructionMetrics m(kC);
    m.add(values.data_ptr<float>(), rows, argmax.data_ptr<int64_t>(), labels.data_ptr<int64_t>());
    EXPECT_DOUBLE_EQ(m.reconstruction(1), 1.0);
    const double expected = labels.eq(argmax).sum().item<int64_t>() / double(rows);
    EXPECT_DOUBLE_EQ(m.overall(1), expected);
}

// Top-n against a brute-force rank (stable sort, descending) on random rows.
TEST(ReconstructionMetrics, MatchesBruteForceRank)
{
    torch::manual_seed(11);
    const int64_t c = 100, rows = 200;
    const auto values = torch::randint(0, 20, {rows, c}).to(torch::kFloat).contiguous();
    const auto base = torch::randint(0, c, {rows}, torch::kLong).contiguous();
    const auto labels = torch::randint(0, c, {rows}, torch::kLong).contiguous();
    ReconstructionMetrics m(c);
    m.add(values.data_ptr<float>(), rows, base.data_ptr<int64_t>(), labels.data_ptr<int64_t>());
    auto rank = [&](int64_t i, int64_t t) {
        const float* v = values.data_ptr<float>() + i * c;
        int64_t r = 0;
        for (int64_t j = 0; j < c; ++j)
            r += v[j] > v[t] || (v[j] == v[t] && j < t);
        return r;
    };
    for (int n : {1, 2, 5, 10, 20}) {
        int64_t recon = 0, overall = 0;
        for (int64_t i = 0; i < rows; ++i) {
            recon += rank(i, base.data_ptr<int64_t>()[i]) < n;
            overall += rank(i, labels.data_ptr<int64_t>()[i]) < n;
        }
        EXPECT_DOUBLE_EQ(m.reconstruction(n), recon / double(rows)) << n;
        EXPECT_DOUBLE_EQ(m.overall(n), overall / double(rows)) << n;
    }
}

struct TopNForCase {
    int64_t classes;
    std::vector<int> topN;
};

class TopNFor : public testing::TestWithParam<TopNForCase> {};

// n in 1, 2, 5, 10, 20 with n <= C.
TEST_P(TopNFor, ListsOnlyNUpToC)
{
    EXPECT_EQ(ReconstructionMetrics::topNFor(GetParam().classes), GetParam().topN);
    EXPECT_EQ(ReconstructionMetrics(GetParam().classes).topN(), GetParam().topN);
}

INSTANTIATE_TEST_SUITE_P(Classes, TopNFor,
                         testing::Values(TopNForCase{2, {1, 2}}, TopNForCase{4, {1, 2}}, TopNForCase{5, {1, 2, 5}},
                                         TopNForCase{10, {1, 2, 5, 10}}, TopNForCase{19, {1, 2, 5, 10}},
                                         TopNForCase{20, {1, 2, 5, 10, 20}}, TopNForCase{30, {1, 2, 5, 10, 20}},
                                         TopNForCase{100, {1, 2, 5, 10, 20}}));

// File names in the original's order: reconstruction then overall, per n.
TEST(ReconstructionMetrics, MetricNamesOrder)
{
    const std::vector<std::string> ten = {"reconstruction_top1",  "overall_top1",        "reconstruction_top2",
                                          "overall_top2",         "reconstruction_top5", "overall_top5",
                                          "reconstruction_top10", "overall_top10"};
    EXPECT_EQ(ReconstructionMetrics::metricNames(10), ten);
    const std::vector<std::string> two = {"reconstruction_top1", "overall_top1", "reconstruction_top2", "overall_top2"};
    EXPECT_EQ(ReconstructionMetrics::metricNames(2), two);
    const auto hundred = ReconstructionMetrics::metricNames(100);
    ASSERT_EQ(hundred.size(), 10u);
    EXPECT_EQ(hundred[8], "reconstruction_top20");
    EXPECT_EQ(hundred[9], "overall_top20");
}

// Loss = mean of the minibatch losses; running values before any data are 0.
TEST(ReconstructionMetrics, LossIsMeanOfMinibatchLosses)
{
    ReconstructionMetrics m(kC);
    EXPECT_DOUBLE_EQ(m.runningLoss(), 0.0);
    EXPECT_DOUBLE_EQ(m.overall(1), 0.0);
    m.addLoss(1.0);
    m.addLoss(2.0);
    m.addLoss(6.0);
    EXPECT_DOUBLE_EQ(m.runningLoss(), 3.0);
    EXPECT_DOUBLE_EQ(m.value().loss, 3.0);
}

// reset() clears hits, attempts and loss.
TEST(ReconstructionMetrics, ResetClearsEverything)
{
    ReconstructionMetrics m(kC);
    addRows(m, handRows());
    m.addLoss(5.0);
    m.reset();
    EXPECT_EQ(m.attempts(), 0);
    EXPECT_DOUBLE_EQ(m.runningLoss(), 0.0);
    for (int n : m.topN()) {
        EXPECT_DOUBLE_EQ(m.reconstruction(n), 0.0);
        EXPECT_DOUBLE_EQ(m.overall(n), 0.0);
    }
    // After reset, new data averages on its own.
    const auto rows = handRows();
    addRows(m, {rows[1]});
    EXPECT_DOUBLE_EQ(m.reconstruction(1), 1.0);
    EXPECT_DOUBLE_EQ(m.overall(2), 1.0);
    m.addLoss(4.0);
    EXPECT_DOUBLE_EQ(m.runningLoss(), 4.0);
}

} // namespace

// The keys of r > 1 and Berrut runs ("<metric>_e<n>") and their inverse.
TEST(ReconstructionMetrics, ErasedMetricNamesRoundTrip)
{
    EXPECT_EQ(erasedMetricName("overall_top1", 1), "overall_top1");
    EXPECT_EQ(erasedMetricName("overall_top1", 0), "overall_top1_e0");
    for (const std::string metric : {"overall_top1", "reconstruction_top10", "mean_iou", "localization_acc"})
        for (int erased : {0, 1, 2, 12}) {
            const auto [plain, e] = splitErasedMetricName(erasedMetricName(metric, erased));
            EXPECT_EQ(plain, metric);
            EXPECT_EQ(e, erased);
        }
    // Not a suffix: the key stays whole, measured with one missing.
    for (const std::string key : {"overall_top1_e", "overall_top1_ex", "top_e1x", "e2"})
        EXPECT_EQ(splitErasedMetricName(key), std::make_pair(key, 1)) << key;
}
