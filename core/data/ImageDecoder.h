#pragma once
#include <ATen/ATen.h>
#include <cstdint>

#include <string>
#include <vector>

namespace parity {

/// Most pixels an image may claim: PIL's DecompressionBombError threshold
/// (2 * Image.MAX_IMAGE_PIXELS). Larger headers are refused before anything
/// is allocated, so a tiny hostile file cannot ask for gigabytes.
constexpr std::uint64_t kMaxImagePixels = 2 * 89478485ull;

/// Decodes a JPEG (libjpeg, the library PIL uses, default settings: islow
/// IDCT, fancy upsampling) or PNG (libpng) file, recognised by its first
/// bytes, to uint8 RGB (3, H, W) as PIL's Image.open(f).convert('RGB') does:
/// grey is replicated, palettes expanded, alpha dropped, 16-bit samples cut
/// to their high byte, CMYK (Adobe-inverted or not) converted as Pillow does.
/// Throws parity::Error naming the file for anything else (other formats,
/// corrupt or truncated data).
at::Tensor decodeImageFile(const std::string& path);

/// Same, from bytes in memory; `name` is used in messages.
at::Tensor decodeImage(const std::vector<unsigned char>& bytes, const std::string& name);

} // namespace parity
