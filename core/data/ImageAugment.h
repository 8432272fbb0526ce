#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <random>

namespace parity {

/// torchvision RandomCrop(size = H, W, padding) then RandomHorizontalFlip()
/// on one uint8 image (C, H, W), as the CIFAR training code transform: the
/// image is zero-padded by `padding` on every side (fill 0 = black, before
/// ToTensor/Normalize), a window of the original size starts at (i, j), each
/// uniform in [0, 2 * padding], and the result is mirrored left-right with
/// probability 1/2. `dst` may not alias `src`.
void randomCropFlip(const uint8_t* src, uint8_t* dst, int channels, int height, int width, int padding,
                    std::mt19937_64& rng);

/// A crop window: top, left, height, width.
struct CropBox {
    int64_t top = 0;
    int64_t left = 0;
    int64_t height = 0;
    int64_t width = 0;
};

/// torchvision RandomResizedCrop.get_params (scale (0.08, 1), ratio (3/4, 4/3)):
/// up to ten tries of an area fraction uniform in scale and a log-uniform
/// aspect ratio; the central crop of the clamped ratio when none fits.
CropBox randomResizedCropBox(int64_t height, int64_t width, std::mt19937_64& rng);

/// RandomResizedCrop(size) + RandomHorizontalFlip() on a uint8 image (C, H, W):
/// the drawn box resized to size x size with PIL bilinear, mirrored with
/// probability 1/2.
at::Tensor randomResizedCropFlip(const at::Tensor& image, int size, std::mt19937_64& rng);

} // namespace parity
