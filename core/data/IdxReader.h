#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <string>

namespace parity {

/// Largest payload (image or label bytes) an IDX file may claim: 4 GiB. Headers
/// claiming more are rejected before anything is allocated.
constexpr std::uint64_t kMaxIdxPayloadBytes = std::uint64_t(4) << 30;

/// Reads an IDX image file (magic 0x00000803: uint8, dims N x rows x cols), raw or
/// gzip-compressed (detected by the gzip magic bytes, not the file name).
/// Returns a uint8 tensor (N, 1, rows, cols). Throws parity::Error naming the file
/// for a missing/unreadable file, a wrong magic number, a truncated file, trailing
/// bytes, a corrupt gzip stream or a header claiming an absurd size.
at::Tensor readIdxImages(const std::string& path);

/// Reads an IDX label file (magic 0x00000801: uint8, dim N), raw or gzip-compressed.
/// Returns an int64 tensor (N). Errors as for readIdxImages.
at::Tensor readIdxLabels(const std::string& path);

} // namespace parity
