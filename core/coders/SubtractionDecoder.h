#pragma once
#include "coders/Decoder.h"

#include <map>
#include <mutex>

namespace parity {

/// coders.summation.SubtractionDecoder:
///   forward: out = in[k] - sum_{j<k} in[j]   (erased entry already zero),
///            repeated for each of the k positions;
///   combine: sum of the k base outputs;
/// so the reconstruction of erased position e is Fp(P) - sum_{j != e} F(Xj).
///
/// With r > 1 parities (A = parityCodeMatrix(k, r), docs/CODES.md) parity j
/// targets sum_i a_{j,i} F(X_i), and erased positions S (|S| <= r) are solved
/// from A[:, S] F_S = Fp - A[:, ~S] F_~S by least squares.
class SubtractionDecoder : public Decoder {
public:
    SubtractionDecoder(int k, int r, int64_t numClasses);
    at::Tensor forward(const at::Tensor& in) override;
    at::Tensor reconstructAll(const at::Tensor& base, const at::Tensor& parity) override;
    at::Tensor combineAll(const at::Tensor& baseOutputs) const override;
    at::Tensor reconstruct(const at::Tensor& base, const at::Tensor& parity, const std::vector<int>& missing) override;

private:
    /// The least-squares decoding matrix of `missing` (float, |S| x (k + r)), computed once.
    at::Tensor decodingFor(const std::vector<int>& missing);

    at::Tensor m_code;  ///< A (r x k, float64); undefined for r = 1
    std::mutex m_mutex; ///< the inspector may decode beside the trainer
    std::map<std::vector<int>, at::Tensor> m_decoding;
};

} // namespace parity
