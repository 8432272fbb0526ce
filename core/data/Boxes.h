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

/// A pixel box clipped the original's way (cub-localization/box_util.py,
/// crop_boxes): corners x1 = x, x2 = x + w - 1 (inclusive pixels), each
/// clamped to [0, W] ([0, H] for y), then w = x2 - x1 + 1. A box running
/// past the right edge thus ends 1 px wider than a plain clip to [0, W].
Box cropToImage(const Box& pixels, float imageWidth, float imageHeight);

/// Crops a pixel box (cropToImage), then normalises it as above
/// (box_util.py box_transform), in float as the original does.
Box normaliseBox(const Box& pixels, int imageWidth, int imageHeight);

/// The inverse map, normalised -> pixels (box_util.py box_transform_inv).
Box toPixels(const Box& normalised, float imageWidth, float imageHeight);

/// A normalised box clipped to its W x H image the original's way: back to
/// pixels, cropToImage, normalised again. The original's base-model boxes
/// are clipped so (cub-localization/get_base_labels.py, coded.py).
Box clipNormalised(const Box& normalised, float imageWidth, float imageHeight);

/// clipNormalised of each row of an (N, 4) float tensor with the images'
/// (N, 2) sizes (W, H); a new tensor.
at::Tensor clipNormalisedRows(const at::Tensor& boxes, const at::Tensor& imageSizes);

/// The original's IoU of two pixel boxes (box_util.py compute_IoU): inclusive
/// corners x2 = x + w - 1, areas (x2 - x1)(y2 - y1) with negative sides
/// counted as 0, intersection likewise; 0 when the union is empty.
float pixelIou(const Box& a, const Box& b);

/// IoU of a decoded box against a reference box, both normalised, as the
/// original's compute_acc scores it: both mapped back to pixels of the
/// W x H image, the decoded one cropped to the image (cropToImage), then
/// pixelIou. The 0.75 threshold is applied to this value.
float scoredIou(const Box& decoded, const Box& reference, float imageWidth, float imageHeight);

/// scoredIou of corresponding rows of two (N, 4) float tensors (x, y, w, h,
/// normalised) with the images' sizes, an (N, 2) float tensor of (W, H): (N).
at::Tensor scoredIouRows(const at::Tensor& decoded, const at::Tensor& reference, const at::Tensor& imageSizes);

/// Reads a file of lines `id x y w h` (CUB's bounding_boxes.txt, or a base
/// model's predicted boxes in the same format), pixels. Blank lines are
/// skipped; anything else malformed throws parity::Error naming the line.
std::map<int64_t, Box> readBoxFile(const std::string& path);

} // namespace parity
