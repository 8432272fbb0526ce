#include "events/TrainingEvents.h"

#include "util/Error.h"

namespace parity {

double SplitMetrics::value(const std::string& metric) const
{
    if (metric == "loss")
        return loss;
    auto it = accuracy.find(metric);
    if (it == accuracy.end())
        throw Error("unknown metric '" + metric + "'");
    return it->second;
}

} // namespace parity
