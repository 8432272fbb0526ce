#pragma once
#include "coders/Decoder.h"

#include <torch/nn/modules/container/sequential.h>

namespace parity {

/// coders.mlp.MLPDecoder: the (k + r) x C decoder input flattened, then
///   nn.0 Linear((k+r)C, (k+r)C), ReLU, nn.2 Linear((k+r)C, kC), ReLU,
///   nn.4 Linear(kC, kC)
/// reshaped to (N, k, C). PyTorch's default Linear initialisation.
/// reconstructAll is Decoder's generic erase-and-pick path.
class MlpDecoder : public Decoder {
public:
    MlpDecoder(int k, int r, int64_t numClasses);
    at::Tensor forward(const at::Tensor& in) override;

private:
    torch::nn::Sequential m_nn{nullptr};
};

} // namespace parity
