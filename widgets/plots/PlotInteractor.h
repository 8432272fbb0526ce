#pragma once
#include <QObject>
#include <QPointF>
#include <QSet>
#include <QString>

#include <functional>

class QCustomPlot;
class QCPAbstractPlottable;
class QCPAbstractLegendItem;
class QCPGraph;
class QCPItemText;
class QCPItemTracer;
class QCPLegend;
class QMouseEvent;
class QWheelEvent;

namespace parity::gui {

class RedrawThrottle;

/// The comfort both live plots share: mouse zoom/pan, click a legend entry to
/// hide or show its series (greyed while hidden), and a hover read-out of the
/// data point nearest to the mouse (tracer + text in the plot, and a signal
/// for a label).
class PlotInteractor : public QObject {
    Q_OBJECT
public:
    /// Text of the read-out for one point of `graph`.
    using Formatter = std::function<QString(const QCPGraph* graph, double key, double value)>;
    /// How near (pixels) the mouse must be to a point for the read-out.
    static constexpr double kHoverRadius = 24.0;

    PlotInteractor(QCustomPlot* plot, RedrawThrottle* throttle, QObject* parent = nullptr);

    void setFormatter(Formatter formatter) { m_formatter = std::move(formatter); }

    /// Hides or shows a series as a click on its legend entry does.
    void setUserHidden(QCPAbstractPlottable* plottable, bool hidden);
    bool isUserHidden(const QCPAbstractPlottable* plottable) const { return m_hidden.contains(plottable); }

    /// Shows the read-out for the visible data point nearest to `pos` (widget
    /// pixels) and returns its text; hides it and returns "" when none is near.
    QString showReadoutAt(const QPointF& pos);
    void hideReadout();
    QString readout() const { return m_readout; }

Q_SIGNALS:
    void readoutChanged(const QString& text);
    void userHiddenChanged(QCPAbstractPlottable* plottable, bool hidden);
    /// The user dragged or zoomed: plots stop following new data until "Reset view".
    void viewChangedByUser();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onLegendClick(QCPLegend* legend, QCPAbstractLegendItem* item, QMouseEvent* event);
    void onPlottableClick(QCPAbstractPlottable* plottable, int dataIndex, QMouseEvent* event);
    void onMouseMove(QMouseEvent* event);
    void showPoint(QCPGraph* graph, int index);
    void replotOverlay();

    QCustomPlot* m_plot;
    RedrawThrottle* m_throttle;
    QCPItemTracer* m_tracer;
    QCPItemText* m_label;
    Formatter m_formatter;
    QSet<const QCPAbstractPlottable*> m_hidden;
    QString m_readout;
};

} // namespace parity::gui
