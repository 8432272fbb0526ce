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

std::atomic<bool>& enabledFlag()
{
    static std::atomic<bool> flag{[] {
        const char* v = std::getenv("PARITY_FOLD_BATCHNORM");
        return !(v && (std::strcmp(v, "0") == 0 || std::strcmp(v, "off") == 0));
    }()};
    return flag;
}

} // namespace

bool ConvBnFold::enabled() { return enabledFlag().load(std::memory_order_relaxed); }

void ConvBnFold::setEnabled(bool on) { enabledFlag().store(on); }

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

    Key key{};
    bool cacheable = true;
    int64_t* slot = key.data();
    for (const at::Tensor* t : {&conv.weight, &conv.bias, &bn.weight, &bn.bias, &bn.running_mean, &bn.running_var}) {
        cacheable = cacheable && putKey(slot, *t);
        slot += 3;
    }

    at::Tensor weight, bias;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (cacheable && m_weight.defined() && key == m_key) {
            weight = m_weight;
            bias = m_bias;
        } else {
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
            if (cacheable) { // else computed afresh on every call
                m_weight = weight;
                m_bias = bias;
                m_key = key;
            }
        }
    }
    const auto& co = conv.options;
    return at::conv2d(x, weight, bias, *co.stride(), *c10::get<torch::ExpandingArray<2>>(co.padding()), *co.dilation(),
                      co.groups());
}

void ConvBnFold::invalidate()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_weight = at::Tensor();
    m_bias = at::Tensor();
}

} // namespace parity
