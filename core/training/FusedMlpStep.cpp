#include "training/FusedMlpStep.h"

#include <c10/core/InferenceMode.h>

namespace parity {

FusedMlpStep::FusedMlpStep(std::vector<torch::nn::Linear> layers)
    : m_layers(std::move(layers))
{
}

at::Tensor FusedMlpStep::run(const at::Tensor& input, const at::Tensor& target, double* loss)
{
    // No graph is recorded: the gradients are computed explicitly below.
    at::AutoDispatchBelowADInplaceOrView noAutograd;
    const size_t n = m_layers.size();
    std::vector<at::Tensor> activations; // h_0 .. h_{L-1}
    activations.reserve(n);
    at::Tensor h = input.reshape({input.size(0), -1});
    for (size_t l = 0; l < n; ++l) {
        activations.push_back(h);
        h = at::addmm(m_layers[l]->bias, h, m_layers[l]->weight.t());
        if (l + 1 < n)
            h.clamp_min_(0);
    }
    const at::Tensor out = h;
    const double count = double(out.numel());
    *loss = at::mse_loss(out, target).item<double>(); // reduced exactly as the generic path does
    at::Tensor g = (out - target).mul_(2.0 / count);
    for (size_t l = n; l-- > 0;) {
        auto& layer = m_layers[l];
        layer->weight.mutable_grad() = at::mm(g.t(), activations[l]);
        layer->bias.mutable_grad() = g.sum(0);
        if (l > 0)
            g = at::mm(g, layer->weight).mul_(activations[l].gt(0));
    }
    return out;
}

} // namespace parity
