#include "plots/SplitColours.h"

namespace parity::gui {

QColor splitColour(const QString& split)
{
    // Matplotlib's first three "tab10" colours: distinct, also for most colour-blind readers.
    if (split == QLatin1String("train"))
        return QColor(0x1f, 0x77, 0xb4);
    if (split == QLatin1String("val"))
        return QColor(0xff, 0x7f, 0x0e);
    if (split == QLatin1String("test"))
        return QColor(0x2c, 0xa0, 0x2c);
    return QColor(0x7f, 0x7f, 0x7f);
}

} // namespace parity::gui
