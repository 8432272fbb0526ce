#include "losses/Loss.h"

namespace parity {

at::Tensor MseLoss::parityLoss(const at::Tensor& output, const at::Tensor& target) const
{
    return at::mse_loss(output.reshape(target.sizes()), target);
}

at::Tensor MseLoss::maskedLoss(const at::Tensor& reconstructed, const at::Tensor& baseOutputs,
                               const at::Tensor& /*labels*/) const
{
    const int64_t positions = reconstructed.size(0) * reconstructed.size(1);
    return (reconstructed - baseOutputs).pow(2).sum() / double(positions);
}

} // namespace parity
