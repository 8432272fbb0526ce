#include "coders/Decoder.h"

#include <algorithm>

namespace parity {

at::Tensor Decoder::reconstructAll(const at::Tensor& base, const at::Tensor& parity)
{
    const int64_t b = base.size(0);
    const int64_t c = base.size(2);
    auto in = at::cat({base, parity}, 1); // (B, k+r, C)
    // Erasure masks: scenario e zeroes entry e (docs/BEHAVIOUR.md §3.5).
    auto keep = at::ones({m_k, m_k + m_r, 1}, base.options());
    for (int e = 0; e < m_k; ++e)
        keep[e][e].fill_(0);
    auto erased = (in.unsqueeze(1) * keep.unsqueeze(0)).reshape({b * m_k, m_k + m_r, c});
    auto decoded = forward(erased).reshape({b, m_k, m_k, c}); // (B, scenario, pos, C)
    return decoded.diagonal(0, 1, 2).permute({0, 2, 1});      // (B, k, C)
}

at::Tensor Decoder::reconstruct(const at::Tensor& base, const at::Tensor& parity, const std::vector<int>& missing)
{
    auto in = at::cat({base, parity}, 1); // (B, k+r, C)
    auto keep = at::ones({1, m_k + m_r, 1}, base.options());
    for (int e : missing)
        keep[0][e].fill_(0);
    const std::vector<int64_t> positions(missing.begin(), missing.end());
    return forward(in * keep).index_select(1, at::tensor(positions, at::kLong));
}

} // namespace parity
