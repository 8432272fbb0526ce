#pragma once
#include "losses/Loss.h"

namespace parity {

/// torch.nn.CrossEntropyLoss in the original's MaskedLoss (trained decoder
/// only): row loss = -log_softmax(prediction)[true label], averaged over the
/// B*k erased positions. Compares with the true labels. Only with trained
/// coders (docs/BEHAVIOUR.md §2): parityLoss throws parity::Error.
class CrossEntropyLoss : public Loss {
public:
    at::Tensor parityLoss(const at::Tensor& output, const at::Tensor& target) const override;
    at::Tensor maskedLoss(const at::Tensor& reconstructed, const at::Tensor& baseOutputs,
                          const at::Tensor& labels) const override;
    bool usesTrueLabels() const override { return true; }
};

} // namespace parity
