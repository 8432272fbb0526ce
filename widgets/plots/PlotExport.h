#pragma once
#include <QString>

class QCustomPlot;

namespace parity::gui {

/// Saves a plot as PNG or PDF, chosen by the file's suffix (".png", ".pdf"),
/// at the plot's current size. Returns false and fills `error` on failure.
bool savePlot(QCustomPlot* plot, const QString& path, QString* error = nullptr);

} // namespace parity::gui
