#pragma once
#include "models/Network.h"

#include <ATen/ATen.h>

#include <vector>

namespace parity {

/// The training step of the original's main case — a parity model that is a
/// Linear/ReLU chain (base-mlp), fixed encoder and decoder, MSE against the
/// decoder's combined target — computed without autograd:
///   forward   h_0 = P,  z_l = h_{l-1} W_l^T + b_l,  h_l = relu(z_l),  out = z_L
///   loss      mean((out - T)^2) over the B x C entries
///   backward  g_L = 2 (out - T) / (B C);  dW_l = g_l^T h_{l-1};  db_l = sum_rows g_l;
///             g_{l-1} = (g_l W_l) * [h_{l-1} > 0]
/// The same arithmetic as autograd's, in a third of the tensor operations:
/// with a 178k-parameter model the bookkeeping of the autograd graph costs as
/// much as the matrix products themselves (bench/README.md).
class FusedMlpStep {
public:
    explicit FusedMlpStep(std::vector<torch::nn::Linear> layers);

    /// Runs forward and backward for parity inputs (B, D) and targets (B, C);
    /// sets each parameter's .grad() and returns the parity outputs (B, C).
    at::Tensor run(const at::Tensor& input, const at::Tensor& target, double* loss);

private:
    std::vector<torch::nn::Linear> m_layers;
};

} // namespace parity
