#pragma once
#include <ATen/ATen.h>

namespace parity {

/// Resizes uint8 images (N, C, H, W) to (N, C, outH, outW) exactly like PIL's
/// Image.resize((outW, outH), Image.BILINEAR) on 'L'/'RGB' images, i.e. what
/// torchvision.transforms.Resize((outH, outW)) does to PIL images: Pillow's separable
/// two-pass resampling (horizontal, then vertical), antialiased when downscaling, in
/// fixed-point uint8 arithmetic with a uint8 intermediate image. Each channel is
/// resampled independently. Throws std::invalid_argument for a tensor that is not
/// uint8 4-D with non-empty planes, or a non-positive output size.
at::Tensor resizeBilinearLikePil(const at::Tensor& images, int outH, int outW);

} // namespace parity
