#pragma once
#include "coders/Encoder.h"

namespace parity {

/// coders.image.ConcatenationEncoder (k = 2 or 4, even H and W). The code
/// transform resizes each query (bilinear) to H x W/2 (k = 2) or H/2 x W/2
/// (k = 4); the encoder tiles the pieces into one H x W parity image:
///   k = 2: P[:, :, :W/2] = X1,  P[:, :, W/2:] = X2
///   k = 4: quadrants X1 top-left, X2 top-right, X3 bottom-left, X4 bottom-right
/// Each channel is tiled the same way.
class ConcatenationEncoder : public Encoder {
public:
    ConcatenationEncoder(int k, int r, ImageShape image);
    at::Tensor forward(const at::Tensor& groups) override;
    ImageShape codeInputShape() const override;
};

} // namespace parity
