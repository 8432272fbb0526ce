#include "models/BaseMlp.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>

namespace parity {

BaseMlp::BaseMlp(int64_t inputSize, int64_t numClasses)
    : m_inputSize(inputSize)
{
    m_layers = register_module("nn", torch::nn::Sequential(torch::nn::Linear(inputSize, 200), torch::nn::ReLU(),
                                                           torch::nn::Linear(200, 100), torch::nn::ReLU(),
                                                           torch::nn::Linear(100, numClasses)));
}

at::Tensor BaseMlp::forward(const at::Tensor& input) { return m_layers->forward(input.reshape({-1, m_inputSize})); }

} // namespace parity

namespace parity {

std::vector<torch::nn::Linear> BaseMlp::linearChain()
{
    std::vector<torch::nn::Linear> layers;
    for (size_t i = 0; i < m_layers->size(); i += 2)
        layers.push_back(m_layers->ptr<torch::nn::LinearImpl>(i));
    return layers;
}

} // namespace parity
