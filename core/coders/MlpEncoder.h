#pragma once
#include "coders/Encoder.h"

#include <torch/nn/modules/container/sequential.h>

#include <string>

namespace parity {

/// coders.mlp.MLPEncoder, applied per colour channel (docs/BEHAVIOUR.md §5): for each
/// channel c the k inputs' channel-c planes (D = H*W values each) are
/// flattened to k*D and mapped by
///   nn.0 Linear(kD, kD), nn.1 ReLU, nn.2 Linear(kD, rD)
/// to channel c of the r parity images. One set of weights for all channels;
/// PyTorch's default Linear initialisation (the original does none of its own).
/// Input (B, k, C*H*W) -> output (B, r, C*H*W).
class MlpEncoder : public Encoder {
public:
    MlpEncoder(int k, int r, ImageShape image);

    /// Trainable parameters for (k, r, image): kD(kD + 1) + rD(kD + 1).
    static int64_t parameterCount(int k, int r, const ImageShape& image);
    /// For the catalogue: "" when the encoder fits in memory, else why not
    /// (e.g. 3x224x224 would need 10^10 weights: refused above 2^28).
    static std::string unsupportedReason(int k, const ImageShape& image);

    at::Tensor forward(const at::Tensor& groups) override;

private:
    torch::nn::Sequential m_nn{nullptr};
};

} // namespace parity
