#include "coders/AdditionEncoder.h"

#include "coders/LinearCodes.h"

namespace parity {

AdditionEncoder::AdditionEncoder(int k, int r, ImageShape image)
    : Encoder(k, r, image)
{
    if (r > 1)
        m_code = parityCodeMatrix(k, r).to(at::kFloat);
}

at::Tensor AdditionEncoder::forward(const at::Tensor& groups)
{
    if (m_r == 1) // the original's sum, bit for bit
        return groups.sum(1).view({groups.size(0), m_r, -1});
    const at::Tensor flat = groups.reshape({groups.size(0), m_k, -1});
    return at::matmul(m_code.to(flat.dtype()), flat); // (r, k) x (B, k, D) -> (B, r, D)
}

} // namespace parity
