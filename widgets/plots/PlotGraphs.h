#pragma once
// Named curves of a QCustomPlot, shared by the plots that overlay runs or
// strategies and let a legend click hide one.
#include <QPointF>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>

class QCPGraph;
class QCPRange;
class QCustomPlot;

namespace parity::gui {

/// The graph named `name`, or null.
QCPGraph* graphNamed(const QCustomPlot* plot, const QString& name);
/// Legend names of the plot's graphs, in order.
QStringList graphNamesOf(const QCustomPlot* plot);
/// The points of the graph named `name` (empty if none).
QVector<QPointF> graphPointsOf(const QCustomPlot* plot, const QString& name);
/// Whether the graph named `name` is drawn (false if there is none).
bool isGraphShown(const QCustomPlot* plot, const QString& name);
/// The union of the key and value ranges of the plot's visible plottables
/// (error bars: their intervals' ends). False, and nothing written, when
/// none has data.
bool visibleDataRange(QCustomPlot* plot, QCPRange* keys, QCPRange* values);
/// Shows or hides `graph` with its error bars, and greys its legend entry
/// when hidden.
void showGraph(QCustomPlot* plot, QCPGraph* graph, bool visible);
/// The same for the graph named `name`, remembering the user's choice in
/// `hidden` (names switched off); false when there is no such graph.
bool showGraphNamed(QCustomPlot* plot, const QString& name, bool visible, QSet<QString>* hidden);

} // namespace parity::gui
