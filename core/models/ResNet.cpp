#include "models/ResNet.h"

#include <torch/nn/functional/pooling.h>

#include <cmath>
#include <string>

namespace parity {

namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

} // namespace

BasicBlockImpl::BasicBlockImpl(int64_t inPlanes, int64_t planes, int64_t stride)
{
    m_conv1 = register_module("conv1", conv(inPlanes, planes, 3, stride, 1));
    m_bn1 = register_module("bn1", torch::nn::BatchNorm2d(planes));
    m_conv2 = register_module("conv2", conv(planes, planes, 3, 1, 1));
    m_bn2 = register_module("bn2", torch::nn::BatchNorm2d(planes));
    if (stride != 1 || inPlanes != planes)
        m_downsample = register_module("downsample", torch::nn::Sequential(conv(inPlanes, planes, 1, stride, 0),
                                                                           torch::nn::BatchNorm2d(planes)));
}

bool BasicBlockImpl::usesMkldnn() const
{
    return ConvBnFold::usesMkldnn(*m_conv1, *m_bn1) && ConvBnFold::usesMkldnn(*m_conv2, *m_bn2)
           && (!m_downsample
               || ConvBnFold::usesMkldnn(*m_downsample->ptr(0)->as<torch::nn::Conv2d>(),
                                         *m_downsample->ptr(1)->as<torch::nn::BatchNorm2d>()));
}

at::Tensor BasicBlockImpl::forward(const at::Tensor& x) { return run(x, false); }

at::Tensor BasicBlockImpl::forwardMkldnn(const at::Tensor& x) { return run(x, true); }

at::Tensor BasicBlockImpl::run(const at::Tensor& x, bool mkldnn)
{
    auto pair = [mkldnn](ConvBnFold& fold, torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn,
                         const at::Tensor& in) {
        return mkldnn ? fold.forwardMkldnn(conv, bn, in) : fold.forward(conv, bn, in);
    };
    at::Tensor out = pair(m_fold1, *m_conv1, *m_bn1, x).relu_();
    out = pair(m_fold2, *m_conv2, *m_bn2, out);
    if (m_downsample)
        out += pair(m_foldDown, *m_downsample->ptr(0)->as<torch::nn::Conv2d>(),
                    *m_downsample->ptr(1)->as<torch::nn::BatchNorm2d>(), x);
    else
        out += x;
    return out.relu_();
}

void BasicBlockImpl::train(bool on)
{
    torch::nn::Module::train(on);
    m_fold1.invalidate();
    m_fold2.invalidate();
    m_foldDown.invalidate();
}

ResNet::ResNet(const ResNetOptions& options)
    : m_options(options)
{
    if (options.imageNetStem)
        m_conv1 = register_module("conv1", conv(options.inChannels, 64, 7, 2, 3));
    else
        m_conv1 = register_module("conv1", conv(options.inChannels, 64, 3, 1, 1));
    m_bn1 = register_module("bn1", torch::nn::BatchNorm2d(64));

    int64_t inPlanes = 64;
    for (size_t stage = 0; stage < options.blocks.size(); ++stage) {
        const int64_t planes = int64_t(64) << stage;
        torch::nn::Sequential layer;
        for (int64_t b = 0; b < options.blocks[stage]; ++b) {
            const int64_t stride = (b == 0 && stage > 0) ? 2 : 1;
            layer->push_back(BasicBlock(inPlanes, planes, stride));
            inPlanes = planes;
        }
        m_layers.push_back(register_module("layer" + std::to_string(stage + 1), layer));
    }
    m_fc = register_module("fc", torch::nn::Linear(inPlanes, options.numClasses));

    // The original's initialisation (torchvision's kaiming_normal_ fan_out is the same law).
    torch::NoGradGuard noGrad;
    for (const auto& m : modules(/*include_self=*/false)) {
        if (auto* c = m->as<torch::nn::Conv2d>()) {
            const auto& k = c->options.kernel_size();
            const double n = double((*k)[0] * (*k)[1] * c->options.out_channels());
            c->weight.normal_(0.0, std::sqrt(2.0 / n));
        } else if (auto* bn = m->as<torch::nn::BatchNorm2d>()) {
            bn->weight.fill_(1.0);
            bn->bias.zero_();
        }
    }
}

bool ResNet::usesMkldnn(const at::Tensor& input) const
{
    if (!ConvBnFold::mkldnnInput(input) || !ConvBnFold::usesMkldnn(*m_conv1, *m_bn1))
        return false;
    for (const auto& layer : m_layers)
        for (const auto& block : *layer)
            if (!block.ptr()->as<BasicBlock>()->usesMkldnn())
                return false;
    return true;
}

at::Tensor ResNet::forward(const at::Tensor& input)
{
    at::Tensor x = input.reshape({-1, m_options.inChannels, m_options.height, m_options.width});
    // On oneDNN's blocked tensors where it can, back to a dense one for fc.
    const bool mkldnn = usesMkldnn(x);
    x = mkldnn ? m_fold1.forwardMkldnn(*m_conv1, *m_bn1, x.to_mkldnn()) : m_fold1.forward(*m_conv1, *m_bn1, x);
    x = x.relu_();
    if (m_options.imageNetStem)
        x = at::max_pool2d(x, {3, 3}, {2, 2}, {1, 1});
    for (auto& layer : m_layers)
        for (auto& block : *layer)
            x = mkldnn ? block.ptr()->as<BasicBlock>()->forwardMkldnn(x) : block.ptr()->as<BasicBlock>()->forward(x);
    if (m_options.avgPoolKernel > 0)
        x = at::avg_pool2d(x, {m_options.avgPoolKernel, m_options.avgPoolKernel});
    else
        x = at::adaptive_avg_pool2d(x, {1, 1});
    if (mkldnn)
        x = x.to_dense();
    return m_fc->forward(x.reshape({x.size(0), -1}));
}

void ResNet::train(bool on)
{
    Network::train(on);
    m_fold1.invalidate();
}

std::shared_ptr<Network> makeResNet18Grey28(int64_t numClasses)
{
    ResNetOptions o;
    o.inChannels = 1;
    o.height = o.width = 28;
    o.blocks = {2, 2, 2};
    o.numClasses = numClasses;
    o.avgPoolKernel = 7;
    return std::make_shared<ResNet>(o);
}

std::shared_ptr<Network> makeResNet18Cifar(int64_t inChannels, int64_t numClasses)
{
    ResNetOptions o;
    o.inChannels = inChannels;
    o.height = o.width = 32;
    o.blocks = {2, 2, 2, 2};
    o.numClasses = numClasses;
    o.avgPoolKernel = 4;
    return std::make_shared<ResNet>(o);
}

std::shared_ptr<Network> makeResNet152Cifar(int64_t numClasses)
{
    ResNetOptions o;
    o.inChannels = 3;
    o.height = o.width = 32;
    o.blocks = {3, 8, 36, 3};
    o.numClasses = numClasses;
    o.avgPoolKernel = 4;
    return std::make_shared<ResNet>(o);
}

std::shared_ptr<Network> makeResNet18ImageNet(int64_t numClasses, int64_t height, int64_t width)
{
    ResNetOptions o;
    o.inChannels = 3;
    o.height = height;
    o.width = width;
    o.blocks = {2, 2, 2, 2};
    o.numClasses = numClasses;
    o.imageNetStem = true;
    o.avgPoolKernel = 0;
    return std::make_shared<ResNet>(o);
}

} // namespace parity
