#include "coders/ConvEncoder.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>

namespace parity {

namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t dilation)
{
    return torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, kernel).stride(1).padding(kernel == 1 ? 0 : dilation).dilation(dilation));
}

} // namespace

ConvEncoder::ConvEncoder(int k, int r, ImageShape image, int channelsMultiplier)
    : Encoder(k, r, image)
{
    const int64_t m = int64_t(channelsMultiplier) * k;
    torch::nn::Sequential seq;
    seq->push_back(conv(k, m, 3, 1));
    seq->push_back(torch::nn::ReLU());
    for (int64_t dilation : {1, 2, 4, 8, 1}) {
        seq->push_back(conv(m, m, 3, dilation));
        seq->push_back(torch::nn::ReLU());
    }
    seq->push_back(conv(m, r, 1, 1));
    m_nn = register_module("nn", seq);
}

at::Tensor ConvEncoder::forward(const at::Tensor& groups)
{
    const int64_t b = groups.size(0);
    const int64_t c = m_image.channels;
    const int64_t h = m_image.height, w = m_image.width;
    // (B, k, C, H, W) -> (B*C, k, H, W): the k planes of one channel per image.
    auto planes = groups.reshape({b, m_k, c, h * w}).transpose(1, 2).reshape({b * c, m_k, h, w});
    auto out = m_nn->forward(planes); // (B*C, r, H, W)
    return out.view({b, c, m_r, h * w}).transpose(1, 2).reshape({b, m_r, c * h * w});
}

} // namespace parity
