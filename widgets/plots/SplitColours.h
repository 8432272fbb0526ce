#pragma once
#include <QColor>
#include <QString>

namespace parity::gui {

/// One colour per split, the same in every plot: train blue, val orange,
/// test green (others grey).
QColor splitColour(const QString& split);

/// One colour per run in plots that overlay runs (matplotlib's "tab10",
/// repeating after ten).
QColor runColour(int index);

} // namespace parity::gui
