#pragma once
// Named curves of a QCustomPlot, shared by the plots that overlay runs or
// strategies and let a legend click hide one.
#include <QPointF>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>

class QCPGraph;
class QCPItemText;
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

/// A grey note in the middle of the axes (what will be drawn there, and
/// when), owned by `plot`; clipped to the axes, so its lines stay short (a
/// plot may be 280 px wide). An item, not a plottable: the legend, the hover
/// read-out and the data ranges never meet it.
QCPItemText* addEmptyNote(QCustomPlot* plot, const QString& text);
/// Shows `note` (if any) exactly while none of the plot's graphs holds a
/// point (graphs the user hid still hold theirs).
void showEmptyNoteWhileEmpty(QCustomPlot* plot, QCPItemText* note);
/// The note's text while it is shown, else "".
QString shownEmptyNote(const QCPItemText* note);

/// For a plot that does not zoom: the mouse wheel over it scrolls the nearest
/// scroll area that holds it instead of stopping there. QCustomPlot accepts every
/// wheel event, zooming or not, so a page of bar charts would not scroll
/// while the pointer was over one of them.
void letWheelScrollPast(QCustomPlot* plot);

} // namespace parity::gui
