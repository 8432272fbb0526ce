#pragma once
#include "models/Network.h"

#include <torch/nn/modules/container/sequential.h>

namespace parity {

/// The original's base-mlp: Linear 784-200 [nn.0], ReLU, Linear 200-100
/// [nn.2], ReLU, Linear 100-C [nn.4]; 178,110 parameters for C = 10.
class BaseMlp : public Network {
public:
    explicit BaseMlp(int64_t inputSize = 784, int64_t numClasses = 10);
    at::Tensor forward(const at::Tensor& input) override;
    std::vector<torch::nn::Linear> linearChain() override;

private:
    int64_t m_inputSize;
    torch::nn::Sequential m_layers{nullptr};
};

} // namespace parity
