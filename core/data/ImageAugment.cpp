#include "data/ImageAugment.h"

#include "data/PilResize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace parity {

void randomCropFlip(const uint8_t* src, uint8_t* dst, int channels, int height, int width, int padding,
                    std::mt19937_64& rng)
{
    const int range = 2 * padding + 1;
    const int top = int(rng() % uint64_t(range)) - padding; // offset of the window in the original image
    const int left = int(rng() % uint64_t(range)) - padding;
    const bool flip = (rng() & 1) != 0;
    for (int c = 0; c < channels; ++c) {
        const uint8_t* plane = src + int64_t(c) * height * width;
        uint8_t* out = dst + int64_t(c) * height * width;
        for (int y = 0; y < height; ++y) {
            const int sy = y + top;
            uint8_t* row = out + int64_t(y) * width;
            if (sy < 0 || sy >= height) {
                std::memset(row, 0, size_t(width));
                continue;
            }
            for (int x = 0; x < width; ++x) {
                const int sx = (flip ? width - 1 - x : x) + left;
                row[x] = sx < 0 || sx >= width ? 0 : plane[int64_t(sy) * width + sx];
            }
        }
    }
}

CropBox randomResizedCropBox(int64_t height, int64_t width, std::mt19937_64& rng)
{
    constexpr double kScaleMin = 0.08, kScaleMax = 1.0;
    const double logRatioMin = std::log(3.0 / 4.0), logRatioMax = std::log(4.0 / 3.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double area = double(height) * double(width);
    for (int attempt = 0; attempt < 10; ++attempt) {
        const double targetArea = area * (kScaleMin + (kScaleMax - kScaleMin) * unit(rng));
        const double aspect = std::exp(logRatioMin + (logRatioMax - logRatioMin) * unit(rng));
        const int64_t w = int64_t(std::nearbyint(std::sqrt(targetArea * aspect)));
        const int64_t h = int64_t(std::nearbyint(std::sqrt(targetArea / aspect)));
        if (w > 0 && w <= width && h > 0 && h <= height) {
            const int64_t top = int64_t(rng() % uint64_t(height - h + 1));
            const int64_t left = int64_t(rng() % uint64_t(width - w + 1));
            return {top, left, h, w};
        }
    }
    const double inRatio = double(width) / double(height);
    int64_t w = width, h = height;
    if (inRatio < 3.0 / 4.0)
        h = int64_t(std::nearbyint(double(w) / (3.0 / 4.0)));
    else if (inRatio > 4.0 / 3.0)
        w = int64_t(std::nearbyint(double(h) * (4.0 / 3.0)));
    return {(height - h) / 2, (width - w) / 2, h, w};
}

at::Tensor randomResizedCropFlip(const at::Tensor& image, int size, std::mt19937_64& rng)
{
    const CropBox box = randomResizedCropBox(image.size(1), image.size(2), rng);
    const bool flip = (rng() & 1) != 0;
    const at::Tensor crop = image.narrow(1, box.top, box.height).narrow(2, box.left, box.width).contiguous();
    at::Tensor out = resizeBilinearLikePil(crop.unsqueeze(0), size, size).squeeze(0);
    return flip ? out.flip({2}).contiguous() : out;
}

} // namespace parity
