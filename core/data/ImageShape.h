#pragma once
#include <cstdint>
#include <string>

namespace parity {

/// Channels x height x width of one sample as the base model sees it.
struct ImageShape {
    int channels = 1;
    int height = 28;
    int width = 28;

    int64_t numel() const { return int64_t(channels) * height * width; }
    std::string toString() const
    {
        return std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width);
    }
    bool operator==(const ImageShape& o) const
    {
        return channels == o.channels && height == o.height && width == o.width;
    }
};

} // namespace parity
