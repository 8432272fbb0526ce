#include "events/MetricNames.h"

namespace parity {

std::vector<int> topNFor(int64_t numClasses)
{
    static const int kAllTopN[] = {1, 2, 5, 10, 20};
    std::vector<int> out;
    for (int n : kAllTopN)
        if (n <= numClasses)
            out.push_back(n);
    return out;
}

std::vector<std::string> classificationMetricNames(int64_t numClasses)
{
    std::vector<std::string> names;
    for (int n : topNFor(numClasses)) {
        names.push_back("reconstruction_top" + std::to_string(n));
        names.push_back("overall_top" + std::to_string(n));
    }
    return names;
}

std::vector<std::string> localizationMetricNames()
{
    return {"localization_acc", "reconstruction_acc", "mean_iou", "mean_reconstruction_iou"};
}

std::string erasedMetricName(const std::string& metric, int erased)
{
    return erased == 1 ? metric : metric + "_e" + std::to_string(erased);
}

std::pair<std::string, int> splitErasedMetricName(const std::string& key)
{
    const size_t at = key.rfind("_e");
    if (at == std::string::npos || at + 2 >= key.size() || key.size() - at > 6)
        return {key, 1};
    for (size_t i = at + 2; i < key.size(); ++i)
        if (key[i] < '0' || key[i] > '9')
            return {key, 1};
    return {key.substr(0, at), std::stoi(key.substr(at + 2))};
}

} // namespace parity
