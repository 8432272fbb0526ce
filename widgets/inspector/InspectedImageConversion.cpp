#include "inspector/InspectedImageConversion.h"

#include <algorithm>
#include <cmath>

namespace parity::gui {

namespace {
uchar byteOf(float v) { return uchar(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }
} // namespace

QImage toQImage(const parity::InspectedImage& image, int scale)
{
    const int h = image.height, w = image.width;
    if (h <= 0 || w <= 0 || image.pixels.size() < size_t(image.channels) * size_t(h) * size_t(w))
        return {};
    const bool rgb = image.channels == 3;
    QImage out(w, h, rgb ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
    const size_t plane = size_t(h) * size_t(w);
    for (int y = 0; y < h; ++y) {
        uchar* line = out.scanLine(y);
        for (int x = 0; x < w; ++x) {
            const size_t i = size_t(y) * size_t(w) + size_t(x);
            if (rgb) {
                for (int c = 0; c < 3; ++c)
                    line[3 * x + c] = byteOf(image.pixels[c * plane + i]);
            } else {
                line[x] = byteOf(image.pixels[i]);
            }
        }
    }
    if (scale > 1)
        out = out.scaled(w * scale, h * scale, Qt::IgnoreAspectRatio, Qt::FastTransformation);
    return out;
}

int scaleFor(const parity::InspectedImage& image, int target)
{
    if (image.height <= 0)
        return 1;
    return std::max(1, target / image.height);
}

} // namespace parity::gui
