#pragma once
#include <ATen/ATen.h>

namespace parity {

/// torchvision's ToTensor on uint8 pixels: float(b) / 255, bit for bit, in a
/// single pass over the data (a 256-entry table) instead of a conversion
/// followed by a division. Any shape; returns a contiguous float tensor.
at::Tensor bytesToUnitFloat(const at::Tensor& bytes);

} // namespace parity
