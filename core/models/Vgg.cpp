#include "models/Vgg.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>

namespace parity {

Vgg::Vgg(const std::vector<int64_t>& config, int64_t numClasses, int64_t height, int64_t width)
    : m_height(height)
    , m_width(width)
{
    torch::nn::Sequential features;
    int64_t channels = 1;
    int64_t h = height, w = width;
    for (int64_t x : config) {
        if (x == 0) {
            features->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2).stride(2)));
            h /= 2;
            w /= 2;
        } else {
            features->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, x, 3).padding(1)));
            features->push_back(torch::nn::BatchNorm2d(x));
            m_folds.push_back(std::make_unique<ConvBnFold>());
            features->push_back(torch::nn::ReLU(torch::nn::ReLUOptions(/*inplace=*/true)));
            channels = x;
        }
    }
    features->push_back(torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(1).stride(1)));
    m_features = register_module("features", features);
    // The original hard-codes 7680 (= 512 x 5 x 3 for 161x101 input).
    m_fc1 = register_module("fc1", torch::nn::Linear(channels * h * w, 512));
    m_fc2 = register_module("fc2", torch::nn::Linear(512, numClasses));
}

bool Vgg::usesMkldnn(const at::Tensor& input) const
{
    if (!ConvBnFold::mkldnnInput(input))
        return false;
    for (auto it = m_features->begin(); it != m_features->end(); ++it) {
        auto* conv = it->ptr()->as<torch::nn::Conv2d>();
        auto* bn = (conv && it + 1 != m_features->end()) ? (it + 1)->ptr()->as<torch::nn::BatchNorm2d>() : nullptr;
        if (conv && !(bn && ConvBnFold::usesMkldnn(*conv, *bn)))
            return false;
    }
    return true;
}

at::Tensor Vgg::forward(const at::Tensor& input)
{
    at::Tensor out = input.reshape({-1, 1, m_height, m_width});
    // m_features->forward, with each Conv + BN pair through its fold; on
    // oneDNN's blocked tensors where it can (its ReLU and pooling run on them).
    const bool mkldnn = usesMkldnn(out);
    if (mkldnn)
        out = out.to_mkldnn();
    size_t fold = 0;
    for (auto it = m_features->begin(); it != m_features->end(); ++it) {
        auto* conv = it->ptr()->as<torch::nn::Conv2d>();
        auto* bn = (conv && it + 1 != m_features->end()) ? (it + 1)->ptr()->as<torch::nn::BatchNorm2d>() : nullptr;
        if (bn) {
            out = mkldnn ? m_folds.at(fold++)->forwardMkldnn(*conv, *bn, out)
                         : m_folds.at(fold++)->forward(*conv, *bn, out);
            ++it;
        } else {
            out = it->forward(out);
        }
    }
    if (mkldnn)
        out = out.to_dense();
    out = out.reshape({out.size(0), -1});
    return m_fc2->forward(m_fc1->forward(out));
}

void Vgg::train(bool on)
{
    Network::train(on);
    for (auto& fold : m_folds)
        fold->invalidate();
}

std::shared_ptr<Network> makeVgg11(int64_t numClasses)
{
    constexpr int64_t M = 0;
    return std::make_shared<Vgg>(std::vector<int64_t>{64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M},
                                 numClasses);
}

} // namespace parity
