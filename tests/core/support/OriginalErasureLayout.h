#pragma once
// The original trainer's erasure layout for a trained decoder, step for step
// (parity_model_trainer.py __forward, __gen_masks; loss/masked_loss.py), so
// loss tests can compare our masked losses against it.
#include "coders/Decoder.h"

#include <torch/torch.h>

namespace parity::test {

/// A learnable-looking decoder: one linear map of the whole (k+1) x C input
/// to k x C, so every output position differs and depends on every input.
class LinearProbeDecoder : public Decoder {
public:
    LinearProbeDecoder(int k, at::Tensor weight, int64_t numClasses = 10)
        : Decoder(k, 1, numClasses)
        , m_weight(std::move(weight))
    {
    }
    at::Tensor forward(const at::Tensor& in) override
    {
        return at::matmul(in.reshape({in.size(0), -1}), m_weight).reshape({in.size(0), m_k, m_numClasses});
    }

private:
    at::Tensor m_weight; // ((k+1) C, k C)
};

/// What the original feeds its MaskedLoss: every erasure scenario of every
/// group, decoded, with the matching targets and the accuracy mask.
struct OriginalErasure {
    at::Tensor decoded;     ///< (B*k, k, C)
    at::Tensor baseTargets; ///< (B*k, k, C): the base outputs, repeated per scenario
    at::Tensor trueLabels;  ///< (B*k, k)
    at::Tensor mask;        ///< (B*k*k) float: 1 at the erased position of each scenario
    int64_t numAttempt = 0; ///< number of erased positions (B*k)
};

inline OriginalErasure originalErasure(const at::Tensor& base, const at::Tensor& parityOut,
                                       const at::Tensor& trueLabels, Decoder& dec)
{
    const int64_t b = base.size(0), k = base.size(1), c = base.size(2);
    auto eraseMask = torch::ones({k, k + 1, c});
    auto accMask = torch::zeros({k, k}, torch::kUInt8);
    for (int64_t i = 0; i < k; ++i) {
        eraseMask[i][i].fill_(0);
        accMask[i][i] = 1;
    }
    const auto inDecode = torch::cat({base, parityOut}, 1).repeat({1, k, 1}).view({b * k, k + 1, c})
                          * eraseMask.repeat({b, 1, 1});
    OriginalErasure out;
    out.decoded = dec.forward(inDecode);
    out.baseTargets = base.repeat({1, k, 1}).view({b * k, k, c});
    out.trueLabels = trueLabels.repeat({1, k}).view({b * k, k});
    out.mask = accMask.repeat({b, 1}).view(-1).to(torch::kFloat);
    out.numAttempt = out.mask.nonzero().size(0);
    return out;
}

} // namespace parity::test
