#include "losses/KlDivLoss.h"

#include "util/Error.h"

namespace parity {

at::Tensor KlDivLoss::parityLoss(const at::Tensor& /*output*/, const at::Tensor& /*target*/) const
{
    throw Error("loss.kldiv.KLDivLoss needs a trained encoder and decoder (train_encoder and train_decoder)");
}

at::Tensor KlDivLoss::maskedLoss(const at::Tensor& reconstructed, const at::Tensor& baseOutputs,
                                 const at::Tensor& /*labels*/) const
{
    const int64_t c = reconstructed.size(-1);
    const int64_t positions = reconstructed.numel() / c;
    const auto logPred = at::log_softmax(reconstructed.reshape({positions, c}), 1);
    const auto target = at::softmax(baseOutputs.reshape({positions, c}), 1);
    // Elementwise target * (log target - logPred), 0 where target is 0, as torch.nn.KLDivLoss.
    return at::kl_div(logPred, target, at::Reduction::None).sum() / double(positions);
}

} // namespace parity
