#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include <vector>

#include <ATen/ATen.h>

namespace parity {

/// A base or parity model: any torch::nn::Module with a single-tensor forward.
/// Inputs arrive flattened or batched in any leading layout; each network
/// views them to its own input shape, as the original's BaseModelWrapper did.
class Network : public torch::nn::Module {
public:
    virtual at::Tensor forward(const at::Tensor& input) = 0;

    /// For networks that are a plain chain Linear, ReLU, Linear, ..., Linear
    /// on flattened input: the Linear layers in order (the trainer then may
    /// use a fused step without autograd). Empty for everything else.
    virtual std::vector<torch::nn::Linear> linearChain() { return {}; }
};

/// Fresh-parity-model initialisation (docs/BEHAVIOUR.md §4): Linear weights ~ N(0, 0.01)
/// and bias 0; Conv weights Xavier-uniform with gain sqrt(2) and bias 0;
/// BatchNorm weight 1, bias 0. Draws from the global LibTorch generator.
/// Layers of a TorchScript model (ScriptedLayer) get the same rules by their
/// Python class name; layers of other kinds keep their values.
void initFreshWeights(torch::nn::Module& module);

/// Number of trainable parameters (BatchNorm running statistics excluded).
int64_t countParameters(const torch::nn::Module& module);

/// Deep copy of `source`'s parameters and buffers into `target` (same names).
void copyWeights(const torch::nn::Module& source, torch::nn::Module& target);

} // namespace parity
