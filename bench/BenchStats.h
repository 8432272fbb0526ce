#pragma once
// Small helpers the benchmarks share.
#include <algorithm>
#include <vector>

namespace parity::bench {

/// The median of `v` (0 for none); the machine is noisy, so figures are medians.
inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    if (v.empty())
        return 0;
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

} // namespace parity::bench
