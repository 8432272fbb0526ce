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

QColor runColour(int index)
{
    static const QColor colours[] = {QColor(31, 119, 180),  QColor(255, 127, 14),  QColor(44, 160, 44),
                                     QColor(214, 39, 40),   QColor(148, 103, 189), QColor(140, 86, 75),
                                     QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                                     QColor(23, 190, 207)};
    constexpr int count = int(sizeof colours / sizeof colours[0]);
    return colours[((index % count) + count) % count];
}

} // namespace parity::gui
