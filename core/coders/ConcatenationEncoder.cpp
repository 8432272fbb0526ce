#include "coders/ConcatenationEncoder.h"

#include "util/Error.h"

namespace parity {

ConcatenationEncoder::ConcatenationEncoder(int k, int r, ImageShape image)
    : Encoder(k, r, image)
{
    if (k != 2 && k != 4)
        throw Error("coders.image.ConcatenationEncoder supports k = 2 or 4, not k = " + std::to_string(k));
    if (image.height % 2 != 0 || image.width % 2 != 0)
        throw Error("coders.image.ConcatenationEncoder needs even image height and width, got " + image.toString());
}

ImageShape ConcatenationEncoder::codeInputShape() const
{
    ImageShape piece = m_image;
    piece.width = m_image.width / 2;
    if (m_k == 4)
        piece.height = m_image.height / 2;
    return piece;
}

at::Tensor ConcatenationEncoder::forward(const at::Tensor& groups)
{
    const ImageShape piece = codeInputShape();
    const int64_t b = groups.size(0);
    const int64_t c = m_image.channels;
    auto pieces = groups.reshape({b, m_k, c, piece.height, piece.width});
    at::Tensor parity;
    if (m_k == 2) {
        // (B, C, H, 2, W/2) -> side by side.
        parity = at::cat({pieces.select(1, 0), pieces.select(1, 1)}, /*dim=*/3);
    } else {
        auto top = at::cat({pieces.select(1, 0), pieces.select(1, 1)}, 3);
        auto bottom = at::cat({pieces.select(1, 2), pieces.select(1, 3)}, 3);
        parity = at::cat({top, bottom}, 2);
    }
    return parity.reshape({b, m_r, -1});
}

} // namespace parity
