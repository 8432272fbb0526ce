#include "models/ConvBnFold.h"

#include <ATen/core/grad_mode.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace parity {

namespace {

// Writes `t`'s three entries of the key at `slot`. False for an inference
// tensor (made under InferenceMode): it has no version counter, so a cache
// of it could not notice an in-place write.
bool putKey(int64_t* slot, const at::Tensor& t)
{
    if (!t.defined()) {
        slot[0] = slot[1] = 0;
        slot[2] = -1;
        return true;
    }
    if (t.is_inference())
        return false;
    slot[0] = reinterpret_cast<int64_t>(t.unsafeGetTensorImpl());
    slot[1] = reinterpret_cast<int64_t>(t.data_ptr());
    slot[2] = int64_t(t._version());
    return true;
}

// On unless the environment variable says 0 or off.
bool onUnlessOff(const char* variable)
{
    const char* v = std::getenv(variable);
    return !(v && (std::strcmp(v, "0") == 0 || std::strcmp(v, "off") == 0));
}

std::atomic<bool>& enabledFlag()
{
    static std::atomic<bool> flag{onUnlessOff("PARITY_FOLD_BATCHNORM")};
    return flag;
}

std::atomic<bool>& mkldnnFlag()
{
    static std::atomic<bool> flag{onUnlessOff("PARITY_MKLDNN_EVAL")};
    return flag;
}

} // namespace

bool ConvBnFold::enabled() { return enabledFlag().load(std::memory_order_relaxed); }

void ConvBnFold::setEnabled(bool on) { enabledFlag().store(on); }

bool ConvBnFold::mkldnnEnabled() { return mkldnnFlag().load(std::memory_order_relaxed); }

void ConvBnFold::setMkldnnEnabled(bool on) { mkldnnFlag().store(on); }

bool ConvBnFold::usesMkldnn(const torch::nn::Conv2dImpl& conv, const torch::nn::BatchNorm2dImpl& bn)
{
    static const bool built = at::hasMKLDNN();
    return built && mkldnnEnabled() && folds(conv, bn) && conv.weight.device().is_cpu();
}

bool ConvBnFold::mkldnnInput(const at::Tensor& x)
{
    return x.size(0) > 0 && x.device().is_cpu() && x.scalar_type() == at::kFloat;
}

bool ConvBnFold::folds(const torch::nn::Conv2dImpl& conv, const torch::nn::BatchNorm2dImpl& bn)
{
    if (!enabled() || conv.is_training() || bn.is_training() || at::GradMode::is_enabled())
        return false;
    const auto& co = conv.options;
    return bn.options.track_running_stats() && bn.running_mean.defined() && bn.running_var.defined()
           && c10::holds_alternative<torch::ExpandingArray<2>>(co.padding())
           && c10::holds_alternative<torch::enumtype::kZeros>(co.padding_mode())
           && conv.weight.scalar_type() == at::kFloat;
}

at::Tensor ConvBnFold::forward(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn, const at::Tensor& x)
{
    if (!folds(conv, bn))
        return bn.forward(conv.forward(x));
    at::Tensor weight, bias;
    folded(conv, bn, weight, bias);
    const auto& co = conv.options;
    return at::conv2d(x, weight, bias, *co.stride(), *c10::get<torch::ExpandingArray<2>>(co.padding()), *co.dilation(),
                      co.groups());
}

at::Tensor ConvBnFold::forwardMkldnn(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn, const at::Tensor& x)
{
    at::Tensor weight, bias, packedWeight, packedBias;
    folded(conv, bn, weight, bias, &packedWeight, &packedBias);
    const auto& co = conv.options;
    return at::mkldnn_convolution(x, packedWeight, packedBias, *c10::get<torch::ExpandingArray<2>>(co.padding()),
                                  *co.stride(), *co.dilation(), co.groups());
}

void ConvBnFold::folded(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn, at::Tensor& weight,
                        at::Tensor& bias, at::Tensor* packedWeight, at::Tensor* packedBias)
{
    Key key{};
    bool cacheable = true;
    int64_t* slot = key.data();
    for (const at::Tensor* t : {&conv.weight, &conv.bias, &bn.weight, &bn.bias, &bn.running_mean, &bn.running_var}) {
        cacheable = cacheable && putKey(slot, *t);
        slot += 3;
    }

    const auto& co = conv.options;
    // oneDNN's own layout of the weights, for this convolution's geometry.
    auto pack = [&co](const at::Tensor& w, const at::Tensor& b, at::Tensor* pw, at::Tensor* pb) {
        *pw = at::mkldnn_reorder_conv2d_weight(w.to_mkldnn(), *c10::get<torch::ExpandingArray<2>>(co.padding()),
                                               *co.stride(), *co.dilation(), co.groups());
        *pb = b.to_mkldnn();
    };
    std::lock_guard<std::mutex> lock(m_mutex);
    if (cacheable && m_weight.defined() && key == m_key) {
        weight = m_weight;
        bias = m_bias;
        if (packedWeight) {
            if (!m_packedWeight.defined())
                pack(m_weight, m_bias, &m_packedWeight, &m_packedBias);
            *packedWeight = m_packedWeight;
            *packedBias = m_packedBias;
        }
        return;
    }
    // In double, so that the folded weights round once.
    const at::Tensor var = bn.running_var.to(at::kDouble);
    at::Tensor scale = (var + bn.options.eps()).rsqrt();
    if (bn.weight.defined())
        scale = scale * bn.weight.to(at::kDouble);
    at::Tensor shift = -bn.running_mean.to(at::kDouble);
    if (conv.bias.defined())
        shift = shift + conv.bias.to(at::kDouble);
    shift = shift * scale;
    if (bn.bias.defined())
        shift = shift + bn.bias.to(at::kDouble);
    weight = (conv.weight.to(at::kDouble) * scale.view({-1, 1, 1, 1})).to(at::kFloat).contiguous();
    bias = shift.to(at::kFloat);
    at::Tensor pw, pb;
    if (packedWeight)
        pack(weight, bias, &pw, &pb);
    if (cacheable) { // else computed afresh on every call
        m_weight = weight;
        m_bias = bias;
        m_packedWeight = pw;
        m_packedBias = pb;
        m_key = key;
    }
    if (packedWeight) {
        *packedWeight = pw;
        *packedBias = pb;
    }
}

void ConvBnFold::invalidate()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_weight = at::Tensor();
    m_bias = at::Tensor();
    m_packedWeight = at::Tensor();
    m_packedBias = at::Tensor();
}

} // namespace parity
