#pragma once
#include "models/Network.h"

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <memory>

namespace parity {

/// The original's LeNet for gcommands (1x161x101): Conv5x5 1->20 [conv1],
/// MaxPool 2, ReLU; Conv5x5 20->20 [conv2], MaxPool 2, ReLU; Linear
/// 16280->1000 [fc1], ReLU, Linear 1000->C [fc2]. (The original's unused
/// Dropout2d [conv2_drop] has no parameters and is left out.)
class LeNet : public Network {
public:
    explicit LeNet(int64_t numClasses, int64_t height = 161, int64_t width = 101);
    at::Tensor forward(const at::Tensor& input) override;

private:
    int64_t m_height, m_width;
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
    torch::nn::Linear m_fc1{nullptr}, m_fc2{nullptr};
};

std::shared_ptr<Network> makeLeNet(int64_t numClasses);

} // namespace parity
