#include "coders/MlpDecoder.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>

namespace parity {

MlpDecoder::MlpDecoder(int k, int r, int64_t numClasses)
    : Decoder(k, r, numClasses)
{
    const int64_t in = int64_t(k + r) * numClasses;
    const int64_t out = int64_t(k) * numClasses;
    m_nn = register_module("nn", torch::nn::Sequential(torch::nn::Linear(in, in), torch::nn::ReLU(),
                                                       torch::nn::Linear(in, out), torch::nn::ReLU(),
                                                       torch::nn::Linear(out, out)));
}

at::Tensor MlpDecoder::forward(const at::Tensor& in)
{
    const int64_t n = in.size(0);
    return m_nn->forward(in.reshape({n, -1})).view({n, m_k, m_numClasses});
}

} // namespace parity
