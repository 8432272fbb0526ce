#include "coders/SubtractionDecoder.h"

namespace parity {

at::Tensor SubtractionDecoder::forward(const at::Tensor& in)
{
    auto out = in.select(1, in.size(1) - 1) - in.narrow(1, 0, in.size(1) - 1).sum(1);
    return out.unsqueeze(1).expand({in.size(0), m_k, in.size(2)}).contiguous();
}

at::Tensor SubtractionDecoder::reconstructAll(const at::Tensor& base, const at::Tensor& parity)
{
    // Fp(P) - (S - F(Xe)) for every e, in one pass instead of k decoder calls.
    auto missing = parity.select(1, 0) - base.sum(1); // (B, C)
    return base + missing.unsqueeze(1);
}

} // namespace parity
