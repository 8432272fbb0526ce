#include "data/ImageTransforms.h"

#include "data/PilResize.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <stdexcept>

namespace parity {

at::Tensor bytesToUnitFloat(const at::Tensor& bytes)
{
    static const std::array<float, 256> table = [] {
        std::array<float, 256> t{};
        for (int i = 0; i < 256; ++i)
            t[size_t(i)] = float(i) / 255.0f; // what img.float().div(255) computes
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

std::vector<float> normalizedByteTable(const std::array<float, 3>& mean, const std::array<float, 3>& std)
{
    std::vector<float> table(3 * 256);
    for (int c = 0; c < 3; ++c)
        for (int b = 0; b < 256; ++b) {
            const float unit = float(b) / 255.0f;
            table[size_t(c * 256 + b)] = (unit - mean[size_t(c)]) / std[size_t(c)];
        }
    return table;
}

at::Tensor applyByteTable(const at::Tensor& bytes, const std::vector<float>& table)
{
    if (bytes.scalar_type() != at::kByte || bytes.dim() < 3)
        throw std::invalid_argument("applyByteTable: expected uint8 (..., C, H, W)");
    const int64_t channels = int64_t(table.size() / 256);
    if (bytes.size(-3) != channels)
        throw std::invalid_argument("applyByteTable: the table has " + std::to_string(channels)
                                    + " channels, the images " + std::to_string(bytes.size(-3)));
    const at::Tensor in = bytes.contiguous();
    at::Tensor out = at::empty(in.sizes(), at::kFloat);
    const int64_t plane = in.size(-1) * in.size(-2);
    const int64_t planes = in.numel() / plane;
    const uint8_t* src = in.data_ptr<uint8_t>();
    float* dst = out.data_ptr<float>();
    at::parallel_for(0, planes, 16, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
            const float* t = table.data() + (p % channels) * 256;
            for (int64_t j = p * plane; j < (p + 1) * plane; ++j)
                dst[j] = t[src[j]];
        }
    });
    return out;
}

at::Tensor resizeShorterSide(const at::Tensor& image, int size)
{
    const int64_t h = image.size(1), w = image.size(2);
    if ((w <= h && w == size) || (h <= w && h == size))
        return image; // torchvision returns the image unchanged then
    int64_t oh, ow;
    if (w < h) {
        ow = size;
        oh = int64_t(double(size) * double(h) / double(w));
    } else {
        oh = size;
        ow = int64_t(double(size) * double(w) / double(h));
    }
    return resizeBilinearLikePil(image.unsqueeze(0), int(oh), int(ow)).squeeze(0);
}

at::Tensor centerCrop(const at::Tensor& image, int size)
{
    const int64_t h = image.size(1), w = image.size(2);
    if (h < size || w < size)
        throw std::invalid_argument("centerCrop: image " + std::to_string(h) + "x" + std::to_string(w)
                                    + " is smaller than " + std::to_string(size));
    const int64_t top = int64_t(std::nearbyint(double(h - size) / 2.0));
    const int64_t left = int64_t(std::nearbyint(double(w - size) / 2.0));
    return image.narrow(1, top, size).narrow(2, left, size).contiguous();
}

} // namespace parity
