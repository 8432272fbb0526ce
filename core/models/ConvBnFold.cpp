#include "models/ConvBnFold.h"

#include <ATen/core/grad_mode.h>

#include <atomic>
#include <cstdlib>
#include <cstring>


namespace parity {

namespace {

// False for an inference tensor (made under InferenceMode): it has no
// version counter, so a cache of it could not notice an in-place write.
bool addKey(std::vector<int64_t>& key, const at::Tensor& t)
{
    if (!t.defined()) {
        key.insert(key.end(), {0, 0, -1});
        return true;
    }
    if (t.is_inference())
        return false;
    key.push_back(reinterpret_cast<int64_t>(t.unsafeGetTensorImpl()));
    key.push_back(reinterpret_cast<int64_t>(t.data_ptr()));
    key.push_back(int64_t(t._version()));
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

    std::vector<int64_t> key;
    key.reserve(18);
    bool cacheable = true;
    for (const at::Tensor* t : {&conv.weight, &conv.bias, &bn.weight, &bn.bias, &bn.running_mean, &bn.running_var})
        cacheable = addKey(key, *t) && cacheable;
    if (!cacheable)
        key.clear(); // never equal to a kept key: computed afresh

    at::Tensor weight, bias;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (key.empty() || key != m_key || !m_weight.defined()) {
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
            m_weight = (conv.weight.to(at::kDouble) * scale.view({-1, 1, 1, 1})).to(at::kFloat).contiguous();
            m_bias = shift.to(at::kFloat);
            m_key = std::move(key);
        }
        weight = m_weight;
        bias = m_bias;
    }
    const auto& co = conv.options;
    return at::conv2d(x, weight, bias, *co.stride(), *c10::get<torch::ExpandingArray<2>>(co.padding()), *co.dilation(),
                      co.groups());
}

void ConvBnFold::invalidate()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_key.clear();
    m_weight = at::Tensor();
    m_bias = at::Tensor();
}

} // namespace parity
