#pragma once
#include "models/ConvBnFold.h"
#include "models/Network.h"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include <memory>
#include <vector>

namespace parity {

/// The original's VGG for gcommands (1x161x101 spectrograms): per entry of
/// `config` a Conv3x3 pad 1 + BN + ReLU (value = width) or MaxPool 2 (value 0),
/// then AvgPool 1 (identity), all in [features.N]; then Linear 7680->512 [fc1]
/// and Linear 512->C [fc2], with no activation between them (as the original).
class Vgg : public Network {
public:
    Vgg(const std::vector<int64_t>& config, int64_t numClasses, int64_t height = 161, int64_t width = 101);
    at::Tensor forward(const at::Tensor& input) override;
    void train(bool on = true) override;
    /// Whether forward(input) runs its features on MKL-DNN tensors: an eval
    /// pass without gradients on float CPU input (ConvBnFold::usesMkldnn).
    bool usesMkldnn(const at::Tensor& input) const;

private:
    int64_t m_height, m_width;
    torch::nn::Sequential m_features{nullptr};
    /// Per Conv + BN pair of the features, in order: one convolution in eval passes.
    std::vector<std::unique_ptr<ConvBnFold>> m_folds;
    torch::nn::Linear m_fc1{nullptr}, m_fc2{nullptr};
};

/// VGG11: [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M].
std::shared_ptr<Network> makeVgg11(int64_t numClasses);

} // namespace parity
