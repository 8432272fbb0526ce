#include "models/Network.h"

#include "models/TorchScriptNetwork.h"

#include <torch/nn/init.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <cmath>

namespace parity {

namespace {

// A layer of a TorchScript model, by its Python class name. Its running
// statistics are reset too: the parity copy starts as a fresh layer would.
void initScriptedLayer(ScriptedLayer& layer)
{
    const std::string& kind = layer.kind();
    auto params = layer.named_parameters(/*recurse=*/false);
    auto buffers = layer.named_buffers(/*recurse=*/false);
    at::Tensor* weight = params.find("weight");
    at::Tensor* bias = params.find("bias");
    if (kind == "Linear") {
        if (weight)
            weight->normal_(0.0, 0.01);
    } else if (kind == "Conv1d" || kind == "Conv2d" || kind == "Conv3d") {
        if (weight)
            torch::nn::init::xavier_uniform_(*weight, std::sqrt(2.0));
    } else if (kind == "BatchNorm1d" || kind == "BatchNorm2d" || kind == "BatchNorm3d") {
        if (weight)
            weight->fill_(1.0);
        if (at::Tensor* mean = buffers.find("running_mean"))
            mean->zero_();
        if (at::Tensor* var = buffers.find("running_var"))
            var->fill_(1.0);
        if (at::Tensor* count = buffers.find("num_batches_tracked"))
            count->zero_();
    } else {
        return; // no rule: the layer keeps the values it came with
    }
    if (bias && bias->defined())
        bias->zero_();
}

} // namespace

void initFreshWeights(torch::nn::Module& module)
{
    torch::NoGradGuard noGrad;
    for (const auto& m : module.modules(/*include_self=*/true)) {
        if (auto* linear = m->as<torch::nn::Linear>()) {
            linear->weight.normal_(0.0, 0.01);
            if (linear->bias.defined())
                linear->bias.zero_();
        } else if (auto* conv = m->as<torch::nn::Conv2d>()) {
            torch::nn::init::xavier_uniform_(conv->weight, std::sqrt(2.0));
            if (conv->bias.defined())
                conv->bias.zero_();
        } else if (auto* conv1 = m->as<torch::nn::Conv1d>()) {
            torch::nn::init::xavier_uniform_(conv1->weight, std::sqrt(2.0));
            if (conv1->bias.defined())
                conv1->bias.zero_();
        } else if (auto* bn2 = m->as<torch::nn::BatchNorm2d>()) {
            bn2->weight.fill_(1.0);
            bn2->bias.zero_();
        } else if (auto* bn1 = m->as<torch::nn::BatchNorm1d>()) {
            bn1->weight.fill_(1.0);
            bn1->bias.zero_();
        } else if (auto* scripted = m->as<ScriptedLayer>()) {
            initScriptedLayer(*scripted);
        }
    }
}

int64_t countParameters(const torch::nn::Module& module)
{
    int64_t n = 0;
    for (const auto& p : module.parameters(/*recurse=*/true))
        n += p.numel();
    return n;
}

void copyWeights(const torch::nn::Module& source, torch::nn::Module& target)
{
    torch::NoGradGuard noGrad;
    auto src = source.named_parameters(true);
    for (auto& item : target.named_parameters(true))
        item.value().copy_(src[item.key()]);
    auto srcBuffers = source.named_buffers(true);
    for (auto& item : target.named_buffers(true))
        item.value().copy_(srcBuffers[item.key()]);
}

} // namespace parity
