#pragma once
#include <ATen/ATen.h>

#include <string>

namespace parity {

/// A training loss in both of the original's forms (docs/BEHAVIOUR.md §3.5).
class Loss {
public:
    virtual ~Loss() = default;

    /// Fixed decoder: compare the parity output (B, C) with the decoder's
    /// combined target (B, C), mean reduction.
    virtual at::Tensor parityLoss(const at::Tensor& output, const at::Tensor& target) const = 0;

    /// Trained decoder, masked form: only the erased position counts.
    /// `reconstructed` (B, k, C) holds, at [b, e], the decoder's output for
    /// position e when e is erased; `baseOutputs` (B, k, C) and `labels`
    /// (B, k) are the targets. Per-row loss (summed over C), averaged over
    /// the B*k erased positions.
    virtual at::Tensor maskedLoss(const at::Tensor& reconstructed, const at::Tensor& baseOutputs,
                                  const at::Tensor& labels) const = 0;

    /// CrossEntropy compares with the true labels, the others with base outputs.
    virtual bool usesTrueLabels() const { return false; }
};

/// torch.nn.MSELoss.
///   parity:  mean over all elements of (out - target)^2
///   masked:  sum_{b,e} sum_c (rec[b,e,c] - F(X_{b,e})[c])^2 / (B k)
class MseLoss : public Loss {
public:
    at::Tensor parityLoss(const at::Tensor& output, const at::Tensor& target) const override;
    at::Tensor maskedLoss(const at::Tensor& reconstructed, const at::Tensor& baseOutputs,
                          const at::Tensor& labels) const override;
};

} // namespace parity
