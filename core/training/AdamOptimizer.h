#pragma once
#include <ATen/ATen.h>

#include <string>
#include <utility>
#include <vector>

namespace parity {

/// torch.optim.Adam (no amsgrad), the update of PyTorch 1.13 per element:
///   g  = grad + weight_decay * p
///   m  = beta1 m + (1 - beta1) g
///   v  = beta2 v + (1 - beta2) g^2
///   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// done in one fused pass over each parameter's memory instead of ~8 tensor
/// operations per parameter: with small models the per-op overhead of
/// LibTorch would otherwise cost more than the arithmetic.
class AdamOptimizer {
public:
    struct Options {
        double lr = 1e-3;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
        double weightDecay = 0;
    };

    AdamOptimizer(std::vector<at::Tensor> parameters, Options options);

    /// Clears every gradient (to undefined, like zero_grad(set_to_none=True)).
    void zeroGrad();
    void step();

    int64_t stepCount() const { return m_step; }
    /// State for checkpoints: "step", "exp_avg.<i>", "exp_avg_sq.<i>".
    std::vector<std::pair<std::string, at::Tensor>> state() const;
    /// Restores state(); throws parity::Error naming `source` on a mismatch.
    void loadState(const std::vector<std::pair<std::string, at::Tensor>>& state, const std::string& source);

private:
    std::vector<at::Tensor> m_params;
    std::vector<at::Tensor> m_expAvg;
    std::vector<at::Tensor> m_expAvgSq;
    Options m_options;
    int64_t m_step = 0;
};

} // namespace parity
