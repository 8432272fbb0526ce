#pragma once
#include "coders/Decoder.h"

namespace parity {

/// coders.summation.SubtractionDecoder:
///   forward: out = in[k] - sum_{j<k} in[j]   (erased entry already zero),
///            repeated for each of the k positions;
///   combine: sum of the k base outputs;
/// so the reconstruction of erased position e is Fp(P) - sum_{j != e} F(Xj).
class SubtractionDecoder : public Decoder {
public:
    using Decoder::Decoder;
    at::Tensor forward(const at::Tensor& in) override;
    at::Tensor reconstructAll(const at::Tensor& base, const at::Tensor& parity) override;
};

} // namespace parity
