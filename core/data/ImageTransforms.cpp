#include "data/ImageTransforms.h"

#include <ATen/Parallel.h>

#include <array>

namespace parity {

at::Tensor bytesToUnitFloat(const at::Tensor& bytes)
{
    static const std::array<float, 256> table = [] {
        std::array<float, 256> t{};
        for (int i = 0; i < 256; ++i)
            t[size_t(i)] = float(i) / 255.0f;   // what img.float().div(255) computes
        return t;
    }();
    const at::Tensor in = bytes.contiguous();
    at::Tensor out = at::empty(in.sizes(), at::kFloat);
    const uint8_t* src = in.data_ptr<uint8_t>();
    float* dst = out.data_ptr<float>();
    at::parallel_for(0, in.numel(), 1 << 20, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            dst[i] = table[src[i]];
    });
    return out;
}

} // namespace parity
