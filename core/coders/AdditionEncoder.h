#pragma once
#include "coders/Encoder.h"

namespace parity {

/// coders.summation.AdditionEncoder: P = X1 + ... + Xk, elementwise over
/// every channel and pixel. Output (B, 1, D).
class AdditionEncoder : public Encoder {
public:
    using Encoder::Encoder;
    at::Tensor forward(const at::Tensor& groups) override;
};

} // namespace parity
