#include "losses/CrossEntropyLoss.h"

#include "util/Error.h"

namespace parity {

at::Tensor CrossEntropyLoss::parityLoss(const at::Tensor& /*output*/, const at::Tensor& /*target*/) const
{
    throw Error("torch.nn.CrossEntropyLoss needs a trained encoder and decoder (train_encoder and train_decoder)");
}

at::Tensor CrossEntropyLoss::maskedLoss(const at::Tensor& reconstructed, const at::Tensor& /*baseOutputs*/,
                                        const at::Tensor& labels) const
{
    const int64_t c = reconstructed.size(-1);
    const int64_t positions = reconstructed.numel() / c;
    const auto perRow = at::cross_entropy_loss(reconstructed.reshape({positions, c}), labels.reshape({positions}), {},
                                               at::Reduction::None);
    return perRow.sum() / double(positions);
}

} // namespace parity
