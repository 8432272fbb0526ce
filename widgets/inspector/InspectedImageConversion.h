#pragma once
#include "training/ReconstructionInspector.h"

#include <QImage>

namespace parity::gui {

/// A core image (CHW floats in [0, 1]) as a QImage: grey for one channel,
/// RGB for three (other channel counts show their first channel), enlarged
/// by an integer factor with nearest-neighbour sampling so that pixels stay
/// crisp. Null for an empty image.
QImage toQImage(const parity::InspectedImage& image, int scale = 1);

/// The integer enlargement that makes an image about `target` pixels tall.
int scaleFor(const parity::InspectedImage& image, int target);

} // namespace parity::gui
