#pragma once
#include "coders/Encoder.h"

namespace parity {

/// coders.summation.AdditionEncoder: P = X1 + ... + Xk, elementwise over
/// every channel and pixel. Output (B, 1, D). With r > 1 parities, parity j is
/// sum_i a_{j,i} X_i with A = parityCodeMatrix(k, r) (docs/CODES.md); its
/// first row is all ones, so parity 0 stays the sum.
class AdditionEncoder : public Encoder {
public:
    AdditionEncoder(int k, int r, ImageShape image);
    at::Tensor forward(const at::Tensor& groups) override;

private:
    at::Tensor m_code; ///< A as float (r x k); undefined for r = 1
};

} // namespace parity
