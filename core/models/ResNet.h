#pragma once
#include "models/ConvBnFold.h"
#include "models/Network.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <memory>
#include <vector>

namespace parity {

/// The original's BasicBlock (expansion 1): conv3x3 [conv1], BN [bn1], ReLU,
/// conv3x3 [conv2], BN [bn2], plus the shortcut, ReLU. The shortcut is a
/// 1x1 conv + BN [downsample.0/1] when stride or width changes, else identity.
class BasicBlockImpl : public torch::nn::Module {
public:
    BasicBlockImpl(int64_t inPlanes, int64_t planes, int64_t stride);
    at::Tensor forward(const at::Tensor& x);
    /// forward on an MKL-DNN tensor, returning one (ConvBnFold::forwardMkldnn).
    at::Tensor forwardMkldnn(const at::Tensor& x);
    /// Whether every conv + BN pair of the block can (ConvBnFold::usesMkldnn).
    bool usesMkldnn() const;
    void train(bool on = true) override;

private:
    /// The block with its pairs on dense or MKL-DNN tensors.
    at::Tensor run(const at::Tensor& x, bool mkldnn);

    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr};
    torch::nn::Sequential m_downsample{nullptr}; ///< null: identity shortcut
    // Each conv + BN pair as one convolution in eval passes (ConvBnFold).
    ConvBnFold m_fold1, m_fold2, m_foldDown;
};
TORCH_MODULE(BasicBlock);

/// How a ResNet of BasicBlocks is built (docs/BEHAVIOUR.md §4).
struct ResNetOptions {
    int64_t inChannels = 3;
    int64_t height = 32; ///< input the forward views its argument to
    int64_t width = 32;
    /// Blocks per stage; its length is the number of stages (planes 64, 128,
    /// 256, 512; stride 1 for the first stage, 2 for the others).
    std::vector<int64_t> blocks{2, 2, 2, 2};
    int64_t numClasses = 10;
    /// false: conv3x3 stride 1 stem (the original's resnet.py);
    /// true: torchvision's 7x7 stride-2 conv stem + max-pool 3/2/1.
    bool imageNetStem = false;
    /// Kernel of the final AvgPool2d (7 for 28x28, 4 for 32x32);
    /// 0: adaptive average pool to 1x1 (torchvision).
    int64_t avgPoolKernel = 4;
};

/// ResNet with state_dict names as the original's resnet.py / torchvision:
/// conv1, bn1, layer1.0.conv1, ..., layerN.0.downsample.0/1, fc.
/// Conv weights ~ N(0, sqrt(2 / (k*k*out))), BN weight 1 / bias 0, Linear
/// LibTorch's default, as in the original.
class ResNet : public Network {
public:
    explicit ResNet(const ResNetOptions& options);
    at::Tensor forward(const at::Tensor& input) override;
    void train(bool on = true) override;
    const ResNetOptions& options() const { return m_options; }
    /// Whether forward(input) runs its chain on MKL-DNN tensors: an eval
    /// pass without gradients on float CPU input (ConvBnFold::usesMkldnn).
    bool usesMkldnn(const at::Tensor& input) const;

private:
    ResNetOptions m_options;
    torch::nn::Conv2d m_conv1{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr};
    ConvBnFold m_fold1;
    std::vector<torch::nn::Sequential> m_layers;
    torch::nn::Linear m_fc{nullptr};
};

/// resnet18 for 1x28x28 (mnist, fashion-mnist): 3 stages, AvgPool 7, fc 256->C.
std::shared_ptr<Network> makeResNet18Grey28(int64_t numClasses);
/// resnet18 for CIFAR (Cx32x32): 4 stages, AvgPool 4, fc 512->C.
std::shared_ptr<Network> makeResNet18Cifar(int64_t inChannels, int64_t numClasses);
/// The original's "resnet152": the CIFAR ResNet with BasicBlocks [3, 8, 36, 3].
std::shared_ptr<Network> makeResNet152Cifar(int64_t numClasses);
/// torchvision's resnet18 (3x224x224 by default; adaptive pool, so other sizes work).
std::shared_ptr<Network> makeResNet18ImageNet(int64_t numClasses, int64_t height = 224, int64_t width = 224);

} // namespace parity
