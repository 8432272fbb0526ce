#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <map>
#include <string>

namespace parity {

/// An axis-aligned box: top-left corner (x, y), width w, height h. In pixels
/// as CUB's bounding_boxes.txt gives them, or normalised (docs/BEHAVIOUR.md §4, object
/// localization): x' = 2x/W - 1, y' = 2y/H - 1 in [-1, 1] and w' = 2w/W,
/// h' = 2h/H in [0, 2] for an image of W x H pixels.
struct Box {
    float x = 0, y = 0, w = 0, h = 0;
};

/// Clips a pixel box to the W x H image (corners to [0, W] x [0, H]), then
/// normalises it as above.
Box normaliseBox(const Box& pixels, int imageWidth, int imageHeight);

/// Intersection over union of two boxes in the same coordinates (IoU is
/// unchanged by the normalisation, a per-axis affine map). Negative widths
/// or heights count as empty; two empty boxes have IoU 0.
double iou(const Box& a, const Box& b);

/// IoU of corresponding rows of two (N, 4) float tensors (x, y, w, h): (N).
at::Tensor iouRows(const at::Tensor& a, const at::Tensor& b);

/// Reads a file of lines `id x y w h` (CUB's bounding_boxes.txt, or a base
/// model's predicted boxes in the same format), pixels. Blank lines are
/// skipped; anything else malformed throws parity::Error naming the line.
std::map<int64_t, Box> readBoxFile(const std::string& path);

} // namespace parity
