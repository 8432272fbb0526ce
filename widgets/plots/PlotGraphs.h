#pragma once
// Named curves of a QCustomPlot, shared by the plots that overlay runs or
// strategies and let a legend click hide one.
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

class QCPGraph;
class QCustomPlot;

namespace parity::gui {

/// Legend names of the plot's graphs, in order.
QStringList graphNamesOf(const QCustomPlot* plot);
/// The points of the graph named `name` (empty if none).
QVector<QPointF> graphPointsOf(const QCustomPlot* plot, const QString& name);
/// Whether the graph named `name` is drawn (false if there is none).
bool isGraphShown(const QCustomPlot* plot, const QString& name);
/// Shows or hides `graph` with its error bars, and greys its legend entry
/// when hidden.
void showGraph(QCustomPlot* plot, QCPGraph* graph, bool visible);

} // namespace parity::gui
