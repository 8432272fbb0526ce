#pragma once
#include <QString>

class QCustomPlot;

namespace parity::gui {

/// Saves a plot as PNG or PDF, chosen by the file's suffix (".png", ".pdf"),
/// at the plot's current size (at least 640x400). Returns false and fills
/// `error` on failure.
bool savePlot(QCustomPlot* plot, const QString& path, QString* error = nullptr);

/// The same for a plot whose legend on screen is a LegendList (its own
/// legend detached): the image has the plot's legend beside the axes, made
/// wide and tall enough for all its entries, and the plot is left as it was.
bool savePlotWithLegend(QCustomPlot* plot, const QString& path, QString* error = nullptr);

} // namespace parity::gui
