#pragma once
#include <ATen/ATen.h>

#include <array>
#include <vector>

namespace parity {

/// torchvision's ToTensor on uint8 pixels: float(b) / 255, bit for bit, in a
/// single pass over the data (a 256-entry table) instead of a conversion
/// followed by a division. Any shape; returns a contiguous float tensor.
at::Tensor bytesToUnitFloat(const at::Tensor& bytes);

/// The per-channel byte table of ToTensor followed by Normalize(mean, std):
/// table[c * 256 + b] = (b / 255 - mean[c]) / std[c], each step in float32 as
/// torchvision computes it.
std::vector<float> normalizedByteTable(const std::array<float, 3>& mean, const std::array<float, 3>& std);

/// Maps uint8 images (..., C, H, W) through a per-channel table (C x 256
/// floats, e.g. normalizedByteTable): the float model input, contiguous.
at::Tensor applyByteTable(const at::Tensor& bytes, const std::vector<float>& table);

/// torchvision Resize(size) with an int size on a PIL image: the shorter side
/// becomes `size`, the longer int(size * long / short); PIL bilinear
/// (resizeBilinearLikePil). uint8 (C, H, W) in and out.
at::Tensor resizeShorterSide(const at::Tensor& image, int size);

/// torchvision CenterCrop(size): top = round((H - size) / 2), left likewise,
/// Python's round (half to even). uint8 (C, H, W), H and W >= size.
at::Tensor centerCrop(const at::Tensor& image, int size);

} // namespace parity
