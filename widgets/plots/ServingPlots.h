#pragma once
// The Serving tab's plots (docs/SERVING.md): latency tails per strategy and
// p99.9 against the arrival rate, one colour per strategy in both.
#include <QPointF>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <vector>

class QCPAbstractLegendItem;
class QCPGraph;
class QCPItemText;
class QCPLegend;
class QCPTextElement;
class QCustomPlot;
class QMouseEvent;

namespace parity::gui {

/// The same colour for a strategy everywhere: none grey, replication blue,
/// parm (any r) orange, berrut green, replicate-all purple.
QColor strategyColour(const QString& strategy);

/// One curve per strategy, the legend beside the axes; a legend click hides
/// and shows a curve; PNG/PDF export.
class StrategyPlot : public QWidget {
    Q_OBJECT
public:
    explicit StrategyPlot(QWidget* parent = nullptr);

    QCustomPlot* plot() const { return m_plot; }
    /// Legend names of the curves, in legend order.
    QStringList graphNames() const;
    /// The points of the curve named `name` (empty if none).
    QVector<QPointF> graphPoints(const QString& name) const;
    bool isGraphVisible(const QString& name) const;
    /// As a click on the legend entry does.
    bool setGraphVisible(const QString& name, bool visible);
    /// PNG or PDF by suffix (savePlot).
    bool exportImage(const QString& path, QString* error = nullptr);
    /// A title above the axes (the run and the settings; empty: none), also
    /// in the exported image.
    void setTitle(const QString& title);
    QString title() const;
    /// The note over empty axes (what Simulate or Sweep load will draw);
    /// "" once there are curves.
    QString emptyNote() const;

protected:
    /// Set once, by the subclass's constructor.
    void setEmptyNote(const QString& text);
    /// Clears the curves (keeping what the user hid, by name).
    void clearCurves();
    QCPGraph* addCurve(const QString& name);
    /// Applies the hidden set, shows the legend when there are curves and
    /// fits the axes to the visible data (the value axis from `floor` up,
    /// error bars included).
    void finishCurves(double floor);

private:
    void onLegendClick(QCPLegend* legend, QCPAbstractLegendItem* item, QMouseEvent* event);
    void fitAxes();

    QCustomPlot* m_plot;
    QCPTextElement* m_title = nullptr;
    QCPItemText* m_emptyNote = nullptr;
    QSet<QString> m_hidden;
    double m_floor = 0;
};

/// Latency tails: for each strategy the fraction of queries slower than x ms
/// (1 - CDF) on a log scale down to 1/N, so p99, p99.5 and p99.9 read off as
/// the curve's crossing of 10^-2, 5x10^-3 and 10^-3.
class LatencyTailPlot : public StrategyPlot {
    Q_OBJECT
public:
    explicit LatencyTailPlot(QWidget* parent = nullptr);

    struct Curve {
        QString strategy;
        std::vector<double> latenciesMs; ///< any order
    };
    void setCurves(const std::vector<Curve>& curves);

    /// The points drawn for `latencies`: (latency, fraction of the queries
    /// slower than it), thinned to a few hundred points spread evenly over
    /// the body and, on the log scale, over the tail; the last is the
    /// slowest query at 1/N.
    static QVector<QPointF> tailPoints(std::vector<double> latencies);
};

/// p99.9 latency against the arrival rate for each strategy, with the 95%
/// confidence interval over the trials as error bars (the paper's Fig. 9).
class LoadSweepPlot : public StrategyPlot {
    Q_OBJECT
public:
    explicit LoadSweepPlot(QWidget* parent = nullptr);

    struct Point {
        double rate = 0; ///< queries per second
        double p999Ms = 0;
        double halfWidthMs = 0;
    };
    struct Curve {
        QString strategy;
        std::vector<Point> points;
    };
    void setCurves(const std::vector<Curve>& curves);
};

} // namespace parity::gui
