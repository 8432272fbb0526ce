#pragma once
#include "losses/Loss.h"

namespace parity {

/// loss.kldiv.KLDivLoss in the original's MaskedLoss (trained decoder only):
///   row loss  = sum_c p_c (log p_c - log q_c),  p = softmax(target),
///               log q = log_softmax(prediction)   (torch.nn.KLDivLoss,
///               reduction "none", summed over C by the masked sum)
///   masked    = sum over the B*k erased positions / (B k)
/// Targets are the base model's outputs. Only with trained coders (docs/BEHAVIOUR.md §2):
/// parityLoss throws parity::Error.
class KlDivLoss : public Loss {
public:
    at::Tensor parityLoss(const at::Tensor& output, const at::Tensor& target) const override;
    at::Tensor maskedLoss(const at::Tensor& reconstructed, const at::Tensor& baseOutputs,
                          const at::Tensor& labels) const override;
};

} // namespace parity
