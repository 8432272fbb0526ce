#include "coders/LinearCodes.h"

#include "util/Error.h"

#include <cmath>
#include <algorithm>
#include <limits>

namespace parity {

namespace {
constexpr double kPi = 3.14159265358979323846;
// Nodes closer than this count as the same point (Berrut's weights blow up).
constexpr double kCollision = 1e-9;
} // namespace

std::vector<double> chebyshevFirstKind(int n)
{
    std::vector<double> nodes(size_t(std::max(n, 0)));
    for (int i = 0; i < n; ++i)
        nodes[size_t(i)] = std::cos(double(2 * i + 1) * kPi / double(2 * n));
    return nodes;
}

std::vector<double> chebyshevSecondKind(int n)
{
    if (n < 2)
        throw Error("Chebyshev points of the second kind need at least 2 nodes");
    std::vector<double> nodes(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        nodes[size_t(i)] = std::cos(double(i) * kPi / double(n - 1));
    return nodes;
}

at::Tensor parityCodeMatrix(int k, int r)
{
    const std::vector<double> alpha = chebyshevFirstKind(k);
    at::Tensor a = at::empty({r, k}, at::kDouble);
    auto acc = a.accessor<double, 2>();
    for (int i = 0; i < k; ++i) {
        double power = 1.0;
        for (int j = 0; j < r; ++j) {
            acc[j][i] = power;
            power *= alpha[size_t(i)];
        }
    }
    return a;
}

double conditionNumber(const at::Tensor& a, const std::vector<int>& columns)
{
    const at::Tensor cols = at::tensor(std::vector<int64_t>(columns.begin(), columns.end()), at::kLong);
    const at::Tensor s = at::linalg_svdvals(a.index_select(1, cols));
    const double smallest = s.min().item<double>();
    return smallest > 0 ? s.max().item<double>() / smallest : std::numeric_limits<double>::infinity();
}

at::Tensor leastSquaresDecoding(const at::Tensor& a, const std::vector<int>& erased)
{
    const int64_t r = a.size(0), k = a.size(1);
    std::vector<int64_t> s(erased.begin(), erased.end()), rest;
    for (int64_t i = 0; i < k; ++i)
        if (std::find(s.begin(), s.end(), i) == s.end())
            rest.push_back(i);
    const at::Tensor pinv = at::linalg_pinv(a.index_select(1, at::tensor(s, at::kLong))); // (|S|, r)
    at::Tensor m = at::zeros({int64_t(s.size()), k + r}, at::kDouble);
    if (!rest.empty()) {
        const at::Tensor restIdx = at::tensor(rest, at::kLong);
        m.index_copy_(1, restIdx, -pinv.matmul(a.index_select(1, restIdx)));
    }
    m.narrow(1, k, r).copy_(pinv);
    return m;
}

at::Tensor berrutWeights(const std::vector<double>& from, const std::vector<double>& at)
{
    at::Tensor w = at::empty({int64_t(at.size()), int64_t(from.size())}, at::kDouble);
    auto acc = w.accessor<double, 2>();
    for (size_t m = 0; m < at.size(); ++m) {
        double sum = 0;
        for (size_t i = 0; i < from.size(); ++i) {
            const double d = at[m] - from[i];
            if (std::abs(d) < kCollision)
                throw Error("Berrut interpolation: evaluation point " + std::to_string(at[m]) + " coincides with node "
                            + std::to_string(from[i]));
            acc[int64_t(m)][int64_t(i)] = ((i % 2) ? -1.0 : 1.0) / d;
            sum += acc[int64_t(m)][int64_t(i)];
        }
        for (size_t i = 0; i < from.size(); ++i)
            acc[int64_t(m)][int64_t(i)] /= sum;
    }
    return w;
}

BerrutNodes berrutNodes(int k, int r) { return {chebyshevFirstKind(k), chebyshevSecondKind(k + r)}; }

std::string berrutCollision(int k, int r)
{
    const BerrutNodes nodes = berrutNodes(k, r);
    for (size_t n = 0; n < nodes.workers.size(); ++n)
        for (size_t i = 0; i < nodes.data.size(); ++i)
            if (std::abs(nodes.workers[n] - nodes.data[i]) < kCollision)
                return "worker node z_" + std::to_string(n) + " = cos(" + std::to_string(n) + "pi/"
                       + std::to_string(k + r - 1) + ") coincides with data node alpha_" + std::to_string(i) + " = cos("
                       + std::to_string(2 * i + 1) + "pi/" + std::to_string(2 * k) + ")";
    return std::string();
}

std::vector<std::vector<int>> subsetsOfSize(int n, int e)
{
    std::vector<std::vector<int>> out;
    if (e < 0 || e > n)
        return out;
    std::vector<int> current(static_cast<size_t>(e));
    for (int i = 0; i < e; ++i)
        current[size_t(i)] = i;
    while (true) {
        out.push_back(current);
        int i = e - 1;
        while (i >= 0 && current[size_t(i)] == n - e + i)
            --i;
        if (i < 0)
            break;
        ++current[size_t(i)];
        for (int j = i + 1; j < e; ++j)
            current[size_t(j)] = current[size_t(j - 1)] + 1;
    }
    return out;
}

int64_t binomial(int n, int e)
{
    if (e < 0 || e > n)
        return 0;
    constexpr int64_t kCap = int64_t(1) << 40;
    int64_t c = 1;
    for (int i = 1; i <= e; ++i) {
        c = c * (n - e + i) / i;
        if (c > kCap)
            return kCap;
    }
    return c;
}

} // namespace parity
