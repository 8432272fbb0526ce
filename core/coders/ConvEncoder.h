#pragma once
#include "coders/Encoder.h"

#include <torch/nn/modules/container/sequential.h>

namespace parity {

/// coders.conv.ConvEncoder, applied per colour channel (docs/BEHAVIOUR.md §5): channel c
/// of the k inputs are the k input planes (H x W) and give channel c of the
/// r parity images. With m = 20 k intermediate channels:
///   nn.0  Conv3x3 k->m d1, nn.2 Conv3x3 m->m d1, nn.4 d2, nn.6 d4, nn.8 d8,
///   nn.10 Conv3x3 m->m d1 (padding = dilation, ReLU after each),
///   nn.12 Conv1x1 m->r.
/// PyTorch's default Conv2d initialisation (the original does none of its own).
/// Input (B, k, C*H*W) -> output (B, r, C*H*W).
class ConvEncoder : public Encoder {
public:
    ConvEncoder(int k, int r, ImageShape image, int channelsMultiplier = 20);
    at::Tensor forward(const at::Tensor& groups) override;

private:
    torch::nn::Sequential m_nn{nullptr};
};

} // namespace parity
