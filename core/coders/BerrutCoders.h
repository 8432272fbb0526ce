#pragma once
#include "coders/Decoder.h"
#include "coders/Encoder.h"

#include <map>
#include <mutex>

namespace parity {

/// Berrut approximate coded computing (BACC, Jahani-Nezhad & Maddah-Ali;
/// ApproxIFER, Soleymani et al. 2021), docs/CODES.md. Nothing is trained:
/// N = k + r workers each run the unchanged base model on a coded query
///   X~_n = sum_i w_i(z_n) X_i,  w_i(z) = ((-1)^i / (z - alpha_i)) / sum_j (-1)^j / (z - alpha_j),
/// data nodes alpha = Chebyshev points of the first kind (k), worker nodes
/// z = Chebyshev points of the second kind (N). Output (B, N, D).
class BerrutEncoder : public Encoder {
public:
    BerrutEncoder(int k, int r, ImageShape image);
    at::Tensor forward(const at::Tensor& groups) override;
    int outputs() const override { return m_k + m_r; }

private:
    at::Tensor m_weights; ///< (N, k) float
};

/// The decoder of BerrutEncoder: from the returned workers R (sorted by
/// node), every one of the k predictions is the Berrut interpolant of
/// (z_n, Y~_n), n in R, evaluated at alpha_i, so all are approximate, also
/// with no worker missing. Scored with 0..k of the N workers missing.
class BerrutDecoder : public Decoder {
public:
    BerrutDecoder(int k, int r, int64_t numClasses);
    /// `in` (N, k + r, C): the k base outputs (unused) and the N = k + r worker
    /// outputs; decodes from all workers.
    at::Tensor forward(const at::Tensor& in) override;
    at::Tensor reconstructAll(const at::Tensor& base, const at::Tensor& parity) override;
    at::Tensor reconstruct(const at::Tensor& base, const at::Tensor& parity, const std::vector<int>& missing) override;

    int units() const override { return m_k + m_r; }
    int minErased() const override { return 0; }
    int maxErased() const override { return m_k; }
    bool decodesEveryPosition() const override { return true; }

private:
    /// (k, N) float: the interpolation weights from the workers not in `missing`.
    at::Tensor decodingFor(const std::vector<int>& missing);

    std::mutex m_mutex;
    std::map<std::vector<int>, at::Tensor> m_decoding;
};

} // namespace parity
