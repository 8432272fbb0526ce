#include "coders/SubtractionDecoder.h"

#include "coders/LinearCodes.h"

namespace parity {

SubtractionDecoder::SubtractionDecoder(int k, int r, int64_t numClasses)
    : Decoder(k, r, numClasses)
{
    if (r > 1)
        m_code = parityCodeMatrix(k, r);
}

at::Tensor SubtractionDecoder::forward(const at::Tensor& in)
{
    auto out = in.select(1, in.size(1) - 1) - in.narrow(1, 0, in.size(1) - 1).sum(1);
    return out.unsqueeze(1).expand({in.size(0), m_k, in.size(2)}).contiguous();
}

at::Tensor SubtractionDecoder::reconstructAll(const at::Tensor& base, const at::Tensor& parity)
{
    if (m_r > 1) {
        std::vector<at::Tensor> single;
        for (int e = 0; e < m_k; ++e)
            single.push_back(reconstruct(base, parity, {e}));
        return at::cat(single, 1);
    }
    // Fp(P) - (S - F(Xe)) for every e, in one pass instead of k decoder calls.
    auto missing = parity.select(1, 0) - base.sum(1); // (B, C)
    return base + missing.unsqueeze(1);
}

at::Tensor SubtractionDecoder::combineAll(const at::Tensor& baseOutputs) const
{
    if (m_r == 1)
        return Decoder::combineAll(baseOutputs);
    return at::matmul(m_code.to(baseOutputs.dtype()), baseOutputs); // (r, k) x (B, k, C)
}

at::Tensor SubtractionDecoder::reconstruct(const at::Tensor& base, const at::Tensor& parity,
                                           const std::vector<int>& missing)
{
    const at::Tensor m = decodingFor(missing).to(base.dtype());
    return at::matmul(m, at::cat({base, parity.narrow(1, 0, m_r)}, 1)); // (|S|, k+r) x (B, k+r, C)
}

at::Tensor SubtractionDecoder::decodingFor(const std::vector<int>& missing)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_decoding.find(missing);
    if (it == m_decoding.end()) {
        const at::Tensor code = m_r == 1 ? at::ones({1, m_k}, at::kDouble) : m_code;
        it = m_decoding.emplace(missing, leastSquaresDecoding(code, missing).to(at::kFloat)).first;
    }
    return it->second;
}

} // namespace parity
