#include "models/LeNet.h"

namespace parity {

LeNet::LeNet(int64_t numClasses, int64_t height, int64_t width)
    : m_height(height)
    , m_width(width)
{
    m_conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 20, 5)));
    m_conv2 = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(20, 20, 5)));
    // 161x101 -> 157x97 -> 78x48 -> 74x44 -> 37x22: 20 * 37 * 22 = 16280.
    const int64_t h = ((height - 4) / 2 - 4) / 2;
    const int64_t w = ((width - 4) / 2 - 4) / 2;
    m_fc1 = register_module("fc1", torch::nn::Linear(20 * h * w, 1000));
    m_fc2 = register_module("fc2", torch::nn::Linear(1000, numClasses));
}

at::Tensor LeNet::forward(const at::Tensor& input)
{
    at::Tensor x = input.reshape({-1, 1, m_height, m_width});
    x = at::relu(at::max_pool2d(m_conv1->forward(x), {2, 2}));
    x = at::relu(at::max_pool2d(m_conv2->forward(x), {2, 2}));
    x = at::relu(m_fc1->forward(x.reshape({x.size(0), -1})));
    return m_fc2->forward(x);
}

std::shared_ptr<Network> makeLeNet(int64_t numClasses) { return std::make_shared<LeNet>(numClasses); }

} // namespace parity
