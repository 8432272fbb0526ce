#include "coders/MlpEncoder.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>

namespace parity {

MlpEncoder::MlpEncoder(int k, int r, ImageShape image)
    : Encoder(k, r, image)
{
    const int64_t d = int64_t(image.height) * image.width;
    m_nn = register_module("nn", torch::nn::Sequential(torch::nn::Linear(k * d, k * d), torch::nn::ReLU(),
                                                       torch::nn::Linear(k * d, r * d)));
}

int64_t MlpEncoder::parameterCount(int k, int r, const ImageShape& image)
{
    const int64_t d = int64_t(image.height) * image.width;
    return k * d * (k * d + 1) + r * d * (k * d + 1);
}

std::string MlpEncoder::unsupportedReason(int k, const ImageShape& image)
{
    constexpr int64_t kMaxParameters = int64_t(1) << 28;
    const int64_t n = parameterCount(k, 1, image);
    if (n > kMaxParameters)
        return "coders.mlp.MLPEncoder for k = " + std::to_string(k) + " and " + image.toString() + " images needs "
               + std::to_string(n) + " parameters (more than " + std::to_string(kMaxParameters)
               + "); use it with small images (MNIST, CIFAR)";
    return std::string();
}

at::Tensor MlpEncoder::forward(const at::Tensor& groups)
{
    const int64_t b = groups.size(0);
    const int64_t c = m_image.channels;
    const int64_t d = int64_t(m_image.height) * m_image.width;
    // (B, k, C, D) -> (B, C, k, D): one row of k planes per (group, channel).
    auto rows = groups.reshape({b, m_k, c, d}).transpose(1, 2).reshape({b * c, m_k * d});
    auto out = m_nn->forward(rows); // (B*C, r*D)
    return out.view({b, c, m_r, d}).transpose(1, 2).reshape({b, m_r, c * d});
}

} // namespace parity
