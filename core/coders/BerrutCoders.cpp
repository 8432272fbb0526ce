#include "coders/BerrutCoders.h"

#include "coders/LinearCodes.h"
#include "util/Error.h"

#include <algorithm>

namespace parity {

namespace {
// validateRun refuses colliding nodes first; a coder built directly says so too.
void requireDistinctNodes(const char* className, int k, int r)
{
    const std::string collision = berrutCollision(k, r);
    if (!collision.empty())
        throw Error(std::string(className) + " for k = " + std::to_string(k) + ", ec_r = " + std::to_string(r) + ": "
                    + collision);
}
} // namespace

BerrutEncoder::BerrutEncoder(int k, int r, ImageShape image)
    : Encoder(k, r, image)
{
    requireDistinctNodes("coders.berrut.BerrutEncoder", k, r);
    const BerrutNodes nodes = berrutNodes(k, r);
    m_weights = berrutWeights(nodes.data, nodes.workers).to(at::kFloat);
}

at::Tensor BerrutEncoder::forward(const at::Tensor& groups)
{
    const at::Tensor flat = groups.reshape({groups.size(0), m_k, -1});
    return at::matmul(m_weights.to(flat.dtype()), flat); // (N, k) x (B, k, D) -> (B, N, D)
}

BerrutDecoder::BerrutDecoder(int k, int r, int64_t numClasses)
    : Decoder(k, r, numClasses)
{
    requireDistinctNodes("coders.berrut.BerrutDecoder", k, r);
}

at::Tensor BerrutDecoder::forward(const at::Tensor& in)
{
    return reconstruct(in.narrow(1, 0, m_k), in.narrow(1, m_k, m_k + m_r), {});
}

at::Tensor BerrutDecoder::reconstructAll(const at::Tensor& base, const at::Tensor& parity)
{
    return reconstruct(base, parity, {});
}

at::Tensor BerrutDecoder::reconstruct(const at::Tensor& /*base*/, const at::Tensor& parity,
                                      const std::vector<int>& missing)
{
    return at::matmul(decodingFor(missing).to(parity.dtype()), parity); // (k, N) x (B, N, C) -> (B, k, C)
}

at::Tensor BerrutDecoder::decodingFor(const std::vector<int>& missing)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_decoding.find(missing);
    if (it != m_decoding.end())
        return it->second;
    const int n = m_k + m_r;
    if (int(missing.size()) >= n)
        throw Error("Berrut decoding needs at least one of the " + std::to_string(n) + " workers");
    const BerrutNodes nodes = berrutNodes(m_k, m_r);
    std::vector<double> returned;
    std::vector<int64_t> columns;
    for (int w = 0; w < n; ++w)
        if (std::find(missing.begin(), missing.end(), w) == missing.end()) {
            returned.push_back(nodes.workers[size_t(w)]);
            columns.push_back(w);
        }
    at::Tensor full = at::zeros({m_k, n}, at::kDouble);
    full.index_copy_(1, at::tensor(columns, at::kLong), berrutWeights(returned, nodes.data));
    return m_decoding.emplace(missing, full.to(at::kFloat)).first->second;
}

} // namespace parity
