#pragma once
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>

#include <array>
#include <cstdint>
#include <mutex>

#include <ATen/ATen.h>

namespace parity {

/// A Conv2d followed by a BatchNorm2d, evaluated as one convolution whenever
/// the batch norm only applies its running statistics and nothing records
/// gradients: the model is in eval mode and grad mode is off (NoGradGuard,
/// InferenceMode), as in preparation, validation, test and serving. Then
///   bn(conv(x)) = conv(x; w * s) + (b - mean) * s + beta,  s = gamma / sqrt(var + eps)
/// per output channel, which saves a pass over every activation (resnet18
/// preparation 1-6% faster, vgg11 more: bench/README.md). The results differ
/// from the two layers by rounding only (a few units in the last place).
/// Training, or an eval-mode forward that records gradients, runs the two
/// layers as they are.
///
/// The folded weights are cached: recomputed when any of the six tensors is
/// replaced or written in place (their version counters), and after
/// invalidate(), which the owning network calls from train(): optimisers
/// that write parameters through raw pointers do so in training mode only.
/// Safe to call from several threads at once.
///
/// A network whose eval pass is a chain of such pairs and of operations
/// oneDNN (MKL-DNN) runs on its own blocked tensors (ReLU, sums, pooling)
/// may run that chain on them: forwardMkldnn() takes and returns such a
/// tensor, with the folded weights reordered once into oneDNN's layout and
/// cached, where a dense at::conv2d reorders the weights, its input and its
/// output on every call. See usesMkldnn().
class ConvBnFold {
public:
    at::Tensor forward(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn, const at::Tensor& x);
    /// The folded pair on an MKL-DNN tensor `x` (x.to_mkldnn()); returns one.
    /// Only where usesMkldnn(conv, bn) holds.
    at::Tensor forwardMkldnn(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn, const at::Tensor& x);
    void invalidate();

    /// Whether `forward` folds here (enabled, eval mode, grad mode off, a foldable pair).
    static bool folds(const torch::nn::Conv2dImpl& conv, const torch::nn::BatchNorm2dImpl& bn);

    /// Folding for the whole process: on unless the environment says
    /// PARITY_FOLD_BATCHNORM=0 (e.g. to compare with the unfolded layers
    /// digit by digit); parity_bench_models --fold-compare switches it per run.
    static bool enabled();
    static void setEnabled(bool on);

    /// Whether an eval pass may run the folded pair on MKL-DNN tensors:
    /// folds(conv, bn), LibTorch was built with MKL-DNN, and the MKL-DNN
    /// path is enabled (on unless PARITY_MKLDNN_EVAL=0, e.g. to compare;
    /// parity_bench_models --fold-compare switches it per run).
    static bool usesMkldnn(const torch::nn::Conv2dImpl& conv, const torch::nn::BatchNorm2dImpl& bn);
    /// Whether a network's input can go to MKL-DNN tensors: a non-empty
    /// batch of floats on the CPU.
    static bool mkldnnInput(const at::Tensor& x);
    static bool mkldnnEnabled();
    static void setMkldnnEnabled(bool on);

private:
    /// Per tensor (conv weight and bias, BN weight, bias, mean, variance): its
    /// TensorImpl, data pointer and version.
    using Key = std::array<int64_t, 18>;

    /// The folded weight and bias for the current tensors, cached; with
    /// `packed`, also the weight reordered for MKL-DNN and the bias as an
    /// MKL-DNN tensor.
    void folded(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn, at::Tensor& weight, at::Tensor& bias,
                at::Tensor* packedWeight = nullptr, at::Tensor* packedBias = nullptr);

    std::mutex m_mutex;
    Key m_key{}; ///< what the cached weights were made from; meaningful while m_weight is defined
    at::Tensor m_weight, m_bias;
    at::Tensor m_packedWeight, m_packedBias; ///< made on first use from m_weight, m_bias
};

} // namespace parity
