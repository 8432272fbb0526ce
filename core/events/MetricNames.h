#pragma once
// The names of a run's metrics: the keys of SplitMetrics::accuracy, the
// columns of metrics.csv and the stems of the result files.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace parity {

/// The n of the top-n accuracies of a classification run: 1, 2, 5, 10, 20
/// with n <= numClasses (docs/BEHAVIOUR.md §3.6).
std::vector<int> topNFor(int64_t numClasses);

/// {"reconstruction_top1", "overall_top1", "reconstruction_top2", ...} in
/// the original's order.
std::vector<std::string> classificationMetricNames(int64_t numClasses);

/// An object-localization run's metrics: {"localization_acc",
/// "reconstruction_acc", "mean_iou", "mean_reconstruction_iou"}.
std::vector<std::string> localizationMetricNames();

/// The key of `metric` measured with `erased` predictions (or workers)
/// missing: the plain name for one (every r = 1 run), else `<metric>_e<erased>`
/// (docs/CODES.md).
std::string erasedMetricName(const std::string& metric, int erased);

/// The inverse of erasedMetricName: the plain metric of `key` and the
/// number of missing predictions it was measured with (1 without a suffix).
std::pair<std::string, int> splitErasedMetricName(const std::string& key);

/// The IoU from which a box counts as right (localization and
/// reconstruction accuracy).
inline constexpr double kIouThreshold = 0.75;

} // namespace parity
