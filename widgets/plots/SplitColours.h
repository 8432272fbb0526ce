#pragma once
#include <QColor>
#include <QString>

namespace parity::gui {

/// One colour per split, the same in every plot: train blue, val orange,
/// test green (others grey).
QColor splitColour(const QString& split);

} // namespace parity::gui
